import { type Kysely, sql } from 'kysely';

/**
 * Connect sessions bound to the end user's browser (issue 14): a session created with `end_user.binding: "browser"`
 * is bound by the first browser request that uses its token, which stores the SHA-256 of a random binding secret (the
 * secret itself lives only in that browser's `latchkey_csb` cookie). The index finds the sessions one browser holds,
 * to give its cookie the lifetime of the longest of them.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations work on any schema
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('connect_sessions')
    .addColumn('binding', 'text', (c) => c.check(sql`binding in ('browser')`))
    .addColumn('binding_secret_hash', 'text')
    .execute();
  await sql`create index connect_sessions_binding_secret_idx on connect_sessions (binding_secret_hash)
    where binding_secret_hash is not null`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: migrations work on any schema
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists connect_sessions_binding_secret_idx`.execute(db);
  await db.schema
    .alterTable('connect_sessions')
    .dropColumn('binding')
    .dropColumn('binding_secret_hash')
    .execute();
}
