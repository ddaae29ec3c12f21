import { type Kysely, sql } from 'kysely';

/**
 * The widget's flows: an auth event remembers the connect session whose flow produced it (the session's live event
 * stream is the widget's second channel), and an OAuth flow keeps the widget's nonce and, in redirect mode, where to
 * send the browser back. No foreign key to connect_sessions: events outlive the short-lived sessions.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations work on any schema
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('auth_events').addColumn('connect_session_id', 'uuid').execute();
  await db.schema
    .createIndex('auth_events_connect_session_idx')
    .on('auth_events')
    .columns(['connect_session_id', 'id'])
    .where(sql.ref('connect_session_id'), 'is not', null)
    .execute();
  await db.schema
    .alterTable('oauth_sessions')
    .addColumn('latchkey_nonce', 'text')
    .addColumn('return_url', 'text')
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations work on any schema
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('oauth_sessions')
    .dropColumn('latchkey_nonce')
    .dropColumn('return_url')
    .execute();
  await db.schema.dropIndex('auth_events_connect_session_idx').ifExists().execute();
  await db.schema.alterTable('auth_events').dropColumn('connect_session_id').execute();
}
