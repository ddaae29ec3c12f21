/**
 * OAUTH2: the authorization code grant with PKCE (RFC 6749 §4.1, RFC 7636), refreshed with the refresh grant (§6),
 * sent as a Bearer token (RFC 6750).
 */
import type { Provider } from '@latchkey/providers';
import { type Credentials, LatchkeyError } from '@latchkey/schema';
import * as oauth from 'oauth4webapi';
import { callbackMetadata, extractTokenResponseMetadata } from '../../provider-requests/connection-config';
import { templateParams, tokenUrlTemplate } from '../../provider-requests/provider-templates';
import { buildProviderUrl } from '../../provider-requests/provider-url';
import type { AuthModeHandler, ModeIntegration, ObtainedCredentials } from '../auth-mode';
import { requireClient } from '../mode-helpers';
import { buildAuthorizationUrl } from './authorization-url';
import { expectedIssuerOf, processAuthorizationCallback } from './callback-params';
import { authorizationCodeRequest, refreshTokenRequest } from './token-request';
import { processTokenResponse, type TokenSet } from './token-response';

type OAuth2Credentials = Extract<Credentials, { type: 'OAUTH2' }>;

const urlOptions = (provider: Provider, allowHttp: boolean) => ({
  allowHttp,
  fields: provider.connection_config,
});

export const oauth2Mode: AuthModeHandler = {
  mode: 'OAUTH2',
  flow: {
    kind: 'redirect',
    needsClient: true,
    async start(request) {
      const { provider, connectionConfig, runtime } = request;
      const { clientId } = requireClient(request.integration);
      const grantType = provider.token_params?.grant_type;
      if (grantType !== undefined && grantType !== 'authorization_code') {
        throw new LatchkeyError(
          'invalid_auth_mode',
          `Provider ${provider.name} does not use the authorization code grant.`,
        );
      }
      const codeVerifier = provider.disable_pkce === true ? undefined : oauth.generateRandomCodeVerifier();
      const requestParams = { ...request.authorizationParams };
      if (request.userScopes !== undefined) {
        requestParams.user_scope = request.userScopes.join(provider.scope_separator ?? ' ');
      }
      const target = buildAuthorizationUrl({
        provider,
        authorizationUrl: buildProviderUrl(
          provider.authorization_url!,
          connectionConfig,
          urlOptions(provider, runtime.allowPrivateUrls),
        ),
        clientId,
        redirectUri: request.redirectUri,
        state: request.state,
        scopes: request.scopes,
        codeChallenge:
          codeVerifier === undefined ? undefined : await oauth.calculatePKCECodeChallenge(codeVerifier),
        templateParams: templateParams(provider.authorization_params, connectionConfig),
        requestParams,
      });
      const secrets: Record<string, string> = codeVerifier === undefined ? {} : { codeVerifier };
      return { target, secrets };
    },

    async complete(request) {
      const { provider, connectionConfig, runtime, query } = request;
      const { clientId, clientSecret } = requireClient(request.integration);
      const options = urlOptions(provider, runtime.allowPrivateUrls);
      const issuer = expectedIssuerOf(
        buildProviderUrl(provider.authorization_url!, connectionConfig, options),
      );
      const { code } = processAuthorizationCallback(query, provider, issuer);
      await runtime.note('callback received', { has_code: true, iss: query.get('iss') });
      const response = await authorizationCodeRequest(
        runtime.outbound,
        {
          provider,
          tokenUrl: buildProviderUrl(tokenUrlTemplate(provider, 'OAUTH2'), connectionConfig, options),
          issuer,
          clientId,
          clientSecret,
          tokenParams: templateParams(provider.token_params, connectionConfig),
          allowInsecure: runtime.allowPrivateUrls,
        },
        {
          code,
          state: request.state,
          iss: query.get('iss'),
          redirectUri: request.redirectUri,
          codeVerifier: request.secrets.codeVerifier,
        },
      );
      const tokens = processTokenResponse(response, provider);
      await runtime.note('token exchanged', {
        status: response.status,
        expires_at: tokens.expiresAt?.toISOString() ?? null,
      });
      return {
        ...oauth2Credentials(tokens, undefined),
        connectionConfig: {
          ...extractTokenResponseMetadata(provider, tokens.raw),
          ...callbackMetadata(provider, query),
        },
        scopes: tokens.grantedScopes ?? request.scopes,
      };
    },
  },

  async renew({ provider, integration, credentials, connectionConfig, runtime }) {
    const current = credentials as OAuth2Credentials;
    if (current.refresh_token === undefined)
      throw new LatchkeyError('invalid_credentials', 'No refresh token.');
    const { clientId, clientSecret } = clientFor(current, integration);
    const tokenUrl = buildProviderUrl(
      tokenUrlTemplate(provider, 'OAUTH2'),
      connectionConfig,
      urlOptions(provider, runtime.allowPrivateUrls),
    );
    const response = await refreshTokenRequest(
      runtime.outbound,
      {
        provider,
        tokenUrl,
        issuer: tokenUrl.origin,
        clientId,
        clientSecret,
        tokenParams: templateParams(provider.refresh_params ?? provider.token_params, connectionConfig),
        allowInsecure: runtime.allowPrivateUrls,
      },
      current.refresh_token,
    );
    const tokens = processTokenResponse(response, provider);
    return oauth2Credentials(tokens, current);
  },

  canRenew: (credentials) => credentials.type === 'OAUTH2' && credentials.refresh_token !== undefined,
  authorize: ({ credentials }) => ({
    headers: { authorization: `Bearer ${(credentials as OAuth2Credentials).access_token}` },
  }),
  templateValues: (credentials) => ({
    ...credentials,
    accessToken: (credentials as OAuth2Credentials).access_token,
  }),
  currentToken: (credentials) => (credentials as OAuth2Credentials).access_token,
};

/**
 * The OAUTH2 credentials a token response gives. Providers that do not rotate send no refresh token: the previous
 * one stays valid (compat doc 5.2), and so does an imported connection's own client.
 */
export function oauth2Credentials(
  tokens: TokenSet,
  previous: OAuth2Credentials | undefined,
): ObtainedCredentials & { credentials: OAuth2Credentials } {
  const refreshToken = tokens.refreshToken ?? previous?.refresh_token;
  return {
    credentials: {
      type: 'OAUTH2',
      access_token: tokens.accessToken,
      ...(refreshToken === undefined ? {} : { refresh_token: refreshToken }),
      ...(tokens.expiresAt === undefined ? {} : { expires_at: tokens.expiresAt.toISOString() }),
      raw: tokens.raw,
      ...(previous?.config_override === undefined ? {} : { config_override: previous.config_override }),
    },
    expiresAt: tokens.expiresAt ?? null,
  };
}

/** An imported connection may carry its own OAuth client (compat doc 5.2: used when both values are set). */
function clientFor(credentials: OAuth2Credentials, integration: ModeIntegration) {
  const own = credentials.config_override;
  if (own?.client_id && own.client_secret)
    return { clientId: own.client_id, clientSecret: own.client_secret };
  return requireClient(integration);
}
