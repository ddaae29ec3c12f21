/**
 * What the widget does for each auth mode, in one table: the modes completed in one request (Nango's endpoint, the
 * fields asked when the provider declares none, what the body carries: compat doc §3.4), the modes run in the browser
 * through `/oauth/connect` (popup or redirect), and those Latchkey cannot run yet. The form, the React flow and
 * `connect()` all read it; a mode absent from the table is unavailable.
 */
import type { CredentialsInput, FieldDeclaration, SessionIntegration } from './types';

interface DirectMode {
  flow: 'direct';
  /** Nango's endpoint, the integration key appended. */
  path: string;
  /** Asked when the provider declares no credentials, and recognised by `guessAuthMode`. */
  fields: readonly string[];
  /** Keys the body may carry besides `fields` (Nango's SDK keeps only these); absent with `open`. */
  extra?: readonly string[];
  /** Every credential the end user typed travels (the provider declares its own fields: TWO_STEP, JWT, …). */
  open?: true;
  /** The body names its mode (`type: 'TWO_STEP'`), as Nango's endpoints expect. */
  tagged?: true;
  /** The entry may declare the inputs of a signed assertion (`assertion_option`), sent as `assertionOption`. */
  assertion?: true;
  /**
   * The form shows a fresh ExternalId for the trust policy of the end user's IAM role, and sends it as connection
   * config (`external_id`), as Nango's Connect UI does: the role must name it before Latchkey can assume it.
   */
  externalId?: true;
}

type ModeSpec = DirectMode | { flow: 'redirect' } | { flow: 'unavailable' };
export type FlowKind = ModeSpec['flow'];

const REDIRECT = { flow: 'redirect' } as const;
const UNAVAILABLE = { flow: 'unavailable' } as const;

// Order matters to `guessAuthMode`: BILL's fields include BASIC's, and SIGNATURE is only ever chosen by its `type`.
const MODES: Record<string, ModeSpec> = {
  API_KEY: { flow: 'direct', path: '/api-auth/api-key/', fields: ['apiKey'] },
  BILL: {
    flow: 'direct',
    path: '/auth/bill/',
    fields: ['username', 'password', 'organization_id', 'dev_key'],
  },
  BASIC: { flow: 'direct', path: '/api-auth/basic/', fields: ['username', 'password'] },
  SIGNATURE: { flow: 'direct', path: '/auth/signature/', fields: ['username', 'password'], tagged: true },
  TBA: {
    flow: 'direct',
    path: '/auth/tba/',
    fields: ['token_id', 'token_secret'],
    extra: ['oauth_client_id_override', 'oauth_client_secret_override'],
  },
  AWS_SIGV4: {
    flow: 'direct',
    path: '/auth/aws-sigv4/',
    fields: ['role_arn'],
    extra: ['region'],
    externalId: true,
  },
  OAUTH2_CC: { flow: 'direct', path: '/oauth2/auth/', fields: ['client_id', 'client_secret'], open: true },
  TWO_STEP: {
    flow: 'direct',
    path: '/auth/two-step/',
    fields: [],
    open: true,
    tagged: true,
    assertion: true,
  },
  JWT: { flow: 'direct', path: '/auth/jwt/', fields: [], open: true, tagged: true },
  NONE: { flow: 'direct', path: '/auth/unauthenticated/', fields: [] },
  OAUTH2: REDIRECT,
  OAUTH1: REDIRECT,
  APP: REDIRECT,
  CUSTOM: REDIRECT,
  INSTALL_PLUGIN: REDIRECT,
  MCP_OAUTH2: UNAVAILABLE,
  MCP_OAUTH2_GENERIC: UNAVAILABLE,
};

/** Default fields that hold a secret (a password input), whatever the provider's declaration says. */
const SECRET_FIELDS = new Set(['apiKey', 'password', 'client_secret', 'token_id', 'token_secret', 'dev_key']);

function specOf(authMode: string): ModeSpec {
  return Object.hasOwn(MODES, authMode) ? (MODES[authMode] as ModeSpec) : UNAVAILABLE;
}

function directSpec(authMode: string): DirectMode | undefined {
  const spec = specOf(authMode);
  return spec.flow === 'direct' ? spec : undefined;
}

/** How the mode connects: one request, the browser (`/oauth/connect`), or not at all yet. */
export function flowOf(authMode: string): FlowKind {
  return specOf(authMode).flow;
}

/** Whether the form shows an ExternalId for the end user's IAM trust policy (AWS SigV4). */
export function showsExternalId(authMode: string): boolean {
  return directSpec(authMode)?.externalId === true;
}

/** The one-request endpoint of a direct mode, without the integration key. */
export function directPath(authMode: string): string | undefined {
  return directSpec(authMode)?.path;
}

/**
 * The JSON body a direct mode posts, from the credentials typed (Nango's SDK bodies); undefined when there is
 * nothing to send (the body is then omitted, as the SDK does).
 */
export function requestBody(
  authMode: string,
  credentials: CredentialsInput | undefined,
  assertionOption?: Record<string, string>,
): Record<string, unknown> | undefined {
  const spec = directSpec(authMode);
  if (spec === undefined) return undefined;
  const { type: _, ...typed } = credentials ?? {};
  const keys = spec.open ? Object.keys(typed) : [...spec.fields, ...(spec.extra ?? [])];
  const body: Record<string, unknown> = spec.tagged ? { type: authMode } : {};
  for (const key of keys) if (typed[key] !== undefined) body[key] = typed[key];
  if (spec.assertion && assertionOption && Object.keys(assertionOption).length > 0) {
    body.assertionOption = assertionOption;
  }
  return Object.keys(body).length > 0 ? body : undefined;
}

/**
 * The auth mode credentials were typed for: their `type` (Nango's SDK style), else the first mode whose fields
 * they all hold; none given means OAuth.
 */
export function guessAuthMode(credentials: CredentialsInput | undefined): string {
  if (credentials === undefined) return 'OAUTH2';
  const { type } = credentials;
  if (typeof type === 'string' && Object.hasOwn(MODES, type)) return type;
  for (const [mode, spec] of Object.entries(MODES)) {
    if (spec.flow === 'direct' && spec.fields.length > 0 && spec.fields.every((key) => key in credentials)) {
      return mode;
    }
  }
  return 'OAUTH2';
}

/** The inputs of the entry's signed assertion the form asks (TWO_STEP), automated ones left to the server. */
export function assertionFields(integration: SessionIntegration): Record<string, FieldDeclaration> {
  if (directSpec(integration.auth_mode)?.assertion !== true) return {};
  return Object.fromEntries(
    Object.entries(integration.assertion_option ?? {}).filter(([, field]) => field.automated !== true),
  );
}

/**
 * The credential fields of an integration's form: the mode's usual fields, with the provider's declarations on top
 * (they may add fields: TWO_STEP and JWT declare all theirs). Automated fields are the server's; hidden ones are kept
 * (not shown, but their `default_value` is sent, as Nango's Connect UI does). Browser modes ask none.
 */
export function credentialFields(integration: SessionIntegration): Record<string, FieldDeclaration> {
  const spec = directSpec(integration.auth_mode);
  if (spec === undefined) return {};
  const fields: Record<string, FieldDeclaration> = {};
  for (const name of spec.fields) fields[name] = { type: 'string', title: '', description: '' };
  for (const [name, declared] of Object.entries(integration.credentials)) fields[name] = declared;
  for (const [name, field] of Object.entries(fields)) {
    if (field.automated === true) delete fields[name];
    else if (SECRET_FIELDS.has(name)) fields[name] = { ...field, secret: true };
  }
  return fields;
}
