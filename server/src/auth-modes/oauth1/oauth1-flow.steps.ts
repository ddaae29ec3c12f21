/**
 * The two halves of an OAuth 1.0a authorization (RFC 5849 §2) as the flow service runs them: temporary credentials
 * and the redirect, then the verifier exchanged for token credentials. The protocol steps live in `oauth1/`.
 */
import type { Provider } from '@latchkey/providers';
import { type Credentials, LatchkeyError } from '@latchkey/schema';
import type { OutboundFetch } from '../../platform/outbound/outbound.types';
import { buildProviderUrl } from '../../provider-requests/provider-url';
import {
  accessTokenRequest,
  buildOAuth1AuthorizationUrl,
  oauth1TokenUrl,
  processAccessTokenResponse,
  processOAuth1Callback,
  processRequestTokenResponse,
  requestTokenRequest,
} from '.';

interface OAuth1Client {
  provider: Provider;
  connectionConfig: Record<string, string>;
  consumerKey: string;
  consumerSecret: string;
  allowHttp: boolean;
}

export async function startOAuth1(
  outbound: OutboundFetch,
  input: OAuth1Client & {
    callbackUrl: string;
    scopes: string[];
    authorizationParams: Record<string, string>;
  },
): Promise<{ authorizationUrl: URL; secrets: Record<string, string> }> {
  const { provider } = input;
  const requestUrl = buildProviderUrl(provider.request_url!, input.connectionConfig, {
    allowHttp: input.allowHttp,
    fields: input.provider.connection_config,
  });
  const response = await requestTokenRequest(outbound, {
    provider,
    consumerKey: input.consumerKey,
    consumerSecret: input.consumerSecret,
    callbackUrl: input.callbackUrl,
    requestUrl: requestUrl.href,
  });
  const temporary = processRequestTokenResponse(response);
  const authorizationUrl = buildOAuth1AuthorizationUrl({
    authorizationUrl: buildProviderUrl(provider.authorization_url!, input.connectionConfig, {
      allowHttp: input.allowHttp,
      fields: input.provider.connection_config,
    }).href,
    oauthToken: temporary.oauthToken,
    scopes: input.scopes,
    ...(provider.scope_separator === undefined ? {} : { scopeSeparator: provider.scope_separator }),
    authorizationParams: input.authorizationParams,
    callbackUrl: input.callbackUrl,
  });
  return {
    authorizationUrl,
    secrets: { requestToken: temporary.oauthToken, requestTokenSecret: temporary.oauthTokenSecret },
  };
}

export async function completeOAuth1(
  outbound: OutboundFetch,
  input: OAuth1Client & { query: URLSearchParams; secrets: Record<string, string> },
): Promise<{ credentials: Credentials }> {
  const { requestToken, requestTokenSecret } = input.secrets;
  if (requestToken === undefined || requestTokenSecret === undefined) {
    throw new LatchkeyError('invalid_state', 'This authorization has no temporary credentials.');
  }
  const callback = processOAuth1Callback(input.query, { oauthToken: requestToken });
  const template = oauth1TokenUrl(input.provider);
  if (template === undefined)
    throw new LatchkeyError('integration_not_configured', 'The provider has no token URL.');
  const response = await accessTokenRequest(outbound, {
    provider: input.provider,
    consumerKey: input.consumerKey,
    consumerSecret: input.consumerSecret,
    requestToken,
    requestTokenSecret,
    verifier: callback.oauthVerifier,
    tokenUrl: buildProviderUrl(template, input.connectionConfig, {
      allowHttp: input.allowHttp,
      fields: input.provider.connection_config,
    }).href,
  });
  const tokens = processAccessTokenResponse(response);
  return {
    credentials: {
      type: 'OAUTH1',
      oauth_token: tokens.oauthToken,
      oauth_token_secret: tokens.oauthTokenSecret,
      raw: tokens.raw,
    },
  };
}
