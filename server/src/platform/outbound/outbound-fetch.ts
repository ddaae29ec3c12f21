/**
 * The `OutboundFetch` Latchkey uses in production: `node:http(s)` with a DNS lookup that checks every address it
 * resolves, so the address connected to is the one the policy judged (no gap for DNS rebinding between a check and
 * the connection). The policy: https to public addresses only, unless private URLs are allowed for development.
 */
import dns from 'node:dns';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import net, { type LookupFunction } from 'node:net';
import zlib from 'node:zlib';
import { LatchkeyError } from '@latchkey/schema';
import type { OutboundFetch, OutboundRequest, OutboundResponse } from './outbound.types';

/** Options of {@link createOutboundFetch}. */
export interface OutboundFetchOptions {
  /** Development mode: any address over https, and plain http to loopback hosts. */
  allowPrivateUrls: boolean;
  /** Connect plus the whole response, redirects included. Default 10 000 ms. */
  timeoutMs?: number;
  /** Sent unless the request sets its own. Default `Latchkey`. */
  userAgent?: string;
}

const MAX_RESPONSE_BYTES = 1024 * 1024;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Headers that describe a body; dropped with the body when a redirect turns the request into a GET. */
const BODY_HEADERS = [
  'content-type',
  'content-length',
  'content-encoding',
  'content-language',
  'content-location',
];
/** Credentials never carried to another origin. */
const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie'];

/** Builds the outbound fetch; see the module comment for the policy. */
export function createOutboundFetch(options: OutboundFetchOptions): OutboundFetch {
  const defaults = { timeoutMs: options.timeoutMs ?? 10_000, userAgent: options.userAgent ?? 'Latchkey' };
  return async (request) => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), request.timeoutMs ?? defaults.timeoutMs);
    try {
      return await fetchFollowingRedirects(
        request,
        options.allowPrivateUrls,
        defaults.userAgent,
        controller.signal,
      );
    } finally {
      clearTimeout(timer);
    }
  };
}

interface Hop {
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
}

async function fetchFollowingRedirects(
  request: OutboundRequest,
  allowPrivateUrls: boolean,
  userAgent: string,
  signal: AbortSignal,
): Promise<OutboundResponse> {
  let url = parseUrl(request.url);
  const hop: Hop = {
    method: request.method.toUpperCase(),
    headers: withDefaultHeaders(request.headers ?? {}, userAgent),
    body: request.body,
  };
  for (let redirects = 0; ; redirects++) {
    const isAllowed = addressRuleFor(url, allowPrivateUrls);
    const response = await send(url, hop, isAllowed, signal);
    const location = response.headers.get('location');
    if (!REDIRECT_STATUSES.has(response.status) || redirects >= (request.maxRedirects ?? 0) || !location) {
      return response;
    }
    const next = parseUrl(location, url);
    if (
      response.status === 303 ||
      ((response.status === 301 || response.status === 302) && hop.method === 'POST')
    ) {
      if (hop.method !== 'HEAD') hop.method = 'GET';
      hop.body = undefined;
      removeHeaders(hop.headers, BODY_HEADERS);
    }
    if (next.origin !== url.origin) removeHeaders(hop.headers, CREDENTIAL_HEADERS);
    url = next;
  }
}

/** Parses an absolute URL (or one relative to `base`); anything unparseable is `url_not_allowed`. */
export function parseUrl(input: string, base?: URL): URL {
  try {
    return new URL(input, base);
  } catch {
    throw new LatchkeyError('url_not_allowed', 'The URL is not valid.');
  }
}

/** Checks scheme and userinfo now, and returns the rule every address of the host must then pass. */
export function addressRuleFor(url: URL, allowPrivateUrls: boolean): (ip: string) => boolean {
  const refuse = (reason: string) =>
    new LatchkeyError('url_not_allowed', `Requests to ${url.hostname} are not allowed.`, {
      internal: { reason, protocol: url.protocol },
    });
  if (url.username !== '' || url.password !== '') throw refuse('userinfo');
  let rule: (ip: string) => boolean;
  if (url.protocol === 'https:') rule = allowPrivateUrls ? () => true : isPublicAddress;
  else if (url.protocol === 'http:' && allowPrivateUrls) rule = isLoopbackAddress;
  else throw refuse('scheme');
  const literal = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (net.isIP(literal) !== 0 && !rule(literal)) throw refuse('address');
  return rule;
}

function send(url: URL, hop: Hop, isAllowed: (ip: string) => boolean, signal: AbortSignal) {
  const host = url.hostname;
  const transport = url.protocol === 'https:' ? https : http;
  const headers = { ...hop.headers };
  if (hop.body !== undefined) headers['content-length'] = String(Buffer.byteLength(hop.body));
  return new Promise<IncomingMessage>((resolve, reject) => {
    const req = transport.request(
      {
        protocol: url.protocol,
        hostname: host.replace(/^\[(.*)\]$/, '$1'),
        port: url.port,
        path: `${url.pathname}${url.search}`,
        method: hop.method,
        headers,
        lookup: checkedLookup(isAllowed),
        // No pooling: a pooled socket could have been opened under another instance's policy.
        agent: false,
        signal,
      },
      resolve,
    );
    req.on('error', reject);
    req.end(hop.body);
  })
    .then(async (res) => ({
      status: res.statusCode ?? 0,
      headers: headersOf(res),
      text: await readText(res),
      url: url.href,
    }))
    .catch((error: unknown) => {
      throw toLatchkeyError(error, host, signal);
    });
}

class AddressRefused extends Error {}

/** Resolves every address of the host and refuses the connection if any one of them fails the rule. */
export function checkedLookup(isAllowed: (ip: string) => boolean): LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      if (addresses.length === 0 || addresses.some((entry) => !isAllowed(entry.address))) {
        return callback(new AddressRefused(), '', 0);
      }
      const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
      const usable = family ? addresses.filter((entry) => entry.family === family) : addresses;
      if (options.all) return callback(null, usable);
      const first = usable[0];
      if (first === undefined)
        return callback(Object.assign(new Error('no address'), { code: 'ENOTFOUND' }), '', 0);
      callback(null, first.address, first.family);
    });
  };
}

/** Maps a failed request to the policy's error codes; `signal` is the timeout's, so an abort means a timeout. */
export function toLatchkeyError(error: unknown, host: string, signal: AbortSignal): LatchkeyError {
  if (error instanceof LatchkeyError) return error;
  if (error instanceof AddressRefused) {
    return new LatchkeyError('url_not_allowed', `Requests to ${host} are not allowed.`, {
      internal: { reason: 'address' },
    });
  }
  if (signal.aborted) return new LatchkeyError('upstream_timeout', `${host} did not answer in time.`);
  const code = (error as { code?: unknown } | null)?.code;
  return new LatchkeyError('upstream_unreachable', `${host} could not be reached.`, { internal: { code } });
}

async function readText(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_RESPONSE_BYTES) {
      res.destroy();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return decode(Buffer.concat(chunks), res.headers['content-encoding']).toString('utf8');
}

/** We ask for `identity`, but a server may compress anyway; the size limit holds after decompression too. */
function decode(body: Buffer, encoding: string | undefined): Buffer {
  const limit = { maxOutputLength: MAX_RESPONSE_BYTES };
  try {
    switch (encoding?.trim().toLowerCase()) {
      case 'gzip':
      case 'x-gzip':
        return zlib.gunzipSync(body, limit);
      case 'deflate':
        return zlib.inflateSync(body, limit);
      case 'br':
        return zlib.brotliDecompressSync(body, limit);
      default:
        return body;
    }
  } catch (error) {
    throw error instanceof RangeError ? tooLarge() : error;
  }
}

function tooLarge(): LatchkeyError {
  return new LatchkeyError('upstream_unreachable', 'The response was too large.', {
    internal: { limitBytes: MAX_RESPONSE_BYTES },
  });
}

function headersOf(res: IncomingMessage): Headers {
  const headers = new Headers();
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
    headers.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
  }
  if (headers.has('content-encoding')) {
    headers.delete('content-encoding');
    headers.delete('content-length');
  }
  return headers;
}

function withDefaultHeaders(headers: Record<string, string>, userAgent: string): Record<string, string> {
  const result = { ...headers };
  const names = new Set(Object.keys(result).map((name) => name.toLowerCase()));
  if (!names.has('user-agent')) result['user-agent'] = userAgent;
  if (!names.has('accept-encoding')) result['accept-encoding'] = 'identity';
  return result;
}

function removeHeaders(headers: Record<string, string>, names: string[]): void {
  for (const name of Object.keys(headers)) if (names.includes(name.toLowerCase())) delete headers[name];
}

/** Refused under the strict policy; the last item of each is the prefix length. */
const NON_PUBLIC_V4: Array<[string, number]> = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  // 240/4 includes 255.255.255.255.
  ['240.0.0.0', 4],
];

/**
 * Whether an IP address is publicly routable: false for private, loopback, link-local, shared, documentation,
 * benchmarking, multicast and reserved ranges (IPv4 and IPv6), and for IPv6 forms that embed such an IPv4 address
 * (`::ffff:10.0.0.1`, `64:ff9b::10.0.0.1`, 6to4). Anything that is not an IP address is not public.
 */
export function isPublicAddress(ip: string): boolean {
  const v4 = parseIPv4(ip);
  if (v4 !== undefined) return isPublicV4(v4);
  const g = parseIPv6(ip);
  if (g === undefined) return false;
  const embeddedV4 = ((g[6]! << 16) | g[7]!) >>> 0;
  const zeros = (from: number, to: number) => g.slice(from, to).every((group) => group === 0);
  // ::ffff:a.b.c.d is the IPv4 host itself.
  if (zeros(0, 5) && g[5] === 0xffff) return isPublicV4(embeddedV4);
  // ::/96 holds ::, ::1 and the deprecated IPv4-compatible addresses.
  if (zeros(0, 6)) return false;
  // NAT64 (64:ff9b::/96) reaches the embedded IPv4 address; 64:ff9b:1::/48 is for local use.
  if (g[0] === 0x64 && g[1] === 0xff9b) return zeros(2, 6) && isPublicV4(embeddedV4);
  // 6to4 (2002::/16) embeds an IPv4 address in groups 1-2.
  if (g[0] === 0x2002) return isPublicV4(((g[1]! << 16) | g[2]!) >>> 0);
  // Teredo (2001::/32) and documentation (2001:db8::/32).
  if (g[0] === 0x2001 && (g[1] === 0 || g[1] === 0xdb8)) return false;
  if ((g[0]! & 0xfe00) === 0xfc00) return false; // fc00::/7 unique local
  if ((g[0]! & 0xffc0) === 0xfe80 || (g[0]! & 0xffc0) === 0xfec0) return false; // link- and site-local
  if ((g[0]! & 0xff00) === 0xff00) return false; // multicast
  return true;
}

function isLoopbackAddress(ip: string): boolean {
  const v4 = parseIPv4(ip);
  if (v4 !== undefined) return v4 >>> 24 === 127;
  const g = parseIPv6(ip);
  if (g === undefined) return false;
  if (g.slice(0, 7).every((group) => group === 0)) return g[7] === 1;
  return g.slice(0, 5).every((group) => group === 0) && g[5] === 0xffff && g[6]! >>> 8 === 127;
}

function isPublicV4(address: number): boolean {
  return !NON_PUBLIC_V4.some(([base, prefix]) => {
    const shift = 32 - prefix;
    return address >>> shift === parseIPv4(base)! >>> shift;
  });
}

function parseIPv4(ip: string): number | undefined {
  if (!net.isIPv4(ip)) return undefined;
  return ip.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0);
}

/** The eight 16-bit groups of an IPv6 address (zone id ignored), or undefined. */
function parseIPv6(ip: string): number[] | undefined {
  const address = ip.replace(/%.*$/, '');
  if (!net.isIPv6(address)) return undefined;
  let text = address;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v4 = parseIPv4(dotted[1]!)!;
    text = `${text.slice(0, dotted.index)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (part: string) =>
    part === '' ? [] : part.split(':').map((group) => Number.parseInt(group, 16));
  const front = parse(head);
  const back = tail === undefined ? [] : parse(tail);
  return [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
}

/** What oauth4webapi hands its `customFetch`: a body that is a string or URLSearchParams there. */
export interface OAuthFetchOptions {
  method?: string;
  headers?: ConstructorParameters<typeof Headers>[0];
  body?: unknown;
  redirect?: string;
  signal?: AbortSignal;
}

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

/**
 * Adapts an `OutboundFetch` to oauth4webapi's `customFetch` option, so the library's requests obey the outbound
 * policy. oauth4webapi asks for `redirect: 'manual'`, which is also what `OutboundFetch` does by default; `follow`
 * follows up to 5 redirects, each re-checked.
 */
export function toOAuthCustomFetch(
  outbound: OutboundFetch,
): (url: string, options: OAuthFetchOptions) => Promise<Response> {
  return async (url, options) => {
    options.signal?.throwIfAborted();
    const headers = Object.fromEntries(new Headers(options.headers).entries());
    if (options.body instanceof URLSearchParams && headers['content-type'] === undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded;charset=UTF-8';
    }
    const request: OutboundRequest = {
      method: options.method ?? 'GET',
      url,
      headers,
      body: bodyText(options.body),
      maxRedirects: options.redirect === 'follow' ? 5 : 0,
    };
    const answer = await withSignal(outbound(request), options.signal);
    const response = new Response(NULL_BODY_STATUSES.has(answer.status) ? null : answer.text, {
      status: answer.status,
      headers: answer.headers,
    });
    Object.defineProperty(response, 'url', { value: answer.url });
    return response;
  };
}

function bodyText(body: unknown): string | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  if (body instanceof URLSearchParams) return body.toString();
  if (body instanceof Uint8Array || body instanceof ArrayBuffer) return new TextDecoder().decode(body);
  throw new TypeError('Unsupported request body type for an outbound request.');
}

/** The outbound request keeps its own timeout; the caller's signal only stops the wait for it. */
function withSignal<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
