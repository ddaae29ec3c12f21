/**
 * Token endpoint requests (RFC 6749 §4.1.3 code exchange, §6 refresh) through oauth4webapi, sent by the
 * outbound policy. Two provider habits oauth4webapi does not have are added around it: client authentication per
 * provider (client-auth.ts) and JSON request bodies (`body_format: json`).
 */
import type { Provider } from '@latchkey/providers';
import * as oauth from 'oauth4webapi';
import type { OutboundFetch, OutboundResponse } from '../../platform/outbound/outbound.types';
import { toOAuthCustomFetch } from '../../platform/outbound/outbound-fetch';
import { providerClientAuth } from './client-auth';

export interface TokenEndpoint {
  provider: Provider;
  tokenUrl: URL;
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The provider's `token_params`, interpolated. */
  tokenParams: Record<string, string>;
  allowInsecure: boolean;
}

/** Parameters oauth4webapi sets itself; a template may not override them. */
const RESERVED = new Set([
  'grant_type',
  'code',
  'redirect_uri',
  'code_verifier',
  'client_id',
  'client_secret',
  'refresh_token',
]);

function requestOptions(
  outbound: OutboundFetch,
  endpoint: TokenEndpoint,
  captured: { response?: OutboundResponse },
) {
  const base = toOAuthCustomFetch(async (request) => {
    const response = await outbound(request);
    captured.response = response;
    return response;
  });
  const jsonBody = endpoint.provider.body_format === 'json';
  const fetchImpl: typeof base = (url, options) => {
    if (!jsonBody || options.body === undefined) return base(url, options);
    const headers = new Headers(options.headers);
    headers.set('content-type', 'application/json');
    const form = new URLSearchParams(String(options.body));
    return base(url, { ...options, headers, body: JSON.stringify(Object.fromEntries(form)) });
  };
  return {
    additionalParameters: Object.fromEntries(
      Object.entries(endpoint.tokenParams).filter(([key]) => !RESERVED.has(key)),
    ),
    [oauth.customFetch]: fetchImpl,
    [oauth.allowInsecureRequests]: endpoint.allowInsecure,
  };
}

function server(endpoint: TokenEndpoint): oauth.AuthorizationServer {
  return { issuer: endpoint.issuer, token_endpoint: endpoint.tokenUrl.href };
}

async function responseOf(
  response: Response,
  captured: { response?: OutboundResponse },
): Promise<OutboundResponse> {
  if (captured.response !== undefined) return captured.response;
  return {
    status: response.status,
    headers: response.headers,
    text: await response.text(),
    url: response.url,
  };
}

/**
 * Exchanges an authorization code; `codeVerifier` undefined when the provider disables PKCE. The callback values were
 * checked by `processAuthorizationCallback` already; oauth4webapi validates them once more (state, RFC 9207 `iss`).
 */
export async function authorizationCodeRequest(
  outbound: OutboundFetch,
  endpoint: TokenEndpoint,
  grant: {
    code: string;
    state: string;
    iss: string | null;
    redirectUri: string;
    codeVerifier: string | undefined;
  },
): Promise<OutboundResponse> {
  const captured: { response?: OutboundResponse } = {};
  const as = server(endpoint);
  const client = { client_id: endpoint.clientId };
  const callback = new URLSearchParams({ code: grant.code, state: grant.state });
  if (grant.iss !== null) callback.set('iss', grant.iss);
  const response = await oauth.authorizationCodeGrantRequest(
    as,
    client,
    providerClientAuth(endpoint.provider, endpoint.clientSecret),
    oauth.validateAuthResponse(as, client, callback, grant.state),
    grant.redirectUri,
    grant.codeVerifier ?? oauth.nopkce,
    requestOptions(outbound, endpoint, captured),
  );
  return responseOf(response, captured);
}

/** The refresh grant (RFC 6749 §6); `refresh_params` replace `token_params` when the provider declares them. */
export async function refreshTokenRequest(
  outbound: OutboundFetch,
  endpoint: TokenEndpoint,
  refreshToken: string,
): Promise<OutboundResponse> {
  const captured: { response?: OutboundResponse } = {};
  const response = await oauth.refreshTokenGrantRequest(
    server(endpoint),
    { client_id: endpoint.clientId },
    providerClientAuth(endpoint.provider, endpoint.clientSecret),
    refreshToken,
    requestOptions(outbound, endpoint, captured),
  );
  return responseOf(response, captured);
}
