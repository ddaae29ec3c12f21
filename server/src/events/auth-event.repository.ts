/** Reading the auth-event outbox by cursor (its identity column), for live subscribers and `GET /events`. */
import type { Db } from '../platform/database/database';
import type { AuthEventRow } from './auth-event.table';

export async function listAuthEventsAfter(
  db: Db,
  environmentId: string,
  afterId: string,
  limit: number,
): Promise<AuthEventRow[]> {
  const rows = await db
    .selectFrom('auth_events')
    .selectAll()
    .where('environment_id', '=', environmentId)
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
  // PGlite answers bigint as a number, pg as a string: callers see strings.
  return rows.map((row) => ({ ...row, id: String(row.id) }));
}

/** The newest event id of the environment, or `'0'` when it has none. */
export async function latestAuthEventId(db: Db, environmentId: string): Promise<string> {
  const row = await db
    .selectFrom('auth_events')
    .select((eb) => eb.fn.max('id').as('max'))
    .where('environment_id', '=', environmentId)
    .executeTakeFirst();
  return row?.max == null ? '0' : String(row.max);
}

/** The events written by one connect session's flows, after a cursor (the widget's second channel). */
export async function listSessionAuthEventsAfter(
  db: Db,
  connectSessionId: string,
  afterId: string,
  limit: number,
): Promise<AuthEventRow[]> {
  const rows = await db
    .selectFrom('auth_events')
    .selectAll()
    .where('connect_session_id', '=', connectSessionId)
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((row) => ({ ...row, id: String(row.id) }));
}
