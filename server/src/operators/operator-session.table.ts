import type { ColumnType, Insertable, Selectable } from 'kysely';

export interface OperatorSessionTable {
  /** The token's public half. */
  id: string;
  operator_id: string;
  /** SHA-256 of the token's secret half, hex. */
  secret_hash: string;
  /** False while a session of an operator with TOTP waits for the code. */
  two_factor_verified: ColumnType<boolean, boolean | undefined, boolean>;
  ip: string | null;
  user_agent: string | null;
  created_at: ColumnType<Date, Date | undefined, never>;
  expires_at: Date;
}

export type OperatorSessionRow = Selectable<OperatorSessionTable>;
export type NewOperatorSessionRow = Insertable<OperatorSessionTable>;
