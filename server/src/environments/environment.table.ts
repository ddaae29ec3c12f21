import type { ConnectUiTheme } from '@latchkey/schema';
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

export interface EnvironmentTable {
  id: string;
  name: string;
  /** Custom OAuth callback URL (issue: auth flows); null means Latchkey's own /oauth/callback. */
  callback_url: string | null;
  webhook_url: string | null;
  webhook_secondary_url: string | null;
  webhook_on_auth_creation: Generated<boolean>;
  webhook_on_auth_refresh_error: Generated<boolean>;
  /** Sealed per-environment webhook signing key (HMAC-SHA256). */
  webhook_signing_key_sealed: string;
  /** Public-key flows must carry `hmac`; on by default (T0008 set it on for environments created before). */
  hmac_enabled: Generated<boolean>;
  /** Sealed key for the frontend HMAC of public-key flows. */
  hmac_key_sealed: string;
  /** Identifies the environment in public-key flows (not a secret: it ships in frontends). */
  public_key: Generated<string>;
  /** Whether flows may start with the public key instead of a connect session; off by default. */
  public_key_flows_enabled: Generated<boolean>;
  /** Whether webhooks also carry Nango's `X-Nango-Signature` (not an HMAC); off by default. */
  legacy_webhook_signature: Generated<boolean>;
  /** The Connect UI's default look (hosted page and widget); `{}` keeps the built-in theme. */
  connect_ui_theme: ColumnType<ConnectUiTheme | Record<string, never>, string | undefined, string>;
  /** Origins the operator expects the widget to run on (shown in settings). */
  allowed_origins: ColumnType<string[], string | undefined, string>;
  created_at: ColumnType<Date, Date | undefined, never>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export type EnvironmentRow = Selectable<EnvironmentTable>;
export type NewEnvironmentRow = Insertable<EnvironmentTable>;
export type EnvironmentUpdate = Updateable<EnvironmentTable>;
