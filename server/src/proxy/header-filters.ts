/**
 * Which headers cross the proxy. Hop-by-hop headers (RFC 9110 §7.6.1) describe one connection, not the message, so
 * they never pass in either direction; the upstream's CORS headers would contradict Latchkey's own, and its cookies
 * would be set on Latchkey's origin, where the dashboard's session lives.
 */

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Upstream cookies never reach the caller: the caller's browser would keep them for Latchkey's origin. */
const NEVER_RETURNED = new Set(['set-cookie', 'set-cookie2']);

/** Set by Latchkey itself for the upstream request: the caller may not forge the host or the body's framing. */
const SET_BY_PROXY = new Set(['host', 'content-length', 'expect']);

/** Hop-by-hop names plus those a `Connection` header lists (`Connection: close, X-Foo` makes X-Foo hop-by-hop). */
function hopByHopNames(connectionHeader: string | undefined): Set<string> {
  const names = new Set(HOP_BY_HOP);
  for (const name of connectionHeader?.split(',') ?? []) {
    const trimmed = name.trim().toLowerCase();
    if (trimmed !== '') names.add(trimmed);
  }
  return names;
}

/** The caller's headers that may go upstream, names lower-cased. */
export function forwardableRequestHeaders(headers: Record<string, string>): Record<string, string> {
  const lower = Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]),
  );
  const dropped = hopByHopNames(lower.connection);
  return Object.fromEntries(
    Object.entries(lower).filter(([name]) => !dropped.has(name) && !SET_BY_PROXY.has(name)),
  );
}

/**
 * The upstream response's headers as the caller gets them: without hop-by-hop, `access-control-*` and cookie headers,
 * and without the encoding and length when Latchkey decoded the body.
 */
export function forwardableResponseHeaders(rawHeaders: string[], options: { decoded: boolean }): Headers {
  const connection = rawHeaders.flatMap((value, i) =>
    i % 2 === 1 && rawHeaders[i - 1]!.toLowerCase() === 'connection' ? [value] : [],
  );
  const dropped = hopByHopNames(connection.join(','));
  if (options.decoded) {
    dropped.add('content-encoding');
    dropped.add('content-length');
  }
  const headers = new Headers();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    if (dropped.has(name) || NEVER_RETURNED.has(name) || name.startsWith('access-control-')) continue;
    headers.append(name, rawHeaders[i + 1]!);
  }
  return headers;
}
