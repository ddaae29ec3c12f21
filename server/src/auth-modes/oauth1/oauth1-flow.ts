/**
 * The OAuth 1.0a three-legged flow (RFC 5849 §2), one function per step: temporary credentials, the redirect, the
 * callback, and token credentials. Stateless: the caller keeps the request token secret between steps.
 */
import type { Provider } from '@latchkey/providers';
import { LatchkeyError } from '@latchkey/schema';
import type {
  OutboundFetch,
  OutboundRequest,
  OutboundResponse,
} from '../../platform/outbound/outbound.types';
import { type OAuth1SignatureMethod, percentEncode, signRequest } from './oauth1-signature';

type ParamValue = string | number | boolean;

export interface OAuth1ConsumerCredentials {
  consumerKey: string;
  consumerSecret: string;
}

export interface RequestTokenRequestOptions extends OAuth1ConsumerCredentials {
  provider: Provider;
  /** Where the provider sends the user back; any query in it (Nango puts `?state=` there) is kept. */
  callbackUrl: string;
  /** `provider.request_url` with its placeholders already resolved. */
  requestUrl: string;
}

export interface RequestTokenResult {
  oauthToken: string;
  oauthTokenSecret: string;
  /** `oauth_callback_confirmed=true`, which OAuth 1.0a providers send and 1.0 providers do not. */
  callbackConfirmed: boolean;
  raw: Record<string, string>;
}

export interface AccessTokenRequestOptions extends OAuth1ConsumerCredentials {
  provider: Provider;
  requestToken: string;
  requestTokenSecret: string;
  verifier: string;
  /** The provider's OAuth 1.0a token URL (see `oauth1TokenUrl`) with its placeholders already resolved. */
  tokenUrl: string;
}

export interface AccessTokenResult {
  oauthToken: string;
  oauthTokenSecret: string;
  /** Every field of the response, including provider extras such as `user_id` or `screen_name`. */
  raw: Record<string, string>;
}

export interface OAuth1CallbackResult {
  oauthToken: string;
  oauthVerifier: string;
}

export interface OAuth1AuthorizationUrlOptions {
  /** `provider.authorization_url` with its placeholders already resolved; its own query is kept. */
  authorizationUrl: string;
  oauthToken: string;
  scopes: readonly string[];
  /** Defaults to one space, as for OAuth 2.0. */
  scopeSeparator?: string;
  authorizationParams?: Readonly<Record<string, ParamValue>>;
  /** Nango repeats the callback on the redirect for OAuth 1.0 providers that read it there; sent when given. */
  callbackUrl?: string;
}

/**
 * Obtains temporary credentials (RFC 5849 §2.1): signs with the consumer credentials and `oauth_callback`, sends
 * `provider.request_params` as a form body (or as the query for GET), with `provider.request_http_method` (POST by
 * default). Pass the response to `processRequestTokenResponse`.
 */
export async function requestTokenRequest(
  fetch: OutboundFetch,
  options: RequestTokenRequestOptions,
): Promise<OutboundResponse> {
  const oauthParams = { oauth_callback: options.callbackUrl };
  return fetch(tokenEndpointRequest('request_token', options, options.requestUrl, oauthParams));
}

/**
 * Validates the temporary-credentials response (RFC 5849 §2.1): a 2xx with `oauth_token` and `oauth_token_secret`,
 * form-encoded or JSON. Anything else throws `token_exchange_failed`, the provider's `oauth_problem` in `internal`.
 */
export function processRequestTokenResponse(response: OutboundResponse): RequestTokenResult {
  const credentials = tokenCredentials(response, 'request_token', 'token_exchange_failed');
  return { ...credentials, callbackConfirmed: credentials.raw.oauth_callback_confirmed === 'true' };
}

/**
 * The resource owner authorization URL (RFC 5849 §2.2), shaped as Nango shapes it:
 * `authorization_url?oauth_token=…&scope=…&<authorization_params>[&oauth_callback=…]`. `scope` is left out when there
 * are no scopes. Authorization params must already be interpolated.
 */
export function buildOAuth1AuthorizationUrl(options: OAuth1AuthorizationUrlOptions): URL {
  const url = new URL(options.authorizationUrl);
  url.searchParams.set('oauth_token', options.oauthToken);
  const scope = options.scopes.join(options.scopeSeparator ?? ' ');
  if (scope !== '') url.searchParams.set('scope', scope);
  for (const [name, value] of Object.entries(stringParams(options.authorizationParams))) {
    url.searchParams.set(name, value);
  }
  if (options.callbackUrl !== undefined) url.searchParams.set('oauth_callback', options.callbackUrl);
  return url;
}

/**
 * Reads the redirect back from the provider (RFC 5849 §2.2): `denied` throws `authorization_denied`; a missing
 * `oauth_token` or `oauth_verifier`, or a token other than the one this flow obtained, throws `invalid_callback`.
 */
export function processOAuth1Callback(
  query: URLSearchParams,
  expected: { oauthToken: string },
): OAuth1CallbackResult {
  if (query.has('denied')) {
    throw new LatchkeyError('authorization_denied', undefined, { internal: { step: 'authorize' } });
  }
  const oauthToken = query.get('oauth_token');
  const oauthVerifier = query.get('oauth_verifier');
  if (!oauthToken || !oauthVerifier) {
    throw new LatchkeyError('invalid_callback', 'The callback must carry oauth_token and oauth_verifier.', {
      internal: { step: 'callback', params: [...query.keys()] },
    });
  }
  if (oauthToken !== expected.oauthToken) {
    throw new LatchkeyError(
      'invalid_callback',
      'The callback carries a request token this flow did not obtain.',
    );
  }
  return { oauthToken, oauthVerifier };
}

/**
 * Exchanges the authorized request token for token credentials (RFC 5849 §2.3): signed with the request token and
 * its secret, `oauth_verifier` among the protocol parameters, `provider.token_params` as a form body (or query for
 * GET), with `provider.token_http_method` (POST by default). Pass the response to `processAccessTokenResponse`.
 */
export async function accessTokenRequest(
  fetch: OutboundFetch,
  options: AccessTokenRequestOptions,
): Promise<OutboundResponse> {
  const requestToken = { token: options.requestToken, secret: options.requestTokenSecret };
  const oauthParams = { oauth_verifier: options.verifier };
  return fetch(tokenEndpointRequest('access_token', options, options.tokenUrl, oauthParams, requestToken));
}

/**
 * Validates the token-credentials response (RFC 5849 §2.3), form-encoded or JSON. A non-2xx throws
 * `token_exchange_failed`; a 2xx without `oauth_token` and `oauth_token_secret` throws
 * `unable_to_parse_token_response`. Every field is kept in `raw`.
 */
export function processAccessTokenResponse(response: OutboundResponse): AccessTokenResult {
  return tokenCredentials(response, 'access_token', 'unable_to_parse_token_response');
}

/** The provider's token URL for OAuth 1.0a: the string, or the `OAUTH1` entry of a per-mode record. */
export function oauth1TokenUrl(provider: Provider): string | undefined {
  const tokenUrl = provider.token_url;
  return typeof tokenUrl === 'string' ? tokenUrl : tokenUrl?.OAUTH1;
}

/**
 * The provider's signature method as one Latchkey can sign with (HMAC-SHA1 by default). RSA-SHA1 is refused with
 * `invalid_provider_definition`: it signs with a private key, and an integration stores a consumer secret.
 */
export function oauth1SignatureMethod(provider: Provider): OAuth1SignatureMethod {
  const method = provider.signature_method ?? 'HMAC-SHA1';
  if (method === 'RSA-SHA1') {
    throw new LatchkeyError(
      'invalid_provider_definition',
      'The RSA-SHA1 signature method is not supported: integrations store a consumer secret, not a private key.',
    );
  }
  return method;
}

/** Where each token endpoint's method and parameters are in a provider entry. */
const TOKEN_ENDPOINTS = {
  request_token: { method: 'request_http_method', params: 'request_params' },
  access_token: { method: 'token_http_method', params: 'token_params' },
} as const;

const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/**
 * The signed request to one of the two token endpoints (RFC 5849 §2.1, §2.3), the part both steps share: the
 * provider's method for it (POST by default), its parameters as a form body (as the query for a method without one),
 * signed with the consumer credentials, the request token when there is one, and the step's own `oauth_` parameters.
 */
function tokenEndpointRequest(
  endpoint: keyof typeof TOKEN_ENDPOINTS,
  client: OAuth1ConsumerCredentials & { provider: Provider },
  target: string,
  oauthParams: Record<string, string>,
  requestToken?: { token: string; secret: string },
): OutboundRequest {
  const { provider } = client;
  const method = (provider[TOKEN_ENDPOINTS[endpoint].method] ?? 'POST').toUpperCase();
  const params = stringParams(provider[TOKEN_ENDPOINTS[endpoint].params]);
  const inBody = METHODS_WITH_BODY.has(method);
  const url = new URL(target);
  if (!inBody) {
    for (const [name, value] of Object.entries(params)) url.searchParams.append(name, value);
  }
  const authorization = signRequest({
    method,
    url,
    consumerKey: client.consumerKey,
    consumerSecret: client.consumerSecret,
    token: requestToken?.token,
    tokenSecret: requestToken?.secret,
    signatureMethod: oauth1SignatureMethod(provider),
    extraOAuthParams: oauthParams,
    bodyParams: inBody ? params : undefined,
  });
  const headers: Record<string, string> = {
    authorization,
    accept: 'application/x-www-form-urlencoded, application/json;q=0.9, */*;q=0.1',
  };
  if (!inBody) return { method, url: url.href, headers };
  headers['content-type'] = 'application/x-www-form-urlencoded';
  return { method, url: url.href, headers, body: formEncode(params) };
}

/** A token and its secret from a 2xx; `missingCode` when they are absent (the secret may be empty, not absent). */
function tokenCredentials(
  response: OutboundResponse,
  step: string,
  missingCode: 'token_exchange_failed' | 'unable_to_parse_token_response',
): AccessTokenResult {
  const raw = parseTokenResponse(response, step);
  const { oauth_token: oauthToken, oauth_token_secret: oauthTokenSecret } = raw;
  if (!oauthToken || oauthTokenSecret === undefined) {
    throw new LatchkeyError(
      missingCode,
      'The provider answered without oauth_token and oauth_token_secret.',
      {
        internal: { step, status: response.status, fields: Object.keys(raw) },
      },
    );
  }
  return { oauthToken, oauthTokenSecret, raw };
}

/** Token endpoints answer form-encoded per RFC 5849, but some answer JSON; both become flat string records. */
function parseTokenResponse(response: OutboundResponse, step: string): Record<string, string> {
  const raw = parseBody(response.text, response.headers.get('content-type'));
  if (response.status < 200 || response.status > 299) {
    throw new LatchkeyError('token_exchange_failed', undefined, {
      internal: {
        step,
        status: response.status,
        // Only the provider's problem fields: an error body may echo what it received, PLAINTEXT signatures included.
        oauth_problem: raw?.oauth_problem,
        oauth_problem_advice: raw?.oauth_problem_advice,
        error: raw?.error,
        error_description: raw?.error_description,
      },
    });
  }
  if (raw === undefined) {
    throw new LatchkeyError('unable_to_parse_token_response', undefined, {
      internal: { step, status: response.status, contentType: response.headers.get('content-type') },
    });
  }
  return raw;
}

function parseBody(text: string, contentType: string | null): Record<string, string> | undefined {
  const trimmed = text.trim();
  if (contentType?.includes('json') || trimmed.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
      const record: Record<string, string> = {};
      for (const [name, value] of Object.entries(parsed)) {
        if (value === null || value === undefined) continue;
        record[name] = typeof value === 'object' ? JSON.stringify(value) : String(value);
      }
      return record;
    } catch {
      return undefined;
    }
  }
  return Object.fromEntries(new URLSearchParams(trimmed));
}

function stringParams(params: Readonly<Record<string, unknown>> | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(params ?? {}).map(([name, value]) => [
      name,
      value !== null && typeof value === 'object' ? JSON.stringify(value) : String(value),
    ]),
  );
}

function formEncode(params: Record<string, string>): string {
  return Object.entries(params)
    .map(([name, value]) => `${percentEncode(name)}=${percentEncode(value)}`)
    .join('&');
}
