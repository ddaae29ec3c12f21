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
