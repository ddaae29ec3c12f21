import { type Kysely, sql } from 'kysely';

// Migrations take Kysely<unknown>: they describe the schema as it was then, not the current Database interface.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('environments')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('callback_url', 'text')
    .addColumn('webhook_url', 'text')
    .addColumn('webhook_secondary_url', 'text')
    .addColumn('webhook_on_auth_creation', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('webhook_on_auth_refresh_error', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('webhook_signing_key_sealed', 'text', (c) => c.notNull())
    .addColumn('hmac_enabled', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('hmac_key_sealed', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('environment_id', 'uuid', (c) => c.notNull().references('environments.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('key_hint', 'text', (c) => c.notNull())
    .addColumn('scopes', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('revoked_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('api_keys_environment_idx').on('api_keys').column('environment_id').execute();

  await db.schema
    .createTable('integrations')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('environment_id', 'uuid', (c) => c.notNull().references('environments.id').onDelete('cascade'))
    .addColumn('unique_key', 'text', (c) => c.notNull())
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text')
    .addColumn('credentials_type', 'text')
    .addColumn('client_id', 'text')
    .addColumn('secrets_sealed', 'text')
    .addColumn('scopes', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('app_id', 'text')
    .addColumn('app_link', 'text')
    .addColumn('forward_webhooks', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('integration_config', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('custom_sealed', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('integrations_environment_unique_key', ['environment_id', 'unique_key'])
    .execute();

  await db.schema
    .createTable('custom_providers')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('environment_id', 'uuid', (c) => c.notNull().references('environments.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('definition', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('custom_providers_environment_name', ['environment_id', 'name'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['custom_providers', 'integrations', 'api_keys', 'environments']) {
    await db.schema.dropTable(table).execute();
  }
}
