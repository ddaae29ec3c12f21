/**
 * The provider's answer as the caller receives it: same status, headers filtered, body streamed. With `Decompress`
 * the body is decoded on the way (gzip, deflate, br); otherwise its bytes pass untouched with their Content-Encoding.
 */
import type { IncomingMessage } from 'node:http';
import { pipeline, type Readable } from 'node:stream';
import zlib from 'node:zlib';
import { LatchkeyError } from '@latchkey/schema';
import { forwardableResponseHeaders } from './header-filters';

export interface ProxyResponse {
  status: number;
  headers: Headers;
  /** Null when the status or the method allows no body. */
  body: Readable | null;
}

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

export function toProxyResponse(
  response: IncomingMessage,
  options: { method: string; decompress: boolean },
): ProxyResponse {
  const status = response.statusCode ?? 0;
  if (status < 200 || status > 599) {
    response.destroy();
    throw new LatchkeyError('upstream_unreachable', `The provider answered with status ${status}.`);
  }
  if (options.method === 'HEAD' || NULL_BODY_STATUSES.has(status)) {
    response.resume();
    return {
      status,
      headers: forwardableResponseHeaders(response.rawHeaders, { decoded: false }),
      body: null,
    };
  }
  const decoder = options.decompress ? decoderFor(response.headers['content-encoding']) : undefined;
  const headers = forwardableResponseHeaders(response.rawHeaders, { decoded: decoder !== undefined });
  if (decoder === undefined) return { status, headers, body: response };
  // A decoding error ends the caller's body with an error: a truncated answer must not look complete.
  return { status, headers, body: pipeline(response, decoder, () => {}) };
}

function decoderFor(encoding: string | undefined): zlib.Unzip | zlib.BrotliDecompress | undefined {
  switch (encoding?.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
    case 'deflate':
      // Unzip detects the gzip or zlib wrapper from the bytes, as servers mix up `deflate`.
      return zlib.createUnzip();
    case 'br':
      return zlib.createBrotliDecompress();
    default:
      return undefined;
  }
}
