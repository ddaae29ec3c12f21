import { type Kysely, sql } from 'kysely';

/**
 * What the operator dashboard needs: per-environment Connect UI theme and allowed origins, and the indexes that keep
 * its lists fast at 100,000+ connections (keyset pages newest first under every filter), its logs paged and live, and
 * its 14-day charts grouped by day without scanning whole tables.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations work on any schema
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('environments')
    .addColumn('connect_ui_theme', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('allowed_origins', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .execute();

  // Tag filters compare keys case-insensitively (the SDK lower-cases what it sends): keep the tags with lower-cased
  // keys beside them (stored: computing it per row made a dense filter slow) so a filter is one containment test,
  // which the GIN index answers when matches are few.
  await sql`create or replace function latchkey_lower_keys(tags jsonb) returns jsonb
    language sql immutable parallel safe as
    $$ select coalesce(jsonb_object_agg(lower(key), value), '{}'::jsonb) from jsonb_each(tags) $$`.execute(
    db,
  );
  await sql`alter table connections add column tags_lower jsonb not null
    generated always as (latchkey_lower_keys(tags)) stored`.execute(db);

  for (const statement of CONNECTION_INDEXES) await sql.raw(statement).execute(db);
  for (const statement of ACTIVITY_INDEXES) await sql.raw(statement).execute(db);
}

/** Pages read `order by id desc limit n` after the filter; each index leads with what the filter pins. */
const CONNECTION_INDEXES = [
  'create index connections_env_page_idx on connections (environment_id, id)',
  'create index connections_integration_page_idx on connections (integration_id, id)',
  'create index connections_env_refresh_state_idx on connections (environment_id, refresh_state, id)',
  "create index connections_env_end_user_idx on connections (environment_id, (end_user->>'id'), id)",
  "create index connections_env_organization_idx on connections (environment_id, (end_user->'organization'->>'id'), id)",
  // Prefix search (`like 'abc%'`) on lower-cased text, whatever the database collation.
  'create index connections_env_connection_id_prefix_idx on connections (environment_id, lower(connection_id) text_pattern_ops)',
  "create index connections_env_email_prefix_idx on connections (environment_id, lower(end_user->>'email') text_pattern_ops)",
  "create index connections_env_name_prefix_idx on connections (environment_id, lower(end_user->>'display_name') text_pattern_ops)",
  'create index connections_tags_idx on connections using gin (tags_lower jsonb_path_ops)',
];

const ACTIVITY_INDEXES = [
  // Log pages (started_at desc, id desc) and the flows chart.
  'create index operations_env_started_idx on operations (environment_id, started_at, id)',
  'create index operations_env_integration_idx on operations (environment_id, integration_key, started_at)',
  'create index operations_env_status_idx on operations (environment_id, status, started_at)',
  // The live log polls for operations started or ended since it last looked.
  'create index operations_env_changed_idx on operations (environment_id, (coalesce(ended_at, started_at)))',
  'create index auth_events_env_created_idx on auth_events (environment_id, created_at)',
  'create index webhook_deliveries_env_created_idx on webhook_deliveries (environment_id, created_at)',
  'create index webhook_deliveries_env_status_idx on webhook_deliveries (environment_id, status, created_at)',
];

const INDEX_NAMES = [...CONNECTION_INDEXES, ...ACTIVITY_INDEXES].map(
  (statement) => /create index (\w+)/.exec(statement)![1]!,
);

// biome-ignore lint/suspicious/noExplicitAny: migrations work on any schema
export async function down(db: Kysely<any>): Promise<void> {
  for (const name of INDEX_NAMES) await db.schema.dropIndex(name).ifExists().execute();
  await db.schema.alterTable('connections').dropColumn('tags_lower').execute();
  await sql`drop function if exists latchkey_lower_keys(jsonb)`.execute(db);
  await db.schema
    .alterTable('environments')
    .dropColumn('connect_ui_theme')
    .dropColumn('allowed_origins')
    .execute();
}
