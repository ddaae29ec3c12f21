/**
 * A proxied request body: held in memory only when it may have to be sent again (retries, a refresh after a 401, a
 * 307 redirect) or signed (an OAuth 1.0a form body), streamed through once otherwise.
 */
import type { Readable } from 'node:stream';
import { LatchkeyError } from '@latchkey/schema';

export type ProxyBody =
  | { kind: 'none' }
  | { kind: 'buffered'; data: Buffer }
  | { kind: 'stream'; stream: Readable; length: number | undefined };

export interface IncomingBody {
  stream: Readable | undefined;
  /** From `Content-Length`; undefined when absent. */
  length: number | undefined;
  /** A `Transfer-Encoding` was present: a body of unknown length follows. */
  chunked: boolean;
}

/** Reads or wraps the caller's body. Buffering stops at `limit` bytes with 413 `payload_too_large`. */
export async function prepareBody(
  body: IncomingBody,
  options: { buffer: boolean; limit: number },
): Promise<ProxyBody> {
  const { stream } = body;
  if (stream === undefined || body.length === 0) {
    stream?.resume();
    return { kind: 'none' };
  }
  // Without a length or a transfer coding the message has no body (RFC 9112 §6.3); reading it costs nothing then,
  // and it keeps in-process requests (which carry neither header) working.
  const framed = body.length !== undefined || body.chunked;
  if (options.buffer || !framed) {
    const data = await readAtMost(stream, options.limit);
    return data.length === 0 ? { kind: 'none' } : { kind: 'buffered', data };
  }
  return { kind: 'stream', stream, length: body.length };
}

/** Whether the body can be sent a second time. */
export function isReplayable(body: ProxyBody): boolean {
  return body.kind !== 'stream';
}

async function readAtMost(stream: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      stream.destroy();
      throw new LatchkeyError(
        'payload_too_large',
        `A proxied body that may be sent twice (Retries above 0) or must be signed is held in memory, up to ${limit} bytes.`,
      );
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
