/** The shapes the widget reads from Latchkey (`GET /connect/session`) and hands to the app. */

/** One form field a provider declares (connection config or credential), as the server sends it. */
export interface FieldDeclaration {
  type: 'string';
  title: string;
  description: string;
  example?: string;
  pattern?: string;
  format?: 'hostname' | 'uri' | 'uuid' | 'email';
  enum?: string[];
  order?: number;
  secret?: boolean;
  prefix?: string;
  suffix?: string;
  optional?: boolean;
  doc_section?: string;
  default_value?: string;
  /** Filled by the server (never asked). */
  automated?: boolean;
  /** Not shown; its `default_value` is sent as it is. */
  hidden?: boolean;
  warnings?: Record<string, string>;
  visible_when?: { field: string; equals: string };
}

/** An integration the session allows, with what the UI must ask for. */
export interface SessionIntegration {
  unique_key: string;
  provider: string;
  display_name: string;
  logo: string;
  auth_mode: string;
  categories: string[];
  docs_connect: string | null;
  connection_config: Record<string, FieldDeclaration>;
  credentials: Record<string, FieldDeclaration>;
  /** TWO_STEP entries that sign an assertion: its inputs (a private key), sent as `assertionOption`. */
  assertion_option?: Record<string, FieldDeclaration>;
}

export interface ConnectSessionInfo {
  endUser: { id: string; email?: string | null; display_name?: string | null } | null;
  allowed_integrations?: string[];
  integrations_config_defaults?: Record<string, { connection_config?: Record<string, unknown> }>;
  isReconnecting?: true;
  integrations: SessionIntegration[];
  expires_at: string;
  /** The environment's Connect UI theme (set in the dashboard): the widget's defaults. */
  theme?: SessionTheme | null;
}

export interface SessionTheme {
  mode: 'light' | 'dark' | 'system';
  primaryColor: string;
  backgroundColor: string;
  textColor: string;
  /** px */
  radius: number;
  logoUrl?: string;
}

export interface ConnectResult {
  connectionId: string;
  /** The integration's unique key (Nango's `providerConfigKey`). */
  integration: string;
}

export type ConnectMode = 'popup' | 'redirect';

/**
 * Credentials typed by the end user, under the names the provider declares: `{apiKey}`, `{username, password}`,
 * `{client_id, client_secret}`, `{token_id, token_secret}`, `{role_arn}`, a TWO_STEP or JWT provider's own fields.
 * `type` may name the auth mode, as in Nango's SDK; a JWT key in two parts may be given as `{id, secret}`.
 */
export type CredentialsInput = Record<string, string | { id: string; secret: string }>;

export interface ConnectOptions {
  sessionToken: string;
  integration: string;
  /** Latchkey's origin (and path prefix, if any). Default: `window.location.origin`. */
  baseUrl?: string;
  connectionConfig?: Record<string, string>;
  credentials?: CredentialsInput;
  /** TWO_STEP: the inputs of the entry's signed assertion (`assertion_option`), as Nango's SDK sends them. */
  assertionOption?: Record<string, string>;
  /**
   * The provider's auth mode (`SessionIntegration.auth_mode`); guessed from `credentials` when absent: their `type`,
   * else the mode whose usual fields they hold (none given: OAuth).
   */
  authMode?: string;
  mode?: ConnectMode;
  /** Where a redirect flow comes back to. Default: the current page. */
  returnUrl?: string;
}
