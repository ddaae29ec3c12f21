import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

export type OperationStatus = 'running' | 'success' | 'failed';

/** One logged operation (an auth flow, later a refresh or a webhook delivery) with its messages. */
export interface OperationTable {
  id: string;
  environment_id: string;
  kind: string;
  action: string;
  integration_key: string | null;
  connection_id: string | null;
  status: OperationStatus;
  error_code: string | null;
  started_at: ColumnType<Date, Date | undefined, never>;
  ended_at: Date | null;
}

export interface OperationMessageTable {
  id: Generated<string>;
  operation_id: string;
  level: 'info' | 'warn' | 'error';
  message: string;
  meta: ColumnType<Record<string, unknown> | null, string | null, never>;
  created_at: ColumnType<Date, Date | undefined, never>;
}

export type OperationRow = Selectable<OperationTable>;
export type NewOperationRow = Insertable<OperationTable>;
export type OperationMessageRow = Selectable<OperationMessageTable>;
