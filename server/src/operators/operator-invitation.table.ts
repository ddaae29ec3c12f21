import type { OperatorRole } from '@latchkey/schema';
import type { ColumnType, Insertable, Selectable } from 'kysely';

export interface OperatorInvitationTable {
  id: string;
  email: string;
  role: OperatorRole;
  /** SHA-256 of the token in the invitation link, hex. */
  token_hash: string;
  invited_by: string | null;
  created_at: ColumnType<Date, Date | undefined, never>;
  expires_at: Date;
  accepted_at: Date | null;
  revoked_at: Date | null;
}

export type OperatorInvitationRow = Selectable<OperatorInvitationTable>;
export type NewOperatorInvitationRow = Insertable<OperatorInvitationTable>;
