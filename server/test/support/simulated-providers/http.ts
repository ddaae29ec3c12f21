/**
 * The HTTP plumbing every simulated provider shares: a server on a free loopback port, the request body and headers
 * read, JSON answered.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const JSON_TYPE = 'application/json';
export const JSON_UTF8 = 'application/json; charset=utf-8';

export interface LoopbackServer extends AsyncDisposable {
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  url: string;
  /** Ends open connections too, so a test never waits on a keep-alive socket; closing twice is harmless. */
  close(): Promise<void>;
}

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => unknown;

/** Answers a handler that threw: 500 with the error as JSON, or a dropped socket once the answer has begun. */
export function answerServerError(res: ServerResponse, error: unknown): void {
  if (res.headersSent) res.destroy();
  else json(res, 500, { error: String(error) });
}

/** Serves `handle` on 127.0.0.1; a handler that throws or rejects is answered by `onError`. */
export async function listen(
  handle: RequestHandler,
  onError: (res: ServerResponse, error: unknown) => void = answerServerError,
): Promise<LoopbackServer> {
  const server = createServer((req, res) => {
    Promise.resolve()
      .then(() => handle(req, res))
      .catch((error: unknown) => onError(res, error));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close,
    [Symbol.asyncDispose]: close,
  };
}

export async function readRawBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The request body as UTF-8 text. */
export async function readBody(req: IncomingMessage): Promise<string> {
  return (await readRawBody(req)).toString('utf8');
}

/** A request header as one string: repeated headers joined with commas, as a proxy would fold them. */
export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/** The body as a JSON object: the parser Latchkey reads providers' answers with. */
export { parseJsonObject } from '../../../src/auth-modes/mode-helpers';

/** Answers `body` exactly as given (a test compares it byte for byte with what the proxy passes on). */
export function send(res: ServerResponse, status: number, body: string, contentType = JSON_TYPE): void {
  res.writeHead(status, { 'content-type': contentType }).end(body);
}

export function json(res: ServerResponse, status: number, body: unknown, contentType = JSON_TYPE): void {
  send(res, status, JSON.stringify(body), contentType);
}

/** Random hex, for made-up ids, keys and tokens. */
export function hex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}
