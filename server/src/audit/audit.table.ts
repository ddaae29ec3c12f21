import type { ColumnType, Insertable, Selectable } from 'kysely';

export interface AuditLogTable {
  id: string;
  at: ColumnType<Date, Date | undefined, never>;
  actor_id: string | null;
  actor_email: string | null;
  /** Dotted: `operator.sign_in`, `integration.create`, `connection.reveal`, … */
  action: string;
  environment_id: string | null;
  target_type: string | null;
  target_id: string | null;
  details: ColumnType<Record<string, unknown>, string | undefined, never>;
  ip: string | null;
}

export type AuditLogRow = Selectable<AuditLogTable>;
export type NewAuditLogRow = Insertable<AuditLogTable>;
