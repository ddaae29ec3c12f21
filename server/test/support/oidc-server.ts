/**
 * A real, strict OAuth 2.0 / OIDC authorization server (oidc-provider) on a loopback port, configured like a generic
 * API provider and instrumented so tests can count token requests and see how the client authenticated.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import type { Configuration, default as Provider } from 'oidc-provider';

export interface OidcTestClient {
  client_id: string;
  client_secret: string;
  /** Compared exactly, in the authorization and in the token request. */
  redirect_uris: string[];
  /** oidc-provider accepts either placement whatever is registered; see `lastTokenRequest` to assert it. */
  token_endpoint_auth_method?: 'client_secret_post' | 'client_secret_basic';
}

export interface OidcServerOptions {
  clients: OidcTestClient[];
  /** Lifetime of access tokens from every grant, client credentials included. Default 3600. */
  accessTokenTtlSeconds?: number;
  /** Every refresh returns a new refresh token and spends the old one. Default true. */
  rotateRefreshTokens?: boolean;
  /** Every scope the server knows; unknown scopes are silently dropped from grants. */
  scopes?: string[];
  /** Grant the requested scopes at login, so the only form is the login form. */
  skipConsent?: boolean;
  /** When given, every request's server-side handling time is appended here (benchmarks). */
  timings?: OidcRequestTiming[];
  /**
   * The claims of an account, by the id typed into the login form. Default `{ email: '<id>@example.test' }`.
   * The `email` scope releases `email` and `email_verified`, `profile` releases `name` (through userinfo: with the
   * code flow oidc-provider keeps scope claims out of the ID token, as OIDC Core 5.4 says).
   */
  accountClaims?: (accountId: string) => Record<string, unknown>;
}

/** One request as the server handled it: from its arrival to the last byte of the response handed to the socket. */
export interface OidcRequestTiming {
  method: string;
  path: string;
  status: number;
  ms: number;
}

/** Requests received at the token endpoint, failed ones included: a second attempt to spend a token counts. */
export interface TokenRequestCounters {
  tokenRequests: number;
  refreshGrants: number;
  codeGrants: number;
  clientCredentialsGrants: number;
}

export interface OidcServer extends AsyncDisposable {
  /** `http://127.0.0.1:<port>`, also the `iss` on every authorization response. */
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  revocationEndpoint: string;
  introspectionEndpoint: string;
  counters: TokenRequestCounters;
  /** The last token request exactly as received, to assert where the client put its credentials. */
  lastTokenRequest?: { headers: Record<string, string>; body: string };
  /** Revokes every grant issued so far: their tokens stop working and the next refresh fails with invalid_grant. */
  revokeAll(): Promise<void>;
  close(): Promise<void>;
}

const DEFAULT_SCOPES = ['openid', 'offline_access', 'profile', 'email', 'read', 'write'];

export async function startOidcServer(options: OidcServerOptions): Promise<OidcServer> {
  // The issuer must exist before the provider does, so the port comes first and the handler is attached after.
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const provider = await createProvider(issuer, providerConfiguration(options));
  const grantIds = new Set<string>();
  provider.on('grant.saved', (grant) => grantIds.add(grant.jti));

  const counters: TokenRequestCounters = {
    tokenRequests: 0,
    refreshGrants: 0,
    codeGrants: 0,
    clientCredentialsGrants: 0,
  };
  const handle = provider.callback();
  const oidcServer: OidcServer = {
    issuer,
    authorizationEndpoint: `${issuer}/auth`,
    tokenEndpoint: `${issuer}/token`,
    revocationEndpoint: `${issuer}/token/revocation`,
    introspectionEndpoint: `${issuer}/token/introspection`,
    counters,
    async revokeAll() {
      const { AccessToken, RefreshToken, AuthorizationCode, Grant } = provider;
      for (const grantId of grantIds) {
        await Promise.all(
          [AccessToken, RefreshToken, AuthorizationCode].map((m) => m.revokeByGrantId(grantId)),
        );
        await (await Grant.find(grantId))?.destroy();
      }
      grantIds.clear();
    },
    close: () => closeServer(server),
    [Symbol.asyncDispose]: () => closeServer(server),
  };

  const { timings } = options;
  if (timings !== undefined) {
    server.prependListener('request', (req, res) => {
      const started = performance.now();
      res.once('finish', () => {
        timings.push({
          method: req.method ?? '',
          path: new URL(req.url ?? '/', issuer).pathname,
          status: res.statusCode,
          ms: performance.now() - started,
        });
      });
    });
  }
  server.on('request', async (req, res) => {
    if (req.method !== 'POST' || new URL(req.url ?? '/', issuer).pathname !== '/token') {
      return handle(req, res);
    }
    const body = await readBody(req).catch(() => undefined);
    if (body === undefined) {
      res.destroy(); // the client went away mid-body; nothing to answer
      return;
    }
    const grantType = new URLSearchParams(body).get('grant_type');
    counters.tokenRequests += 1;
    if (grantType === 'refresh_token') counters.refreshGrants += 1;
    if (grantType === 'authorization_code') counters.codeGrants += 1;
    if (grantType === 'client_credentials') counters.clientCredentialsGrants += 1;
    oidcServer.lastTokenRequest = { headers: flattenHeaders(req), body };
    return handle(replayRequest(req, body), res);
  });
  return oidcServer;
}

function providerConfiguration(options: OidcServerOptions): Configuration {
  const scopes = options.scopes ?? DEFAULT_SCOPES;
  const accessTokenTtl = options.accessTokenTtlSeconds ?? 3600;
  const rotate = options.rotateRefreshTokens ?? true;
  const configuration: Configuration = {
    clients: options.clients.map((client) => ({
      token_endpoint_auth_method: 'client_secret_post',
      ...client,
      grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
      response_types: ['code'],
      scope: scopes.join(' '),
    })),
    scopes,
    features: {
      devInteractions: { enabled: true },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
    },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    findAccount: async (_ctx, sub) => ({
      accountId: sub,
      claims: () => ({ email: `${sub}@example.test`, ...options.accountClaims?.(sub), sub }),
    }),
    // The default issues a refresh token only for offline_access requested with prompt=consent; API providers
    // (and Nango-style clients, which send neither) expect one whenever the client may refresh.
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    // Without offline_access the default binds tokens to the login session; API tokens outlive the browser.
    expiresWithSession: async () => false,
    rotateRefreshToken: () => rotate,
    // Public clients aside, PKCE is optional, but a challenge that was sent is always verified (S256 only).
    pkce: { required: () => false },
    ttl: {
      AccessToken: accessTokenTtl,
      ClientCredentials: accessTokenTtl,
      AuthorizationCode: 60,
      RefreshToken: 86400,
      Grant: 86400,
      Session: 3600,
      Interaction: 3600,
      IdToken: 3600,
    },
    cookies: { keys: ['latchkey-test'] },
    renderError: async (ctx, out) => {
      ctx.type = 'json';
      ctx.body = out;
    },
  };
  if (options.skipConsent) configuration.loadExistingGrant = loadOrGrantRequestedScopes;
  return configuration;
}

/** The skip-consent recipe: a grant covering whatever was requested, so the consent prompt finds nothing missing. */
const loadOrGrantRequestedScopes: NonNullable<Configuration['loadExistingGrant']> = async (ctx) => {
  const { oidc } = ctx;
  if (!oidc.client || !oidc.account) return undefined;
  const grantId = oidc.result?.consent?.grantId ?? oidc.session.grantIdFor(oidc.client.clientId);
  const grant =
    (grantId ? await oidc.provider.Grant.find(grantId) : undefined) ??
    new oidc.provider.Grant({ accountId: oidc.account.accountId, clientId: oidc.client.clientId });
  grant.addOIDCScope([...oidc.requestParamOIDCScopes].join(' '));
  grant.addOIDCClaims([...oidc.requestParamClaims]);
  await grant.save();
  return grant;
};

/** What oidc-provider warns about is what a test peer wants: Node 20, and its in-memory development defaults. */
const EXPECTED_WARNINGS = [
  'Unsupported runtime',
  'devInteractions is enabled',
  'in-memory adapter is used',
  'development-only signing keys are used',
];

async function createProvider(issuer: string, configuration: Configuration): Promise<Provider> {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (!EXPECTED_WARNINGS.some((expected) => String(args[0]).includes(expected))) warn(...args);
  };
  try {
    // Imported here, not at the top, because the runtime warning is printed while the module evaluates.
    const { default: Provider } = await import('oidc-provider');
    const provider = new Provider(issuer, configuration);
    provider.proxy = false;
    return provider;
  } finally {
    console.warn = warn;
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req.iterator({ destroyOnReturn: false })) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** The same request head with the already-read body served again, so oidc-provider parses it as if untouched. */
function replayRequest(req: IncomingMessage, body: string): IncomingMessage {
  const replay = Readable.from([Buffer.from(body, 'utf8')], { objectMode: false });
  const { headers, rawHeaders, method, url, httpVersion, httpVersionMajor, httpVersionMinor, socket } = req;
  const head = { headers, rawHeaders, method, url, httpVersion, httpVersionMajor, httpVersionMinor, socket };
  return Object.assign(replay, head, { connection: socket }) as unknown as IncomingMessage;
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    // fetch keeps connections alive; without this, close() waits for them to time out.
    server.closeAllConnections();
  });
}
