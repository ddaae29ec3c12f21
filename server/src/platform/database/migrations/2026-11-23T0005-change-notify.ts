import { type Kysely, sql } from 'kysely';

/**
 * Change notifications for in-process read caches on other instances: every update or delete of a row a cache may
 * hold NOTIFYs `latchkey_cache` with `<table>:<id>`, delivered when the writing transaction commits. The batched
 * `last_fetched_at` update changes nothing cached and stays silent.
 */
const WATCHED = ['integrations', 'custom_providers', 'environments'] as const;

// biome-ignore lint/suspicious/noExplicitAny: migrations work on any schema
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create or replace function latchkey_notify_cache() returns trigger language plpgsql as $$
    begin
      perform pg_notify('latchkey_cache', tg_table_name || ':' || old.id::text);
      return null;
    end
  $$`.execute(db);
  await sql`create trigger connections_cache_update after update on connections for each row
    when ((to_jsonb(old) - 'last_fetched_at') is distinct from (to_jsonb(new) - 'last_fetched_at'))
    execute function latchkey_notify_cache()`.execute(db);
  await sql`create trigger connections_cache_delete after delete on connections for each row
    execute function latchkey_notify_cache()`.execute(db);
  for (const table of WATCHED) {
    await sql`create trigger ${sql.raw(`${table}_cache_change`)} after update or delete on ${sql.table(table)}
      for each row execute function latchkey_notify_cache()`.execute(db);
  }
}

// biome-ignore lint/suspicious/noExplicitAny: migrations work on any schema
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger if exists connections_cache_update on connections`.execute(db);
  await sql`drop trigger if exists connections_cache_delete on connections`.execute(db);
  for (const table of WATCHED) {
    await sql`drop trigger if exists ${sql.raw(`${table}_cache_change`)} on ${sql.table(table)}`.execute(db);
  }
  await sql`drop function if exists latchkey_notify_cache()`.execute(db);
}
