/** Reading the auth-event outbox by cursor (its identity column), for live subscribers and `GET /events`. */
import type { Db } from '../platform/database/database';
import type { AuthEventRow } from './auth-event.table';

/** Whose events: a whole environment's (`GET /events`, subscribers), or one connect session's flows' (the widget). */
export type AuthEventScope = { environmentId: string } | { connectSessionId: string };

export async function listAuthEventsAfter(
  db: Db,
  scope: AuthEventScope,
  afterId: string,
  limit: number,
): Promise<AuthEventRow[]> {
  const rows = await db
    .selectFrom('auth_events')
    .selectAll()
    .where((eb) =>
      'environmentId' in scope
        ? eb('environment_id', '=', scope.environmentId)
        : eb('connect_session_id', '=', scope.connectSessionId),
    )
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
