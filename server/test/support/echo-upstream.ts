/**
 * A provider API on loopback for proxy tests: it records every request as it arrives and answers with a JSON echo of
 * what it received, unless a test queued its own handlers for the next requests (statuses, retries, streams,
 * redirects, silence).
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  /** Path and query exactly as they arrived. */
  url: string;
  headers: IncomingHttpHeaders;
  /** Filled once read (by the echo, or by a handler that reads it with {@link readBody}). */
  body: Buffer | undefined;
  /** `performance.now()` at arrival. */
  at: number;
}

export type UpstreamHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  received: ReceivedRequest,
) => unknown;

/** What the default echo answers. */
export interface Echo {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface EchoUpstream extends AsyncDisposable {
  url: string;
  requests: ReceivedRequest[];
  /** Handlers for the next requests, first in first used; the echo answers when it is empty. */
  queue: UpstreamHandler[];
  close(): Promise<void>;
}

export async function startEchoUpstream(): Promise<EchoUpstream> {
  const requests: ReceivedRequest[] = [];
  const queue: UpstreamHandler[] = [];
  const server = createServer((req, res) => {
    const received: ReceivedRequest = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body: undefined,
      at: performance.now(),
    };
    requests.push(received);
    const handler = queue.shift() ?? echo;
    Promise.resolve(handler(req, res, received)).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    queue,
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** Reads the whole request body and keeps it on the record. */
export async function readBody(req: IncomingMessage, received: ReceivedRequest): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  received.body = Buffer.concat(chunks);
  return received.body;
}

async function echo(req: IncomingMessage, res: ServerResponse, received: ReceivedRequest): Promise<void> {
  const body = await readBody(req, received);
  const answer: Echo = {
    method: received.method,
    url: received.url,
    headers: received.headers,
    body: body.toString('utf8'),
  };
  if (received.method === 'HEAD') {
    res.writeHead(200, { 'content-type': 'application/json', 'x-echo': 'head' }).end();
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
}

/** A handler answering with a status, headers and a text body, after reading the request body. */
export function answer(status: number, headers: Record<string, string> = {}, body = ''): UpstreamHandler {
  return async (req, res, received) => {
    await readBody(req, received);
    res.writeHead(status, headers).end(body);
  };
}
