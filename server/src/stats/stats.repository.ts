/**
 * The home page's numbers: per-day counts since a UTC midnight (each one index range, grouped), and the few rows that
 * need an operator's attention.
 */
import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../platform/database/database';

/**
 * Rows of `table` since `since`, grouped by the UTC day of `column`: the day is computed as a date per row (cheap) and
 * formatted once per group.
 */
async function countByDay<A extends string>(
  db: Db,
  from: { table: string; column: string; environmentId: string; since: Date; where?: RawBuilder<boolean> },
  aggregates: Record<A, RawBuilder<unknown>>,
): Promise<Array<{ day: string } & Record<A, string>>> {
  const columns = sql.join(
    Object.entries<RawBuilder<unknown>>(aggregates).map(
      ([name, aggregate]) => sql`${aggregate} as ${sql.ref(name)}`,
    ),
  );
  const result = await sql<{ day: string } & Record<A, string>>`
    select d::text as day, ${columns}
    from (
      select (${sql.ref(from.column)} at time zone 'UTC')::date as d, t.*
      from ${sql.table(from.table)} t
      where environment_id = ${from.environmentId} and ${sql.ref(from.column)} >= ${from.since}
        and ${from.where ?? sql<boolean>`true`}
    ) rows
    group by d`.execute(db);
  return result.rows;
}

export function connectionsCreatedByDay(db: Db, environmentId: string, since: Date) {
  return countByDay(
    db,
    { table: 'connections', column: 'created_at', environmentId, since },
    { count: sql`count(*)` },
  );
}

/** Failed refreshes as the auth events record them (each one also a webhook). */
export function refreshFailuresByDay(db: Db, environmentId: string, since: Date) {
  return countByDay(
    db,
    {
      table: 'auth_events',
      column: 'created_at',
      environmentId,
      since,
      where: sql<boolean>`operation = 'refresh' and not success`,
    },
    { count: sql`count(*)` },
  );
}

/** Deliveries by the day their event was queued: delivered, and given up on (failed or dead). */
export function webhookOutcomesByDay(db: Db, environmentId: string, since: Date) {
  return countByDay(
    db,
    { table: 'webhook_deliveries', column: 'created_at', environmentId, since },
    {
      ok: sql`count(*) filter (where status = 'delivered')`,
      failed: sql`count(*) filter (where status in ('failed', 'dead'))`,
    },
  );
}

/** Auth flows (not refreshes or revocations, which share the `auth` kind) started, and those that succeeded. */
export function flowsByDay(db: Db, environmentId: string, since: Date) {
  return countByDay(
    db,
    {
      table: 'operations',
      column: 'started_at',
      environmentId,
      since,
      where: sql<boolean>`kind = 'auth' and action not in ('refresh', 'revocation')`,
    },
    { started: sql`count(*)`, completed: sql`count(*) filter (where status = 'success')` },
  );
}

export async function needsReauthConnections(db: Db, environmentId: string, limit: number) {
  const query = db
    .selectFrom('connections as c')
    .where('c.environment_id', '=', environmentId)
    .where('c.refresh_state', '=', 'needs_reauth');
  const [rows, total] = await Promise.all([
    query
      .innerJoin('integrations as i', 'i.id', 'c.integration_id')
      .select([
        'c.connection_id',
        'i.unique_key',
        sql<Date>`coalesce(c.last_refresh_failure_at, c.updated_at)`.as('since'),
      ])
      .orderBy('c.id', 'desc')
      .limit(limit)
      .execute(),
    query.select(sql<string>`count(*)`.as('count')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.count) };
}

export async function deadDeliveries(db: Db, environmentId: string, limit: number) {
  const query = db
    .selectFrom('webhook_deliveries as d')
    .where('d.environment_id', '=', environmentId)
    .where('d.status', '=', 'dead');
  const [rows, total] = await Promise.all([
    query
      .innerJoin('auth_events as e', 'e.id', 'd.event_id')
      .select([
        'd.id',
        'e.operation',
        'e.connection_id',
        'd.last_error',
        sql<Date>`coalesce((select max(a.attempted_at) from webhook_attempts a where a.delivery_id = d.id), d.created_at)`.as(
          'at',
        ),
      ])
      .orderBy('d.created_at', 'desc')
      .limit(limit)
      .execute(),
    query.select(sql<string>`count(*)`.as('count')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.count) };
}
