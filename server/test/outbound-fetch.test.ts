// The outbound policy against real sockets: local node:http servers on 127.0.0.1 stand in for providers. Nothing
// here sends traffic beyond loopback; refused targets (TEST-NET 192.0.2.1) must fail before any connection.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { LatchkeyError } from '@latchkey/schema';
import { describe, expect, it } from 'vitest';
import type { OutboundRequest } from '../src/platform/outbound/outbound.types';
import {
  createOutboundFetch,
  isPublicAddress,
  toOAuthCustomFetch,
} from '../src/platform/outbound/outbound-fetch';
import { freePort } from './support/free-port';

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

interface LocalServer extends AsyncDisposable {
  origin: string;
  received: Received[];
  /** TCP connections accepted, so a test can show a refusal happened before connecting. */
  connections: number;
}

type Handler = (req: Received, res: ServerResponse) => void;

async function startLocalServer(handler: Handler = (_req, res) => res.end('ok')): Promise<LocalServer> {
  const received: Received[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const entry = {
      method: req.method!,
      url: req.url!,
      headers: req.headers,
      body: Buffer.concat(chunks).toString(),
    };
    received.push(entry);
    handler(entry, res);
  });
  const local = { origin: '', received, connections: 0 } as LocalServer;
  server.on('connection', () => local.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  local.origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  local[Symbol.asyncDispose] = () => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return local;
}

const strict = createOutboundFetch({ allowPrivateUrls: false });
const permissive = createOutboundFetch({ allowPrivateUrls: true });

async function refusal(promise: Promise<unknown>): Promise<LatchkeyError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (error instanceof LatchkeyError) return error;
  throw new Error(`expected a LatchkeyError, got ${String(error)}`);
}

const get = (url: string, extra: Partial<OutboundRequest> = {}): OutboundRequest => ({
  method: 'GET',
  url,
  ...extra,
});

describe('createOutboundFetch: the policy', () => {
  it('refuses loopback targets without allowPrivateUrls, before connecting', async () => {
    await using server = await startLocalServer();
    const port = new URL(server.origin).port;
    for (const url of [
      `http://127.0.0.1:${port}/`,
      `https://127.0.0.1:${port}/`,
      `http://localhost:${port}/`,
      `https://localhost:${port}/`,
      `https://[::1]:${port}/`,
      `https://[::ffff:127.0.0.1]:${port}/`,
      `https://127.1:${port}/`,
    ]) {
      const error = await refusal(strict(get(url)));
      expect(error.code, url).toBe('url_not_allowed');
    }
    expect(server.connections).toBe(0);
    expect(server.received).toHaveLength(0);
  });

  it('refuses other schemes under both policies', async () => {
    for (const fetch of [strict, permissive]) {
      for (const url of [
        'ftp://example.com/file',
        'file:///etc/passwd',
        'ws://127.0.0.1/',
        'data:text/plain,x',
      ]) {
        expect((await refusal(fetch(get(url)))).code).toBe('url_not_allowed');
      }
    }
  });

  it('refuses userinfo without repeating it', async () => {
    await using server = await startLocalServer();
    const withUser = server.origin.replace('http://', 'http://user:hunter2@');
    const error = await refusal(permissive(get(`${withUser}/`)));
    expect(error.code).toBe('url_not_allowed');
    expect(error.message).not.toContain('hunter2');
    expect((await refusal(strict(get('https://user:hunter2@example.com/')))).code).toBe('url_not_allowed');
    expect(server.connections).toBe(0);
  });

  it('refuses plain http to a non-loopback address even with allowPrivateUrls', async () => {
    const error = await refusal(permissive(get('http://192.0.2.1/x')));
    expect(error.code).toBe('url_not_allowed');
    expect(error.message).toContain('192.0.2.1');
  });

  it('sends method, headers and body to a loopback server with allowPrivateUrls', async () => {
    await using server = await startLocalServer((_req, res) => {
      res.writeHead(201, { 'x-reply': 'yes', 'content-type': 'text/plain' });
      res.end('créé');
    });
    const response = await permissive({
      method: 'post',
      url: `${server.origin}/token?a=1`,
      headers: { 'X-Test': 'value', 'content-type': 'application/json' },
      body: '{"é":1}',
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-reply')).toBe('yes');
    expect(response.text).toBe('créé');
    expect(response.url).toBe(`${server.origin}/token?a=1`);
    const [seen] = server.received;
    expect(seen).toMatchObject({ method: 'POST', url: '/token?a=1', body: '{"é":1}' });
    expect(seen?.headers).toMatchObject({
      'x-test': 'value',
      'user-agent': 'Latchkey',
      'content-length': String(Buffer.byteLength('{"é":1}')),
    });
  });

  it('reaches localhost by name and keeps a User-Agent the request sets', async () => {
    await using server = await startLocalServer();
    const fetch = createOutboundFetch({ allowPrivateUrls: true, userAgent: 'Latchkey/test' });
    const port = new URL(server.origin).port;
    await fetch(get(`http://localhost:${port}/`));
    await fetch(get(`http://localhost:${port}/`, { headers: { 'User-Agent': 'custom' } }));
    expect(server.received.map((req) => req.headers['user-agent'])).toEqual(['Latchkey/test', 'custom']);
  });

  it('times out on a server that never answers', async () => {
    await using server = await startLocalServer(() => {});
    const fetch = createOutboundFetch({ allowPrivateUrls: true, timeoutMs: 200 });
    const started = Date.now();
    expect((await refusal(fetch(get(`${server.origin}/`)))).code).toBe('upstream_timeout');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('times out on a body that never ends, and honours a per-request timeout', async () => {
    await using server = await startLocalServer((_req, res) => res.write('partial'));
    const error = await refusal(permissive(get(`${server.origin}/`, { timeoutMs: 200 })));
    expect(error.code).toBe('upstream_timeout');
  });

  it('reports a closed port as unreachable', async () => {
    const port = await freePort();
    const error = await refusal(permissive(get(`http://127.0.0.1:${port}/`)));
    expect(error.code).toBe('upstream_unreachable');
    expect(error.internal).toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('refuses a response larger than 1 MiB, compressed or not', async () => {
    const big = 'x'.repeat(1024 * 1024 + 1);
    await using server = await startLocalServer((req, res) => {
      if (req.url === '/gzip') res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync(big));
      else res.end(big);
    });
    for (const path of ['/plain', '/gzip']) {
      const error = await refusal(permissive(get(`${server.origin}${path}`)));
      expect(error.code).toBe('upstream_unreachable');
      expect(error.message).toMatch(/too large/);
    }
  });

  it('decodes a gzip response a server sends anyway', async () => {
    await using server = await startLocalServer((_req, res) =>
      res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync('{"ok":true}')),
    );
    const response = await permissive(get(`${server.origin}/`));
    expect(response.text).toBe('{"ok":true}');
    expect(server.received[0]?.headers['accept-encoding']).toBe('identity');
  });
});

describe('createOutboundFetch: redirects', () => {
  const redirectTo =
    (location: string, status = 302): Handler =>
    (req, res) => {
      if (req.url === '/start') res.writeHead(status, { location }).end();
      else res.end(`at ${req.url} ${req.method} ${req.body}`);
    };

  it('returns the 3xx by default and follows with maxRedirects', async () => {
    await using server = await startLocalServer(redirectTo('/end'));
    const unfollowed = await permissive(get(`${server.origin}/start`));
    expect(unfollowed.status).toBe(302);
    expect(unfollowed.headers.get('location')).toBe('/end');
    const followed = await permissive(get(`${server.origin}/start`, { maxRedirects: 1 }));
    expect(followed).toMatchObject({ status: 200, text: 'at /end GET ', url: `${server.origin}/end` });
  });

  it('stops after maxRedirects and returns the last 3xx', async () => {
    await using server = await startLocalServer((_req, res) =>
      res.writeHead(302, { location: '/again' }).end(),
    );
    const response = await permissive(get(`${server.origin}/start`, { maxRedirects: 2 }));
    expect(response.status).toBe(302);
    expect(server.received).toHaveLength(3);
  });

  it.each(['http://192.0.2.1/x', 'ftp://x/'])(
    're-applies the policy to a redirect to %s',
    async (location) => {
      await using server = await startLocalServer(redirectTo(location));
      const error = await refusal(permissive(get(`${server.origin}/start`, { maxRedirects: 3 })));
      expect(error.code).toBe('url_not_allowed');
    },
  );

  it('turns POST into GET without body on 303 and 302, keeps it on 307', async () => {
    const post = (url: string): OutboundRequest => ({
      method: 'POST',
      url,
      body: 'a=1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      maxRedirects: 1,
    });
    for (const [status, expected] of [
      [303, 'at /end GET '],
      [302, 'at /end GET '],
      [307, 'at /end POST a=1'],
      [308, 'at /end POST a=1'],
    ] as const) {
      await using server = await startLocalServer(redirectTo('/end', status));
      expect((await permissive(post(`${server.origin}/start`))).text, String(status)).toBe(expected);
      const target = server.received[1]!;
      expect(target.headers['content-type'] !== undefined, String(status)).toBe(status >= 307);
    }
  });

  it('drops Authorization when the redirect changes origin, and keeps it otherwise', async () => {
    await using other = await startLocalServer();
    await using server = await startLocalServer((req, res) => {
      if (req.url === '/cross') res.writeHead(302, { location: `${other.origin}/landed` }).end();
      else if (req.url === '/same') res.writeHead(302, { location: '/landed' }).end();
      else res.end('ok');
    });
    const headers = { authorization: 'Bearer secret-token', 'x-other': 'kept' };
    await permissive(get(`${server.origin}/cross`, { headers, maxRedirects: 1 }));
    await permissive(get(`${server.origin}/same`, { headers, maxRedirects: 1 }));
    expect(other.received[0]?.headers.authorization).toBeUndefined();
    expect(other.received[0]?.headers['x-other']).toBe('kept');
    expect(server.received[1]?.headers.authorization).toBe('Bearer secret-token');
  });
});

describe('isPublicAddress', () => {
  it.each([
    '0.0.0.0',
    '0.1.2.3',
    '10.0.0.1',
    '10.255.255.255',
    '100.64.0.1',
    '100.127.255.255',
    '127.0.0.1',
    '127.255.0.9',
    '169.254.169.254',
    '172.16.0.1',
    '172.31.255.255',
    '192.0.0.8',
    '192.0.2.1',
    '192.168.1.1',
    '198.18.0.1',
    '198.19.255.255',
    '198.51.100.7',
    '203.0.113.9',
    '224.0.0.1',
    '239.255.255.250',
    '240.0.0.1',
    '255.255.255.255',
    '::',
    '::1',
    'fc00::1',
    'fd12:3456:789a::1',
    'fe80::1',
    'fe80::1%eth0',
    'febf::1',
    'ff02::1',
    '64:ff9b::10.0.0.1',
    '64:ff9b::a00:1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.1.2.3',
    '::ffff:169.254.169.254',
    '::127.0.0.1',
    '2002:0a00:0001::1',
    '2001:db8::1',
    'not-an-ip',
    'localhost',
  ])('%s is not public', (ip) => {
    expect(isPublicAddress(ip)).toBe(false);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '100.63.255.255',
    '100.128.0.1',
    '172.15.255.255',
    '172.32.0.1',
    '192.0.1.1',
    '192.169.0.1',
    '198.20.0.1',
    '223.255.255.255',
    '2606:4700::1111',
    '2001:4860:4860::8888',
    '64:ff9b::8.8.8.8',
    '::ffff:8.8.8.8',
    '2002:0808:0808::1',
  ])('%s is public', (ip) => {
    expect(isPublicAddress(ip)).toBe(true);
  });
});

describe('toOAuthCustomFetch', () => {
  it('sends a URLSearchParams body as a form and builds a Response', async () => {
    await using server = await startLocalServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end('{"access_token":"at"}');
    });
    const customFetch = toOAuthCustomFetch(permissive);
    const response = await customFetch(`${server.origin}/token`, {
      method: 'POST',
      headers: { accept: 'application/json' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: 'c' }),
      redirect: 'manual',
    });
    expect(response).toBeInstanceOf(Response);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.url).toBe(`${server.origin}/token`);
    expect(await response.json()).toEqual({ access_token: 'at' });
    expect(server.received[0]).toMatchObject({ body: 'grant_type=authorization_code&code=c' });
    expect(server.received[0]?.headers['content-type']).toBe(
      'application/x-www-form-urlencoded;charset=UTF-8',
    );
  });

  it('passes null bodies for 204 and returns redirects unfollowed', async () => {
    await using server = await startLocalServer((req, res) => {
      if (req.url === '/empty') res.writeHead(204).end();
      else res.writeHead(302, { location: '/elsewhere' }).end('moved');
    });
    const customFetch = toOAuthCustomFetch(permissive);
    const empty = await customFetch(`${server.origin}/empty`, { method: 'GET', redirect: 'manual' });
    expect(empty.status).toBe(204);
    expect(empty.body).toBeNull();
    const moved = await customFetch(`${server.origin}/moved`, { method: 'GET', redirect: 'manual' });
    expect(moved.status).toBe(302);
    expect(moved.headers.get('location')).toBe('/elsewhere');
  });

  it('keeps the policy: a refused URL stays refused', async () => {
    const customFetch = toOAuthCustomFetch(strict);
    const error = await refusal(customFetch('http://127.0.0.1:1/token', { method: 'POST', body: 'x' }));
    expect(error.code).toBe('url_not_allowed');
  });
});
