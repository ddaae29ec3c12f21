/**
 * OAUTH2_CC: the client credentials grant (RFC 6749 §4.4) with the end user's own client, as Nango runs it: the end
 * user sends `client_id` with `client_secret` (or a private JWK for `private_key_jwt`) and any credential the entry
 * declares; the token is re-requested with the stored client when due or forced, and sent as a Bearer token.
 */
import type { Provider } from '@latchkey/providers';
import { type Credentials, clientCredentialsAuthInputSchema, LatchkeyError } from '@latchkey/schema';
import { extractTokenResponseMetadata } from '../../provider-requests/connection-config';
import { tokenUrlTemplate } from '../../provider-requests/provider-templates';
import { buildProviderUrl } from '../../provider-requests/provider-url';
import type { AuthModeHandler, ModeRuntime, ObtainedCredentials } from '../auth-mode';
import { processClientCredentialsResponse } from '../oauth2/token-response';
import { parsePrivateJwk, signClientAssertion } from './client-assertion';
import {
  type ClientCredentialsClient,
  clientCredentialsClientOf,
  refuseClientCertificate,
} from './client-credentials-input';
import { buildClientCredentialsRequest } from './client-credentials-request';
import { clientFromStored, storedCredentials } from './stored-credentials';

type ClientCredentials = Extract<Credentials, { type: 'OAUTH2_CC' }>;

/** Asks the token endpoint for a token with the given client. */
async function obtainToken(
  provider: Provider,
  client: ClientCredentialsClient,
  connectionConfig: Record<string, string>,
  scopes: string[],
  runtime: ModeRuntime,
): Promise<ObtainedCredentials> {
  const tokenUrl = buildProviderUrl(tokenUrlTemplate(provider, 'OAUTH2_CC'), connectionConfig, {
    allowHttp: runtime.allowPrivateUrls,
    fields: provider.connection_config,
  });
  const clientAssertion = await clientAssertionFor(provider, client, tokenUrl);
  const request = buildClientCredentialsRequest({
    provider,
    tokenUrl,
    client,
    connectionConfig,
    scopes,
    ...(clientAssertion === undefined ? {} : { clientAssertion }),
  });
  await runtime.note('token request', {
    token_url: `${tokenUrl.origin}${tokenUrl.pathname}`,
    client_auth: provider.token_request_auth_method ?? provider.authorization_method ?? 'body',
    body_format: provider.body_format ?? 'form',
  });
  const response = await runtime.outbound(request);
  const tokens = withProviderStatus(response.status, () =>
    processClientCredentialsResponse(response, provider),
  );
  await runtime.note('token obtained', {
    status: response.status,
    expires_at: tokens.expiresAt.toISOString(),
  });
  return {
    credentials: storedCredentials(client, tokens),
    expiresAt: tokens.expiresAt,
    connectionConfig: extractTokenResponseMetadata(provider, tokens.raw),
    scopes: tokens.grantedScopes ?? scopes,
  };
}

/** A fresh assertion for `private_key_jwt` entries; none for the others. */
async function clientAssertionFor(
  provider: Provider,
  client: ClientCredentialsClient,
  tokenUrl: URL,
): Promise<string | undefined> {
  if (provider.token_request_auth_method !== 'private_key_jwt') return undefined;
  if (client.clientPrivateKey === undefined) {
    // Only an imported connection can lack the key: the flow asks for it.
    throw new LatchkeyError(
      'invalid_credentials',
      `Provider ${provider.name} authenticates clients with private_key_jwt; this connection has no client_private_key.`,
    );
  }
  return signClientAssertion({
    clientId: client.clientId,
    privateJwk: parsePrivateJwk(client.clientPrivateKey),
    audience: tokenUrl.href,
  });
}

/** The provider's HTTP status joins a refusal's payload, for the refresher and the operation log. */
function withProviderStatus<T>(status: number, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof LatchkeyError)) throw error;
    throw new LatchkeyError(error.code, error.message, {
      payload: { ...error.payload, status },
      internal: error.internal,
      cause: error,
    });
  }
}

export const oauth2ClientCredentialsMode: AuthModeHandler = {
  mode: 'OAUTH2_CC',
  flow: {
    kind: 'direct',
    action: 'oauth2_client_credentials',
    paths: ['/oauth2/auth'],
    input: clientCredentialsAuthInputSchema.optional().transform((body) => body ?? {}),
    connect: ({ provider, connectionConfig, scopes, runtime, input }) =>
      obtainToken(provider, clientCredentialsClientOf(provider, input), connectionConfig, scopes, runtime),
    // Nango verifies OAUTH2_CC by the token request itself: a client the provider refuses gets no token.
    skipVerification: true,
  },
  async renew({ provider, credentials, connectionConfig, scopes, runtime }) {
    const current = credentials as ClientCredentials;
    refuseClientCertificate(
      provider,
      current.client_certificate !== undefined && current.client_certificate !== '',
    );
    return obtainToken(provider, clientFromStored(current), connectionConfig, scopes, runtime);
  },
  canRenew: (credentials) => credentials.type === 'OAUTH2_CC',
  authorize: ({ credentials }) => ({
    headers: { authorization: `Bearer ${(credentials as ClientCredentials).token}` },
  }),
  templateValues: (credentials) => ({
    ...credentials,
    accessToken: (credentials as ClientCredentials).token,
  }),
  currentToken: (credentials) => (credentials as ClientCredentials).token,
};
