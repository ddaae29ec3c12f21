import type { OperatorRole } from '@latchkey/schema';
import type { ColumnType, Insertable, Selectable, Updateable } from 'kysely';

export interface OperatorTable {
  id: string;
  /** Lower-cased. */
  email: string;
  display_name: string | null;
  role: OperatorRole;
  /** `scrypt$…` (password-hash.ts); null for an operator who signs in through OpenID Connect only. */
  password_hash: string | null;
  /** Vault-sealed base32 TOTP key; set by `totpBegin`, in force once `totp_enabled_at` is set. */
  totp_secret_sealed: string | null;
  totp_enabled_at: Date | null;
  /** The last accepted TOTP step (bigint comes back as a string from pg). */
  totp_last_step: ColumnType<string | null, string | number | null, string | number | null>;
  oidc_issuer: string | null;
  oidc_subject: string | null;
  created_at: ColumnType<Date, Date | undefined, never>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export type OperatorRow = Selectable<OperatorTable>;
export type NewOperatorRow = Insertable<OperatorTable>;
export type OperatorUpdate = Updateable<OperatorTable>;
