import type { ColumnType, Insertable, Selectable } from 'kysely';

export interface ApiKeyTable {
  id: string;
  environment_id: string;
  name: string;
  /** SHA-256 of the key, hex. The key itself is never stored. */
  key_hash: string;
  /** Last four characters, so an operator can tell keys apart in listings. */
  key_hint: string;
  scopes: ColumnType<string[], string, string>;
  created_at: ColumnType<Date, Date | undefined, never>;
  revoked_at: Date | null;
}

export type ApiKeyRow = Selectable<ApiKeyTable>;
export type NewApiKeyRow = Insertable<ApiKeyTable>;
