import type { ColumnType, Insertable } from 'kysely';

export interface OperatorRecoveryCodeTable {
  id: string;
  operator_id: string;
  /** SHA-256 of the normalised code, hex. */
  code_hash: string;
  used_at: Date | null;
  created_at: ColumnType<Date, Date | undefined, never>;
}

export type NewOperatorRecoveryCodeRow = Insertable<OperatorRecoveryCodeTable>;
