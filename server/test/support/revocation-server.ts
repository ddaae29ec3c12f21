/**
 * A provider's RFC 7009 revocation endpoint on loopback that records every request: `POST /revoke` answers 200,
 * `POST /fail` answers 503, so tests can see exactly what Latchkey sent and what happens when the provider fails.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RevocationRequest {
  path: string;
  method: string;
  headers: IncomingMessage['headers'];
  /** The form body, parsed. */
  form: Record<string, string>;
}

export interface RevocationServer extends AsyncDisposable {
  url: string;
  requests: RevocationRequest[];
  close(): Promise<void>;
}

export async function startRevocationServer(): Promise<RevocationServer> {
  const requests: RevocationRequest[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = new URL(req.url ?? '/', 'http://revoker.invalid').pathname;
    requests.push({
      path,
      method: req.method ?? '',
      headers: req.headers,
      form: Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))),
    });
    if (path === '/revoke') res.writeHead(200).end();
    else
      res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"temporarily_unavailable"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = () =>
    new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close,
    [Symbol.asyncDispose]: close,
  };
}
