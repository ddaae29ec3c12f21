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

export async function deleteConnectSessionRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom('connect_sessions').where('id', '=', id).execute();
}

/** Sessions expired for a day are of no use to anyone; called opportunistically. */
export async function deleteExpiredConnectSessions(db: Db, olderThan: Date): Promise<void> {
  await db.deleteFrom('connect_sessions').where('expires_at', '<', olderThan).execute();
}

export type { ConnectSessionRow };
