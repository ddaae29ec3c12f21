/**
 * A provider API on loopback for credential verification tests: `GET /me` answers 200 only to the API keys (as
 * `Authorization: Bearer <key>`) and the basic credentials it was given, 401 otherwise, and records every request.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface VerificationServerOptions {
  apiKeys?: string[];
  basic?: Array<{ username: string; password: string }>;
}

export interface VerificationServer extends AsyncDisposable {
  url: string;
  /** Every request received, accepted or not. */
  requests: Array<{ method: string; path: string; authorization: string | undefined }>;
  /** A custom provider definition (`POST /providers`) whose API is this server; verified unless `verify` is false. */
  apiKeyProvider(name: string, options?: { verify?: boolean }): Record<string, unknown>;
  /** The same for basic credentials, which the proxy sends as a Basic header. */
  basicProvider(name: string): Record<string, unknown>;
  close(): Promise<void>;
}

const VERIFICATION = { method: 'GET', endpoints: ['/me'] };
const FIELDS = {
  apiKey: { type: 'string', title: 'API key', description: 'Your API key', secret: true },
  username: { type: 'string', title: 'User name', description: 'Your user name' },
  password: { type: 'string', title: 'Password', description: 'Your password', secret: true },
};

export async function startVerificationServer(
  options: VerificationServerOptions = {},
): Promise<VerificationServer> {
  const accepted = new Set([
    ...(options.apiKeys ?? []).map((key) => `Bearer ${key}`),
    ...(options.basic ?? []).map(
      ({ username, password }) => `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`,
    ),
  ]);
  const requests: VerificationServer['requests'] = [];
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://verifier.invalid').pathname;
    const authorization = req.headers.authorization;
    requests.push({ method: req.method ?? '', path, authorization });
    const ok =
      req.method === 'GET' && path === '/me' && authorization !== undefined && accepted.has(authorization);
    res
      .writeHead(ok ? 200 : 401, { 'content-type': 'application/json' })
      .end(JSON.stringify(ok ? { id: 'me' } : { error: 'unauthorized' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = () => closeServer(server);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const definition = (name: string) => ({ name, display_name: name, docs: 'https://example.com/docs' });
  return {
    url,
    requests,
    apiKeyProvider: (name, options = {}) => ({
      ...definition(name),
      auth_mode: 'API_KEY',
      credentials: { apiKey: FIELDS.apiKey },
      proxy: {
        base_url: url,
        headers: { authorization: 'Bearer ${apiKey}' },
        ...(options.verify === false ? {} : { verification: VERIFICATION }),
      },
    }),
    basicProvider: (name) => ({
      ...definition(name),
      auth_mode: 'BASIC',
      credentials: { username: FIELDS.username, password: FIELDS.password },
      proxy: { base_url: url, verification: VERIFICATION },
    }),
    close,
    [Symbol.asyncDispose]: close,
  };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}
