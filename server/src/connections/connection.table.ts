import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

type Json<T> = ColumnType<T, string, string>;

export interface EndUser {
  id: string;
  email?: string | null;
  display_name?: string | null;
  tags?: Record<string, string> | null;
  organization?: { id: string; display_name?: string | null } | null;
}

export interface ConnectionTable {
  /** Numeric id, as Nango exposes it (`id: number`); callers address connections by `connection_id`. */
  id: Generated<string>;
  environment_id: string;
  integration_id: string;
  connection_id: string;
  provider: string;
  auth_mode: string;
  /** Sealed JSON of the credentials in their API shape (`{ type: 'OAUTH2', access_token, … }`). */
  credentials_sealed: string;
  expires_at: Date | null;
  connection_config: Json<Record<string, string>>;
  metadata: ColumnType<Record<string, unknown> | null, string | null, string | null>;
  scopes: Json<string[]>;
  end_user: ColumnType<EndUser | null, string | null, string | null>;
  tags: Json<Record<string, string>>;
  created_at: ColumnType<Date, Date | undefined, never>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
  last_fetched_at: Date | null;
}

export type ConnectionRow = Selectable<ConnectionTable>;
export type NewConnectionRow = Insertable<ConnectionTable>;
export type ConnectionUpdate = Updateable<ConnectionTable>;
