/**
 * Streaming requests under the outbound policy, for the proxy: the request body is piped out and the response is
 * handed back unread, so neither is held in memory. One hop only (the caller decides about redirects); addresses are
 * judged by outbound-fetch's rule and lookup, so both paths enforce the same policy.
 */
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import { addressRuleFor, checkedLookup, toLatchkeyError } from './outbound-fetch';

export interface OutboundStreamRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  /** A buffer goes out with its length; a stream goes out as it arrives (set `content-length` when it is known). */
  body?: Buffer | Readable;
  /** Aborts the exchange, response body included (the caller went away). */
  signal?: AbortSignal;
}

/**
 * Sends one request and resolves with the response head; the body is the caller's to read or destroy.
 * Throws a LatchkeyError: `url_not_allowed`, `upstream_unreachable` or `upstream_timeout`.
 */
export type OutboundStream = (request: OutboundStreamRequest) => Promise<IncomingMessage>;

export interface OutboundStreamOptions {
  allowPrivateUrls: boolean;
  /**
   * Longest silence on the connection, before the response head and while the body flows, after which the exchange
   * is cut. A silence, not a total: a large download that keeps moving is never cut. Default 60 000 ms.
   */
  idleTimeoutMs?: number;
}

export function createOutboundStream(options: OutboundStreamOptions): OutboundStream {
  const idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
  return async (request) => {
    const { url } = request;
    const isAllowed = addressRuleFor(url, options.allowPrivateUrls);
    const timeout = new AbortController();
    const signal =
      request.signal === undefined ? timeout.signal : AbortSignal.any([request.signal, timeout.signal]);
    const transport = url.protocol === 'https:' ? https : http;
    try {
      return await new Promise<IncomingMessage>((resolve, reject) => {
        const req = transport.request(
          {
            protocol: url.protocol,
            hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
            port: url.port,
            path: `${url.pathname}${url.search}`,
            method: request.method,
            headers: request.headers,
            lookup: checkedLookup(isAllowed),
            // No pooling: a pooled socket could have been opened under another instance's policy.
            agent: false,
            signal,
            timeout: idleTimeoutMs,
          },
          resolve,
        );
        req.on('timeout', () => timeout.abort());
        req.on('error', reject);
        const { body } = request;
        if (body === undefined || Buffer.isBuffer(body)) req.end(body);
        // An upload that fails midway (the caller hung up) takes the upstream request down with it.
        else pipeline(body, req, (error) => error && reject(error));
      });
    } catch (error) {
      throw toLatchkeyError(error, url.hostname, timeout.signal);
    }
  };
}
