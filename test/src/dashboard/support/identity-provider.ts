/**
 * One real oidc-provider on loopback playing both parts an operator meets: the OAuth 2.0 server an integration
 * connects to (its devInteractions login and consent pages are what the test connection's popup shows), and the
 * company IdP operators sign in with (a second client, whose ID tokens carry a verified email).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Configuration } from 'oidc-provider';

export interface IdpClient {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

export interface IdentityProvider extends AsyncDisposable {
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  /** The client an integration is configured with. */
  integration: IdpClient;
  /** The client Latchkey's operator sign-in uses (LATCHKEY_OIDC_*). */
  operators: IdpClient;
}

/** Every account's email is `<login>@<EMAIL_DOMAIN>`, verified. */
export const EMAIL_DOMAIN = 'example.test';

const SCOPES = ['openid', 'offline_access', 'profile', 'email', 'read'];
/** What oidc-provider warns about is what a test peer wants: Node 20 and its development defaults. */
const EXPECTED_WARNINGS = ['Unsupported runtime', 'devInteractions', 'in-memory adapter', 'development-only'];

export async function startIdentityProvider(latchkeyUrl: string): Promise<IdentityProvider> {
  // The issuer must be known before the provider exists: take the port first, attach the handler after.
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const integration: IdpClient = {
    clientId: 'dashboard-integration-client',
    clientSecret: 'integration-secret-7f3c',
    redirectUri: `${latchkeyUrl}/oauth/callback`,
  };
  const operators: IdpClient = {
    clientId: 'latchkey-operators',
    clientSecret: 'operators-secret-91ab',
    redirectUri: `${latchkeyUrl}/operator-auth/oidc/callback`,
  };
  const configuration: Configuration = {
    clients: [integration, operators].map((client) => ({
      client_id: client.clientId,
      client_secret: client.clientSecret,
      redirect_uris: [client.redirectUri],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      scope: SCOPES.join(' '),
    })),
    scopes: SCOPES,
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    features: { devInteractions: { enabled: true } },
    findAccount: async (_ctx, sub) => ({
      accountId: sub,
      claims: () => ({ sub, email: `${sub}@${EMAIL_DOMAIN}`, email_verified: true, name: `User ${sub}` }),
    }),
    // API providers issue a refresh token whenever the client may refresh (the default wants offline_access+consent).
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    expiresWithSession: async () => false,
    pkce: { required: () => false },
    // Fixed lifetimes (the defaults print a notice per artefact kind).
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 60,
      RefreshToken: 86400,
      Grant: 86400,
      Session: 3600,
      Interaction: 600,
      IdToken: 3600,
    },
    cookies: { keys: ['latchkey-dashboard-test'] },
    renderError: async (ctx, out) => {
      ctx.type = 'json';
      ctx.body = out;
    },
  };
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (!EXPECTED_WARNINGS.some((expected) => String(args[0]).includes(expected))) warn(...args);
  };
  try {
    // Imported here: the runtime warning is printed while the module evaluates.
    const { default: Provider } = await import('oidc-provider');
    const provider = new Provider(issuer, configuration);
    provider.proxy = false;
    server.on('request', provider.callback());
  } finally {
    console.warn = warn;
  }
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return {
    issuer,
    authorizationEndpoint: `${issuer}/auth`,
    tokenEndpoint: `${issuer}/token`,
    integration,
    operators,
    [Symbol.asyncDispose]: close,
  };
}
