import type { ColumnType, Insertable, Selectable } from 'kysely';
import type { EndUser } from '../connections/connection.table';

type Json<T> = ColumnType<T, string, string>;

export interface IntegrationConfigDefaults {
  user_scopes?: string;
  authorization_params?: Record<string, string>;
  connection_config?: Record<string, unknown>;
}

export interface ConnectSessionTable {
  id: string;
  environment_id: string;
  /** SHA-256 of the token; the token itself is never stored. */
  token_hash: string;
  end_user: ColumnType<EndUser | null, string | null, string | null>;
  organization: ColumnType<{ id: string; display_name?: string | null } | null, string | null, string | null>;
  tags: Json<Record<string, string>>;
  allowed_integrations: ColumnType<string[] | null, string | null, string | null>;
  integrations_config_defaults: Json<Record<string, IntegrationConfigDefaults>>;
  /** Set for reconnect sessions: the connection whose credentials a completed flow overrides. */
  reconnect_connection_id: string | null;
  webhook_url_override: string | null;
  /** `browser`: bound to the first browser that uses the token (browser-binding.ts); null: unbound. */
  binding: ColumnType<'browser' | null, 'browser' | null | undefined, never>;
  /** SHA-256 of the binding secret in that browser's cookie, once bound (the secret itself is never stored). */
  binding_secret_hash: ColumnType<string | null, never, string>;
  expires_at: Date;
  created_at: ColumnType<Date, Date | undefined, never>;
}

export type ConnectSessionRow = Selectable<ConnectSessionTable>;
export type NewConnectSessionRow = Insertable<ConnectSessionTable>;
