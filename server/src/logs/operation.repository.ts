import { sql } from 'kysely';
import type { Db } from '../platform/database/database';
import type { NewOperationRow, OperationMessageRow, OperationRow, OperationStatus } from './operation.table';

export async function insertOperation(db: Db, row: NewOperationRow): Promise<void> {
  await db.insertInto('operations').values(row).execute();
}

export async function insertOperationMessage(
  db: Db,
  row: { operation_id: string; level: OperationMessageRow['level']; message: string; meta: string | null },
): Promise<void> {
  await db.insertInto('operation_messages').values(row).execute();
}

export async function finishOperation(
  db: Db,
  id: string,
  update: { status: OperationStatus; error_code?: string | null; connection_id?: string | null },
): Promise<void> {
  await db
    .updateTable('operations')
    .set({ ...update, ended_at: new Date() })
    .where('id', '=', id)
    .execute();
}

export async function listOperationRows(
  db: Db,
  environmentId: string,
  filter: { connectionId?: string | undefined; integrationKey?: string | undefined; limit: number },
): Promise<OperationRow[]> {
  let query = db.selectFrom('operations').selectAll().where('environment_id', '=', environmentId);
  if (filter.connectionId !== undefined) query = query.where('connection_id', '=', filter.connectionId);
  if (filter.integrationKey !== undefined) query = query.where('integration_key', '=', filter.integrationKey);
  return query.orderBy('started_at', 'desc').orderBy('id').limit(filter.limit).execute();
}

export async function listMessageRows(db: Db, operationIds: string[]): Promise<OperationMessageRow[]> {
  if (operationIds.length === 0) return [];
  return db
    .selectFrom('operation_messages')
    .selectAll()
    .where('operation_id', 'in', operationIds)
    .orderBy('id')
    .execute();
}

/** The dashboard's log filters; `before` is the keyset cursor (started_at in µs since the epoch, then id). */
export interface OperationPageFilter {
  kind?: string | undefined;
  action?: string | undefined;
  status?: OperationStatus | undefined;
  integrationKey?: string | undefined;
  connectionId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  before?: { startedAtMicros: string; id: string } | undefined;
  limit: number;
}

/** Each row with its start in µs: JavaScript dates keep only ms, and a cursor must be exact to neither skip nor repeat. */
export type OperationPageRow = OperationRow & { started_us: string };

/** Newest first by (started_at, id); one page of the filter after the cursor. */
export async function pageOperationRows(
  db: Db,
  environmentId: string,
  filter: OperationPageFilter,
): Promise<OperationPageRow[]> {
  let query = db
    .selectFrom('operations')
    .selectAll()
    .select(sql<string>`(extract(epoch from started_at) * 1000000)::bigint::text`.as('started_us'))
    .where('environment_id', '=', environmentId);
  if (filter.kind !== undefined) query = query.where('kind', '=', filter.kind);
  if (filter.action !== undefined) query = query.where('action', '=', filter.action);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (filter.integrationKey !== undefined) query = query.where('integration_key', '=', filter.integrationKey);
  if (filter.connectionId !== undefined) query = query.where('connection_id', '=', filter.connectionId);
  if (filter.from !== undefined) query = query.where('started_at', '>=', filter.from);
  if (filter.to !== undefined) query = query.where('started_at', '<', filter.to);
  if (filter.before !== undefined) {
    query = query.where(
      sql<boolean>`(started_at, id) < (timestamptz 'epoch' + ${filter.before.startedAtMicros}::bigint * interval '1 microsecond', ${filter.before.id}::uuid)`,
    );
  }
  return query.orderBy('started_at', 'desc').orderBy('id', 'desc').limit(filter.limit).execute();
}

export async function findOperationRow(
  db: Db,
  environmentId: string,
  id: string,
): Promise<OperationRow | undefined> {
  return db
    .selectFrom('operations')
    .selectAll()
    .where('environment_id', '=', environmentId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** The latest failed operation of a connection: where its error is explained. */
export async function latestFailedOperationId(
  db: Db,
  environmentId: string,
  integrationKey: string,
  connectionId: string,
): Promise<string | null> {
  const row = await db
    .selectFrom('operations')
    .select('id')
    .where('environment_id', '=', environmentId)
    .where('integration_key', '=', integrationKey)
    .where('connection_id', '=', connectionId)
    .where('status', '=', 'failed')
    .orderBy('started_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.id ?? null;
}

/**
 * Operations started or ended after `since` (µs since the epoch), oldest change first, with the change time in µs:
 * what the live log polls for.
 */
export async function changedOperationRows(
  db: Db,
  environmentId: string,
  since: string,
  limit: number,
): Promise<Array<OperationRow & { changed_us: string }>> {
  return db
    .selectFrom('operations')
    .selectAll()
    .select(
      sql<string>`(extract(epoch from coalesce(ended_at, started_at)) * 1000000)::bigint::text`.as(
        'changed_us',
      ),
    )
    .where('environment_id', '=', environmentId)
    .where(
      sql<boolean>`coalesce(ended_at, started_at) > timestamptz 'epoch' + ${since}::bigint * interval '1 microsecond'`,
    )
    .orderBy(sql`coalesce(ended_at, started_at)`)
    .orderBy('id')
    .limit(limit)
    .execute();
}
