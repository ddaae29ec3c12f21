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
  /** `active`, `refresh_failed` (retryable; cooling down), `needs_reauth` (the grant is gone: the user must reconnect). */
  refresh_state: ColumnType<RefreshState, RefreshState | undefined, RefreshState>;
  refresh_attempts: ColumnType<number, number | undefined, number>;
  last_refresh_success_at: Date | null;
  last_refresh_failure_at: Date | null;
  last_refresh_error: ColumnType<
    { type: string; description: string; provider_error?: string | undefined } | null,
    string | null,
    string | null
  >;
  /** Bumped on every credential change: a compare-and-swap guard for writers that read first. */
  credentials_version: ColumnType<number, number | undefined, number>;
  webhook_url_override: string | null;
}

export type RefreshState = 'active' | 'refresh_failed' | 'needs_reauth';

export type ConnectionRow = Selectable<ConnectionTable>;
export type NewConnectionRow = Insertable<ConnectionTable>;
export type ConnectionUpdate = Updateable<ConnectionTable>;
