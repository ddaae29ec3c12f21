/**
 * Getting new credentials from the provider: the refresh grant for OAuth 2.0 (keeping the old refresh token when the
 * provider sends none, compat doc 5.2), a new client-credentials token for OAUTH2_CC. A pure step: it returns what
 * happened and never writes.
 */
import type { Provider } from '@latchkey/providers';
import { type Credentials, LatchkeyError } from '@latchkey/schema';
import { templateParams, tokenUrlTemplate } from '../auth-flows/flow-steps';
import { buildProviderUrl } from '../auth-flows/interpolation';
import {
  clientCredentialsRequest,
  refreshTokenRequest,
  type TokenEndpoint,
} from '../auth-flows/oauth2/token-request';
import { processClientCredentialsResponse, processTokenResponse } from '../auth-flows/oauth2/token-response';
import type { OutboundFetch } from '../platform/outbound/outbound.types';

export type RenewResult =
  | { ok: true; credentials: Credentials; expiresAt: Date | null }
  | { ok: false; error: { type: string; description: string }; providerError: string | undefined };

export interface RenewInput {
  provider: Provider;
  credentials: Credentials;
  connectionConfig: Record<string, string>;
  clientId: string | null;
  clientSecret: string | null;
  allowPrivateUrls: boolean;
  scopes?: string[];
}

export async function renewCredentials(outbound: OutboundFetch, input: RenewInput): Promise<RenewResult> {
  try {
    return { ok: true, ...(await renew(outbound, input)) };
  } catch (error) {
    if (!(error instanceof LatchkeyError)) throw error;
    const providerError =
      typeof error.payload?.provider_error === 'string' ? error.payload.provider_error : undefined;
    return { ok: false, error: { type: error.code, description: error.message }, providerError };
  }
}

async function renew(
  outbound: OutboundFetch,
  input: RenewInput,
): Promise<{ credentials: Credentials; expiresAt: Date | null }> {
  const { provider, credentials } = input;
  const mode = credentials.type === 'OAUTH2_CC' ? 'OAUTH2_CC' : 'OAUTH2';
  const tokenUrl = buildProviderUrl(tokenUrlTemplate(provider, mode), input.connectionConfig, {
    allowHttp: input.allowPrivateUrls,
    fields: provider.connection_config,
  });
  const endpoint = (
    clientId: string,
    clientSecret: string,
    params: Provider['token_params'],
  ): TokenEndpoint => ({
    provider,
    tokenUrl,
    issuer: tokenUrl.origin,
    clientId,
    clientSecret,
    tokenParams: templateParams(params, input.connectionConfig),
    allowInsecure: input.allowPrivateUrls,
  });

  if (credentials.type === 'OAUTH2') {
    if (credentials.refresh_token === undefined)
      throw new LatchkeyError('invalid_credentials', 'No refresh token.');
    if (!input.clientId || !input.clientSecret) throw new LatchkeyError('integration_not_configured');
    const response = await refreshTokenRequest(
      outbound,
      endpoint(input.clientId, input.clientSecret, provider.refresh_params ?? provider.token_params),
      credentials.refresh_token,
    );
    const tokens = processTokenResponse(response, provider);
    const refreshToken = tokens.refreshToken ?? credentials.refresh_token;
    return {
      credentials: {
        type: 'OAUTH2',
        access_token: tokens.accessToken,
        refresh_token: refreshToken,
        ...(tokens.expiresAt === undefined ? {} : { expires_at: tokens.expiresAt.toISOString() }),
        raw: tokens.raw,
      },
      expiresAt: tokens.expiresAt ?? null,
    };
  }
  if (credentials.type === 'OAUTH2_CC') {
    const response = await clientCredentialsRequest(
      outbound,
      endpoint(credentials.client_id, credentials.client_secret, provider.token_params),
      input.scopes ?? [],
    );
    const tokens = processClientCredentialsResponse(response, provider);
    const { expiresAt } = tokens;
    return {
      credentials: {
        ...credentials,
        token: tokens.accessToken,
        expires_at: expiresAt.toISOString(),
        raw: tokens.raw,
      },
      expiresAt,
    };
  }
  throw new LatchkeyError('invalid_credentials', `${credentials.type} credentials are not refreshed.`);
}
