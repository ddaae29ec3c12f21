import type { Db } from '../platform/database/database';
import type { NewOAuthSessionRow, OAuthSessionRow } from './oauth-session.table';

export async function insertOAuthSession(db: Db, row: NewOAuthSessionRow): Promise<void> {
  await db.insertInto('oauth_sessions').values(row).execute();
}

/**
 * Takes the flow with this state out of the table in one statement, so two callbacks racing with the same state
 * cannot both get it: the state is single use by construction. Expired rows are taken too (and refused by the caller).
 */
export async function claimOAuthSession(db: Db, state: string): Promise<OAuthSessionRow | undefined> {
  return db.deleteFrom('oauth_sessions').where('id', '=', state).returningAll().executeTakeFirst();
}

export async function deleteExpiredOAuthSessions(db: Db, before: Date): Promise<void> {
  await db.deleteFrom('oauth_sessions').where('expires_at', '<', before).execute();
}
