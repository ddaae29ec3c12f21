/**
 * OAuth 1.0a request signing (RFC 5849 §3): pure functions from a request's parts to its `Authorization` header.
 * No I/O; the flow and the proxy call `signRequest` and send the request themselves.
 */
import { createHmac, randomBytes } from 'node:crypto';

/** The signature methods Latchkey signs with. RSA-SHA1 needs a private key, which integrations do not store. */
export type OAuth1SignatureMethod = 'HMAC-SHA1' | 'HMAC-SHA256' | 'PLAINTEXT';

export type OAuth1Parameter = [name: string, value: string];

/**
 * Percent-encodes a value as RFC 5849 §3.6 requires: every byte outside the RFC 3986 unreserved set
 * (`A-Z a-z 0-9 - . _ ~`) becomes `%XX` with upper-case hex, UTF-8 first.
 */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * The base string URI of RFC 5849 §3.4.1.2: lower-case scheme and host, the port only when it is not the scheme's
 * default, the path, and neither query nor fragment.
 */
export function baseStringUri(url: string | URL): string {
  const parsed = new URL(url);
  // WHATWG URL parsing already lower-cases scheme and host and drops a default port.
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
}

/**
 * The normalized request parameters of RFC 5849 §3.4.1.3.2: each name and value percent-encoded, sorted by name then
 * value (byte order), joined as `name=value` pairs with `&`.
 */
export function normalizeParameters(params: readonly OAuth1Parameter[]): string {
  return params
    .map(([name, value]): OAuth1Parameter => [percentEncode(name), percentEncode(value)])
    .sort(([an, av], [bn, bv]) => compare(an, bn) || compare(av, bv))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

/**
 * The signature base string of RFC 5849 §3.4.1.1: `METHOD&encoded base URI&encoded normalized parameters`.
 *
 * `params` must be the complete parameter set of §3.4.1.3.1: the `oauth_*` protocol parameters (without
 * `oauth_signature` and `realm`), the query parameters and the form-encoded body parameters. The query of `url` is
 * ignored here; it only gives the base URI.
 */
export function signatureBaseString(
  method: string,
  url: string | URL,
  params: readonly OAuth1Parameter[],
): string {
  return [
    percentEncode(method.toUpperCase()),
    percentEncode(baseStringUri(url)),
    percentEncode(normalizeParameters(params)),
  ].join('&');
}

/**
 * Signs a base string (RFC 5849 §3.4.2 HMAC-SHA1, its HMAC-SHA256 variant, and §3.4.4 PLAINTEXT). The key is the
 * encoded consumer secret and token secret joined by `&`; the token secret is empty before a token exists.
 */
export function signature(
  method: OAuth1SignatureMethod,
  baseString: string,
  consumerSecret: string,
  tokenSecret = '',
): string {
  const key = `${percentEncode(consumerSecret)}&${percentEncode(tokenSecret)}`;
  switch (method) {
    case 'PLAINTEXT':
      return key;
    case 'HMAC-SHA1':
      return createHmac('sha1', key).update(baseString).digest('base64');
    case 'HMAC-SHA256':
      return createHmac('sha256', key).update(baseString).digest('base64');
    default:
      throw new TypeError(`Unsupported OAuth 1.0a signature method: ${String(method)}`);
  }
}

/** The `Authorization` header value of RFC 5849 §3.5.1: `OAuth name="value", …`, names and values percent-encoded. */
export function authorizationHeader(
  params: Readonly<Record<string, string>> | readonly OAuth1Parameter[],
): string {
  const entries = Array.isArray(params) ? params : Object.entries(params);
  return `OAuth ${entries.map(([name, value]) => `${percentEncode(name)}="${percentEncode(value)}"`).join(', ')}`;
}

export interface SignRequestOptions {
  method: string;
  /** The full request URL; its query parameters are signed. */
  url: string | URL;
  consumerKey: string;
  consumerSecret: string;
  /** The request token (access-token step) or access token (resource requests); absent for the request-token step. */
  token?: string;
  tokenSecret?: string;
  signatureMethod: OAuth1SignatureMethod;
  /** Further protocol parameters such as `oauth_callback` or `oauth_verifier`; every name must start with `oauth_`. */
  extraOAuthParams?: Readonly<Record<string, string>>;
  /**
   * Parameters of an `application/x-www-form-urlencoded` body, which are signed too (RFC 5849 §3.4.1.3.1). As pairs
   * when a name may repeat (`tag=a&tag=b`): each occurrence is signed.
   */
  bodyParams?: Readonly<Record<string, string>> | readonly OAuth1Parameter[];
  /** Defaults to 32 random hex characters. */
  nonce?: string;
  /** Unix seconds; defaults to now. */
  timestamp?: number | string;
}

/**
 * Signs one request (RFC 5849 §3.1) and returns its `Authorization` header value. The header carries the protocol
 * parameters only; query and body parameters stay where the caller sends them.
 */
export function signRequest(options: SignRequestOptions): string {
  const oauthParams: Record<string, string> = {
    oauth_consumer_key: options.consumerKey,
    oauth_nonce: options.nonce ?? randomBytes(16).toString('hex'),
    oauth_signature_method: options.signatureMethod,
    oauth_timestamp: String(options.timestamp ?? Math.floor(Date.now() / 1000)),
    oauth_version: '1.0',
  };
  if (options.token !== undefined) oauthParams.oauth_token = options.token;
  for (const [name, value] of Object.entries(options.extraOAuthParams ?? {})) {
    if (!name.startsWith('oauth_')) throw new TypeError(`Not an OAuth protocol parameter: ${name}`);
    oauthParams[name] = value;
  }

  const signed: OAuth1Parameter[] = [
    ...Object.entries(oauthParams),
    ...new URL(options.url).searchParams,
    ...(Array.isArray(options.bodyParams)
      ? (options.bodyParams as readonly OAuth1Parameter[])
      : Object.entries(options.bodyParams ?? {})),
  ];
  const baseString = signatureBaseString(options.method, options.url, signed);
  oauthParams.oauth_signature = signature(
    options.signatureMethod,
    baseString,
    options.consumerSecret,
    options.tokenSecret,
  );
  return authorizationHeader(Object.entries(oauthParams).sort(([a], [b]) => compare(a, b)));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
