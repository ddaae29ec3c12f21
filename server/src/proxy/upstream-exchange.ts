/**
 * One attempt of a proxied request: sent, and its redirects followed the way browsers do, each target re-checked by
 * the outbound policy. Credentials go only to the origin they belong to unless the caller says otherwise
 * (`Forward-Headers-On-Redirect: true`), so a provider redirecting a download to a storage host does not hand that host
 * the token. A streamed body cannot be sent twice: a redirect that needs it is returned to the caller as it is.
 */
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { parseUrl } from '../platform/outbound/outbound-fetch';
import type { OutboundStream } from '../platform/outbound/outbound-stream';
import type { ProxyBody } from './request-body';

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
export const MAX_REDIRECTS = 5;

/** One request on the way: where, how, with what, and whether the connection's credentials go along. */
export interface Hop {
  url: URL;
  method: string;
  body: ProxyBody;
  withCredentials: boolean;
}

export interface Exchange {
  first: Omit<Hop, 'withCredentials'>;
  /** The headers of a hop (body headers included); called again for every hop, so signatures are fresh. */
  headersFor(hop: Hop): Record<string, string>;
  forwardCredentialsOnRedirect: boolean;
  signal: AbortSignal | undefined;
}

export interface ExchangeResult {
  response: IncomingMessage;
  /** The hop that answered. */
  hop: Hop;
}

export async function exchange(outbound: OutboundStream, request: Exchange): Promise<ExchangeResult> {
  let hop: Hop = { ...request.first, withCredentials: true };
  for (let redirects = 0; ; redirects++) {
    const response = await outbound({
      method: hop.method,
      url: hop.url,
      headers: request.headersFor(hop),
      ...bodyPayload(hop.body),
      ...(request.signal === undefined ? {} : { signal: request.signal }),
    });
    const location = response.headers.location;
    if (
      !REDIRECT_STATUSES.has(response.statusCode ?? 0) ||
      location === undefined ||
      redirects >= MAX_REDIRECTS
    ) {
      return { response, hop };
    }
    let target: URL;
    try {
      target = parseUrl(location, hop.url);
    } catch (error) {
      response.destroy();
      throw error;
    }
    const next = nextHop(hop, response.statusCode!, target);
    if (next.body.kind === 'stream') return { response, hop };
    response.resume();
    if (next.url.origin !== hop.url.origin && !request.forwardCredentialsOnRedirect)
      next.withCredentials = false;
    hop = next;
  }
}

/** RFC 9110 §15.4: 303, and 301/302 after a POST as every client does, become a GET without the body. */
function nextHop(hop: Hop, status: number, url: URL): Hop {
  if (status === 303 || ((status === 301 || status === 302) && hop.method === 'POST')) {
    return { ...hop, url, method: hop.method === 'HEAD' ? 'HEAD' : 'GET', body: { kind: 'none' } };
  }
  return { ...hop, url };
}

function bodyPayload(body: ProxyBody): { body?: Buffer | Readable } {
  if (body.kind === 'buffered') return { body: body.data };
  if (body.kind === 'stream') return { body: body.stream };
  return {};
}
