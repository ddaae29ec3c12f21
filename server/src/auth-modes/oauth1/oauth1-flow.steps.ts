/**
 * The two halves of an OAuth 1.0a authorization (RFC 5849 §2) as the redirect flow runs them: temporary credentials
 * and the redirect, then the verifier exchanged for token credentials. The protocol steps live in `oauth1-flow.ts`.
 */
import { LatchkeyError } from '@latchkey/schema';
import { templateParams } from '../../provider-requests/provider-templates';
import { buildProviderUrl } from '../../provider-requests/provider-url';
import type { ModeFlowInput, ObtainedCredentials, RedirectCompletion, RedirectStart } from '../auth-mode';
import { requireClient } from '../mode-helpers';
import {
  accessTokenRequest,
  buildOAuth1AuthorizationUrl,
  type OAuth1ConsumerCredentials,
  oauth1TokenUrl,
  processAccessTokenResponse,
  processOAuth1Callback,
  processRequestTokenResponse,
  requestTokenRequest,
} from '.';

export async function startOAuth1(
  request: RedirectStart,
): Promise<{ target: URL; secrets: Record<string, string> }> {
  const { provider, connectionConfig, runtime } = request;
  // Nango puts the state in the callback's query; the provider keeps it there.
  const callbackUrl = `${request.redirectUri}${request.redirectUri.includes('?') ? '&' : '?'}state=${request.state}`;
  const response = await requestTokenRequest(runtime.outbound, {
    provider,
    ...consumerOf(request),
    callbackUrl,
    requestUrl: providerUrl(request, provider.request_url!),
  });
  const temporary = processRequestTokenResponse(response);
  const target = buildOAuth1AuthorizationUrl({
    authorizationUrl: providerUrl(request, provider.authorization_url!),
    oauthToken: temporary.oauthToken,
    scopes: request.scopes,
    ...(provider.scope_separator === undefined ? {} : { scopeSeparator: provider.scope_separator }),
    authorizationParams: {
      ...templateParams(provider.authorization_params, connectionConfig),
      ...request.authorizationParams,
    },
    callbackUrl,
  });
  await runtime.note('request token obtained');
  return {
    target,
    secrets: { requestToken: temporary.oauthToken, requestTokenSecret: temporary.oauthTokenSecret },
  };
}

export async function completeOAuth1(request: RedirectCompletion): Promise<ObtainedCredentials> {
  const { requestToken, requestTokenSecret } = request.secrets;
  if (requestToken === undefined || requestTokenSecret === undefined) {
    throw new LatchkeyError('invalid_state', 'This authorization has no temporary credentials.');
  }
  const callback = processOAuth1Callback(request.query, { oauthToken: requestToken });
  const template = oauth1TokenUrl(request.provider);
  if (template === undefined)
    throw new LatchkeyError('integration_not_configured', 'The provider has no token URL.');
  const response = await accessTokenRequest(request.runtime.outbound, {
    provider: request.provider,
    ...consumerOf(request),
    requestToken,
    requestTokenSecret,
    verifier: callback.oauthVerifier,
    tokenUrl: providerUrl(request, template),
  });
  const tokens = processAccessTokenResponse(response);
  await request.runtime.note('access token obtained');
  return {
    credentials: {
      type: 'OAUTH1',
      oauth_token: tokens.oauthToken,
      oauth_token_secret: tokens.oauthTokenSecret,
      raw: tokens.raw,
    },
    expiresAt: null,
    scopes: request.scopes,
  };
}

/** The integration's OAuth client, as OAuth 1.0a names it. */
function consumerOf(request: ModeFlowInput): OAuth1ConsumerCredentials {
  const { clientId, clientSecret } = requireClient(request.integration);
  return { consumerKey: clientId, consumerSecret: clientSecret };
}

/** One of the provider's URL templates, filled with the end user's connection config. */
function providerUrl(request: ModeFlowInput, template: string): string {
  return buildProviderUrl(template, request.connectionConfig, {
    allowHttp: request.runtime.allowPrivateUrls,
    fields: request.provider.connection_config,
  }).href;
}
