import type { Db } from '../platform/database/database';
import type { ConnectSessionRow, NewConnectSessionRow } from './connect-session.table';

export async function insertConnectSession(db: Db, row: NewConnectSessionRow): Promise<void> {
  await db.insertInto('connect_sessions').values(row).execute();
}

/** The live (unexpired) session with this token hash, with its environment's name. */
export async function findLiveConnectSession(db: Db, tokenHash: string) {
  return db
    .selectFrom('connect_sessions')
    .innerJoin('environments', 'environments.id', 'connect_sessions.environment_id')
    .selectAll('connect_sessions')
    .select('environments.name as environment_name')
    .where('connect_sessions.token_hash', '=', tokenHash)
    .where('connect_sessions.expires_at', '>', new Date())
    .executeTakeFirst();
}

/**
 * Binds a browser-bound session that no browser holds yet; false when another request bound it first. The condition
 * is the lock: of two racing browsers, only one UPDATE finds the hash still null.
 */
export async function claimSessionBinding(db: Db, id: string, secretHash: string): Promise<boolean> {
  const claimed = await db
    .updateTable('connect_sessions')
    .set({ binding_secret_hash: secretHash })
    .where('id', '=', id)
    .where('binding', '=', 'browser')
    .where('binding_secret_hash', 'is', null)
    .returning('id')
    .executeTakeFirst();
  return claimed !== undefined;
}

export async function findSessionBindingHash(db: Db, id: string): Promise<string | null> {
  const row = await db
    .selectFrom('connect_sessions')
    .select('binding_secret_hash')
    .where('id', '=', id)
    .executeTakeFirst();
  return row?.binding_secret_hash ?? null;
}

/** When the last live session bound to this browser secret expires: how long its cookie must last. */
export async function latestBoundSessionExpiry(db: Db, secretHash: string): Promise<Date | undefined> {
  const row = await db
    .selectFrom('connect_sessions')
    .select((eb) => eb.fn.max('expires_at').as('latest'))
    .where('binding_secret_hash', '=', secretHash)
    .where('expires_at', '>', new Date())
    .executeTakeFirst();
  return row?.latest == null ? undefined : new Date(row.latest);
}

export async function deleteConnectSessionRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom('connect_sessions').where('id', '=', id).execute();
}

/** Sessions expired for a day are of no use to anyone; called opportunistically. */
export async function deleteExpiredConnectSessions(db: Db, olderThan: Date): Promise<void> {
  await db.deleteFrom('connect_sessions').where('expires_at', '<', olderThan).execute();
}

export type { ConnectSessionRow };
