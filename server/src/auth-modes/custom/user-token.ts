/**
 * The user half of CUSTOM: the GitHub App's user access token, obtained with the authorization code GitHub sends
 * to the callback URL after the installation (RFC 6749 §4.1.3), and refreshed with the refresh grant (§6) when the
 * app has expiring user tokens. The entry's `token_url` (or its `OAUTH2` member) and the integration's client.
 */
import type { Provider } from '@latchkey/providers';
import type { Credentials } from '@latchkey/schema';
import { templateParams, tokenUrlTemplate } from '../../provider-requests/provider-templates';
import { buildProviderUrl } from '../../provider-requests/provider-url';
import type { ModeIntegration, ModeRuntime } from '../auth-mode';
import { requireClient } from '../mode-helpers';
import { oauth2Credentials } from '../oauth2/oauth2.mode';
import { authorizationCodeRequest, refreshTokenRequest, type TokenEndpoint } from '../oauth2/token-request';
import { processTokenResponse } from '../oauth2/token-response';

export type UserCredentials = Extract<Credentials, { type: 'OAUTH2' }>;

interface UserTokenContext {
  provider: Provider;
  integration: ModeIntegration;
  connectionConfig: Record<string, string>;
  runtime: ModeRuntime;
}

function tokenEndpoint(context: UserTokenContext, params: Provider['token_params']): TokenEndpoint {
  const { provider, integration, connectionConfig, runtime } = context;
  const { clientId, clientSecret } = requireClient(integration);
  const tokenUrl = buildProviderUrl(tokenUrlTemplate(provider, 'OAUTH2'), connectionConfig, {
    allowHttp: runtime.allowPrivateUrls,
    fields: provider.connection_config,
  });
  return {
    provider,
    tokenUrl,
    issuer: tokenUrl.origin,
    clientId,
    clientSecret,
    tokenParams: templateParams(params, connectionConfig),
    allowInsecure: runtime.allowPrivateUrls,
  };
}

/** No PKCE: the authorization request was GitHub's installation page, which takes no code challenge. */
export async function exchangeUserCode(
  context: UserTokenContext,
  grant: { code: string; state: string; redirectUri: string },
): Promise<{ credentials: UserCredentials; expiresAt: Date | null }> {
  const response = await authorizationCodeRequest(
    context.runtime.outbound,
    tokenEndpoint(context, context.provider.token_params),
    { ...grant, iss: null, codeVerifier: undefined },
  );
  const tokens = processTokenResponse(response, context.provider);
  await context.runtime.note('user token exchanged', {
    status: response.status,
    expires_at: tokens.expiresAt?.toISOString() ?? null,
  });
  return oauth2Credentials(tokens, undefined);
}

export async function refreshUserToken(
  context: UserTokenContext,
  current: UserCredentials & { refresh_token: string },
): Promise<{ credentials: UserCredentials; expiresAt: Date | null }> {
  const { provider } = context;
  const response = await refreshTokenRequest(
    context.runtime.outbound,
    tokenEndpoint(context, provider.refresh_params ?? provider.token_params),
    current.refresh_token,
  );
  const tokens = processTokenResponse(response, provider);
  await context.runtime.note('user token refreshed', {
    status: response.status,
    expires_at: tokens.expiresAt?.toISOString() ?? null,
  });
  return oauth2Credentials(tokens, current);
}

/** A provider that does not rotate refresh tokens sends none back: the old one stays valid. */
