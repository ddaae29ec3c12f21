import { type Kysely, sql } from 'kysely';

// Credential lifecycle: refresh state on connections, the auth-event outbox, webhook deliveries and their attempts.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('connections')
    .addColumn('refresh_state', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('refresh_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_refresh_success_at', 'timestamptz')
    .addColumn('last_refresh_failure_at', 'timestamptz')
    .addColumn('last_refresh_error', 'jsonb')
    .addColumn('credentials_version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('webhook_url_override', 'text')
    .execute();
  await db.schema
    .createIndex('connections_refresh_due_idx')
    .on('connections')
    .columns(['refresh_state', 'expires_at'])
    .execute();

  await db.schema
    .createTable('auth_events')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('environment_id', 'uuid', (c) => c.notNull().references('environments.id').onDelete('cascade'))
    .addColumn('connection_id', 'text', (c) => c.notNull())
    .addColumn('integration_key', 'text', (c) => c.notNull())
    .addColumn('operation', 'text', (c) => c.notNull())
    .addColumn('success', 'boolean', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('webhook_urls', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('auth_events_environment_idx')
    .on('auth_events')
    .columns(['environment_id', 'id'])
    .execute();

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('event_id', 'bigint', (c) => c.notNull().references('auth_events.id').onDelete('cascade'))
    .addColumn('environment_id', 'uuid', (c) => c.notNull().references('environments.id').onDelete('cascade'))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_status_code', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('delivered_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('webhook_deliveries_due_idx')
    .on('webhook_deliveries')
    .columns(['status', 'next_attempt_at'])
    .execute();

  await db.schema
    .createTable('webhook_attempts')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('delivery_id', 'uuid', (c) =>
      c.notNull().references('webhook_deliveries.id').onDelete('cascade'),
    )
    .addColumn('status_code', 'integer')
    .addColumn('error', 'text')
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('attempted_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('webhook_attempts_delivery_idx')
    .on('webhook_attempts')
    .columns(['delivery_id', 'id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['webhook_attempts', 'webhook_deliveries', 'auth_events'])
    await db.schema.dropTable(table).execute();
  await db.schema.dropIndex('connections_refresh_due_idx').execute();
  for (const column of [
    'refresh_state',
    'refresh_attempts',
    'last_refresh_success_at',
    'last_refresh_failure_at',
    'last_refresh_error',
    'credentials_version',
    'webhook_url_override',
  ]) {
    await db.schema.alterTable('connections').dropColumn(column).execute();
  }
}
