/**
 * One real oidc-provider on loopback playing both parts an operator meets: the OAuth 2.0 server an integration
 * connects to (its devInteractions login and consent pages are what the test connection's popup shows), and the
 * company IdP operators sign in with (a second client, whose accounts carry a verified email). The server itself is
 * the suites' shared one (server/test/support/oidc-server.ts); this names its two clients.
 */
import { startOidcServer } from '../../../../server/test/support/oidc-server';

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

export async function startIdentityProvider(latchkeyUrl: string): Promise<IdentityProvider> {
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
  const server = await startOidcServer({
    clients: [integration, operators].map((client) => ({
      client_id: client.clientId,
      client_secret: client.clientSecret,
      redirect_uris: [client.redirectUri],
    })),
    accountClaims: (login) => ({
      email: `${login}@${EMAIL_DOMAIN}`,
      email_verified: true,
      name: `User ${login}`,
    }),
  });
  return {
    issuer: server.issuer,
    authorizationEndpoint: server.authorizationEndpoint,
    tokenEndpoint: server.tokenEndpoint,
    integration,
    operators,
    [Symbol.asyncDispose]: () => server.close(),
  };
}
