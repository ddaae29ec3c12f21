/**
 * The example app's backend, one command: `pnpm --filter ./widget example`. It builds the app with Vite, serves it,
 * and answers `POST /api/session` by creating a connect session with Latchkey's REST API and the secret key — the
 * one thing an app's backend must do. Env: `LATCHKEY_URL` (default http://127.0.0.1:3003), `LATCHKEY_SECRET_KEY`
 * (required), `PORT` (default 5173; 0 picks one), `HOST` (default 127.0.0.1), `ALLOWED_INTEGRATIONS` (comma list).
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { build } from 'vite';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const OUT = path.join(HERE, 'dist');
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
};

const latchkeyUrl = (process.env.LATCHKEY_URL ?? 'http://127.0.0.1:3003').replace(/\/$/, '');
const secretKey = process.env.LATCHKEY_SECRET_KEY;
if (!secretKey) {
  console.error('LATCHKEY_SECRET_KEY is required (a secret key of the Latchkey environment to use).');
  process.exit(1);
}
const allowed = process.env.ALLOWED_INTEGRATIONS?.split(',').filter(Boolean);

await build({
  configFile: false,
  root: HERE,
  logLevel: 'warn',
  plugins: [react()],
  build: { outDir: OUT, emptyOutDir: true },
});

async function createSession(res: ServerResponse): Promise<void> {
  const response = await fetch(`${latchkeyUrl}/connect/sessions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      end_user: { id: 'example-user', email: 'example-user@example.com', display_name: 'Example user' },
      ...(allowed === undefined ? {} : { allowed_integrations: allowed }),
    }),
  });
  const body = (await response.json()) as { data?: { token: string }; error?: unknown };
  if (response.status !== 201 || body.data === undefined) {
    send(res, 502, 'application/json', JSON.stringify({ error: body.error ?? 'session creation failed' }));
    return;
  }
  send(res, 200, 'application/json', JSON.stringify({ token: body.data.token, latchkeyUrl }));
}

async function serveFile(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { pathname } = new URL(req.url ?? '/', 'http://example.invalid');
  const relative = path.normalize(decodeURIComponent(pathname)).replace(/^(\.\.[/\\])+/, '');
  let file = path.join(OUT, relative);
  if (!file.startsWith(OUT) || !path.extname(file)) file = path.join(OUT, 'index.html');
  const body = await readFile(file).catch(() => undefined);
  if (body === undefined) return send(res, 404, 'text/plain', 'not found');
  send(res, 200, TYPES[path.extname(file)] ?? 'application/octet-stream', body);
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

const server = createServer((req, res) => {
  const handle =
    req.method === 'POST' && req.url === '/api/session' ? createSession(res) : serveFile(req, res);
  handle.catch((error: unknown) => send(res, 500, 'text/plain', String(error)));
});
server.listen(Number(process.env.PORT ?? 5173), process.env.HOST ?? '127.0.0.1', () => {
  const { address, port } = server.address() as AddressInfo;
  console.log(`example app listening on http://${address}:${port} (Latchkey at ${latchkeyUrl})`);
});
