/**
 * The malformed-request flood: 20,000 requests across every route a real Latchkey process serves (the OpenAPI
 * document's paths, GraphQL, tRPC, WebSocket upgrades, the hosted page and dashboard), with bad bodies, headers,
 * query strings and methods, at bounded concurrency. None may answer 5xx or go unanswered, the process must live,
 * and its resident memory must come back within 10 % of what it was before (after a settle and a full collection).
 *
 * Two processes on the embedded database: one with the default rate limits (flow routes answer 429 to a flood from
 * one address, which is fine) and one with them off, so the handlers behind those limits are flooded too.
 */
import { Agent, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom as random } from '../../server/test/support/seeded-random';
import { api } from '../src/support/api';
import { newBootstrapKey, newEncryptionKey } from '../src/support/keys';
import { ServerProcess } from '../src/support/server-process';
import { childPid, collectGarbage, inspectorUrls, residentKib } from './support/process-memory';

const TOTAL = 20_000;
/** Sent to the process with the default rate limits; the rest go to the one without. */
const WITH_LIMITS = 5_000;
const WARM_UP = 1_000;
const CONCURRENCY = 48;
const SETTLE_MS = 3_000;

interface Flooded {
  server: ServerProcess;
  secretKey: string;
  sessionToken: string;
  routes: Route[];
}

interface Route {
  method: string;
  /** With `{param}` placeholders. */
  path: string;
}

interface Shot {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string | Buffer | undefined;
}

interface Outcome {
  status: number;
  text: string;
}

const PARAM_VALUES = [
  'warm',
  'keys',
  'perplexity',
  '%00',
  '%ZZ',
  '%',
  '%ED%A0%80',
  '%C0%AF',
  '%FF%FE',
  'a%2Fb',
  '..%2F..%2Fetc%2Fpasswd',
  '%F0%9F%98%80',
  '__proto__',
  'constructor',
  '1e400',
  '-1',
  '00000000-0000-0000-0000-000000000000',
  '%7B%7D',
  'x'.repeat(3000),
];
const QUERIES = [
  '',
  '?',
  '?provider_config_key=keys',
  '?provider_config_key=%00',
  '?provider_config_key=keys&provider_config_key=other',
  '?force_refresh=maybe&refresh_token=%ZZ',
  '?a[]=1&a[]=2&a[x]=3',
  '?a[b][c][d][e][f][g][h]=deep',
  '?__proto__[polluted]=1&constructor[prototype][x]=1',
  '?search=%E0%A4%A',
  '?search=%ED%A0%80',
  '?search=%00',
  `?search=${'s'.repeat(4000)}`,
  `?${Array.from({ length: 1200 }, (_, i) => `k${i}=v`).join('&')}`,
  '?limit=99999999999999999999&after=-1&first=1e400',
  '?include=credentials&include[]=webhook',
  '?connect_session_token=nango_connect_session_zz&params[subdomain]=evil.com/x?',
  '?public_key=00000000-0000-4000-8000-000000000000&connection_id=%00&hmac=zz',
  '?state=%00&code=x&error=access_denied',
  '?return_url=javascript:alert(1)&opener_origin=%00',
  '?input=%7B%22search%22%3A%22%5Cu0000%22%7D',
  '?batch=1&input=%7B%220%22%3A%7B%7D%7D',
  '?query=%7B__typename%7D&variables=%7B',
];
const CONTENT_TYPES = [
  undefined,
  'application/json',
  'application/json; charset=latin1',
  'text/plain',
  'application/yaml',
  'multipart/form-data; boundary=x',
  'application/x-www-form-urlencoded',
  'application/graphql-response+json',
  '',
  'application/json'.repeat(200),
];
const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
const BODIES: Array<string | Buffer> = [
  '',
  '{',
  '{"a":',
  'null',
  '[]',
  '"string"',
  '12345678901234567890123456789012345678901234567890',
  '1e400',
  '-0',
  'true',
  '{"end_user":{"id":"\\ud800"},"tags":{"a":"\\udfff"}}',
  '{"end_user":{"id":"u"},"tags":{"a":"\\u0000"}}',
  '{"k\\u0000":"v"}',
  '{"unique_key":123,"provider":[],"credentials":"x"}',
  '{"unique_key":"ok","provider":"perplexity","credentials":{"type":"NOPE"}}',
  '{"provider_config_key":"keys","connection_id":"c","credentials":{"type":"API_KEY","apiKey":{"$ne":1}}}',
  '{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}',
  `{"a":${'1'.repeat(5000)}}`,
  `{"s":"${'x'.repeat(100_000)}"}`,
  deep(10),
  deep(5_000),
  deep(100_000),
  `{"a":${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}}`,
  '\u0000\u0001\u0002',
  Buffer.from([0xff, 0xfe, 0xed, 0xa0, 0x80, 0xc0, 0xaf]),
  Buffer.from('{"a":"\xff\xfe"}', 'latin1'),
  '{"query":"{ __typename }","variables":{"a":"\\u0000"}}',
  '{"query":"mutation { createConnectSession(input: {endUser: {id: \\"\\\\u0000\\"}}) { __typename } }"}',
  '{"query":"{ a { b { c { d { e { f { g { h { i { j { k { l } } } } } } } } } } } }"}',
  '[{"query":"{ __typename }"},{"query":"{"}]',
  '{"query":123,"variables":"x","operationName":{}}',
  '{"0":{"json":null},"1":"\\u0000"}',
  'providers:\n  - name: "x\\0"\n    auth_mode: API_KEY\n',
  'a: &a [*a]\n',
  `${'- '.repeat(2000)}x`,
  'end_user%5Bid%5D=x&tags%5Ba%5D=%00',
];
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', 'PROPFIND', 'TRACE'];
const TRPC_PROCEDURES = [
  'integrations.list',
  'integrations.get',
  'integrations.create',
  'connections.list',
  'connections.get',
  'connections.patch',
  'connections.setMetadata',
  'connectSessions.create',
  'connectSessions.current',
  'flows.submitApiKey',
  'flows.startOAuth',
  'providers.list',
  'providers.import',
  'environment.get',
  'environment.update',
  'events.authEvents',
  'auth.signIn',
  'auth.setup',
  'auth.status',
  'operators.invite',
  'stats.home',
  'nothing.here',
  '',
];
const EXTRA_ROUTES: Route[] = [
  { method: 'GET', path: '/' },
  { method: 'GET', path: '/setup' },
  { method: 'GET', path: '/connect' },
  { method: 'GET', path: '/connect/assets/{file}' },
  { method: 'GET', path: '/dashboard' },
  { method: 'GET', path: '/dashboard/{file}' },
  { method: 'GET', path: '/dashboard/assets/{file}' },
  { method: 'GET', path: '/docs' },
  { method: 'GET', path: '/openapi.json' },
  { method: 'POST', path: '/graphql' },
  { method: 'GET', path: '/graphql' },
  { method: 'POST', path: '/trpc/{procedure}' },
  { method: 'GET', path: '/trpc/{procedure}' },
  { method: 'GET', path: '/{anything}' },
];

function shots(flooded: Flooded, seed: number, count: number): Shot[] {
  const next = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const result: Shot[] = [];
  for (let i = 0; i < count; i++) {
    const route = pick(flooded.routes);
    const method = next() < 0.6 ? route.method : pick(METHODS);
    const filled = route.path.replace(/\{(\w+)\}/g, (_, name: string) =>
      name === 'procedure'
        ? next() < 0.8
          ? pick(TRPC_PROCEDURES)
          : `${pick(TRPC_PROCEDURES)},${pick(TRPC_PROCEDURES)}`
        : pick(PARAM_VALUES),
    );
    const query = next() < 0.7 ? pick(QUERIES) : '';
    const headers: Record<string, string> = {};
    const auth = next();
    if (auth < 0.55) headers.authorization = `Bearer ${flooded.secretKey}`;
    else if (auth < 0.7) headers.authorization = `Bearer ${flooded.sessionToken}`;
    else if (auth < 0.85)
      headers.authorization = pick([
        'Bearer',
        'Bearer ',
        'Basic eDp5',
        'Bearer \u00ff\u00fe',
        `Bearer ${'z'.repeat(3000)}`,
        'Bearer nango_connect_session_zz',
        `Bearer ${'0'.repeat(36)}`,
        'Token x',
      ]);
    const contentType = pick(CONTENT_TYPES);
    if (contentType !== undefined) headers['content-type'] = contentType;
    if (next() < 0.15)
      headers.cookie = pick(['latchkey_session=x', 'latchkey_csb=%00', `a=${'b'.repeat(5000)}`]);
    if (next() < 0.1) headers.origin = pick(['https://evil.example', 'null', 'http://127.0.0.1', '%00']);
    if (next() < 0.08) headers['x-latchkey-environment'] = pick(['dev', 'prod', '%00', 'x'.repeat(300)]);
    if (next() < 0.05) headers['x-request-id'] = pick(['a b', 'x'.repeat(500), '../../etc']);
    if (next() < 0.03) headers['x-oversized'] = 'o'.repeat(20_000);
    if (next() < 0.05) {
      headers['connection-id'] = pick(['warm', '%00', '']);
      headers['provider-config-key'] = pick(['keys', '\u00ff', 'x'.repeat(300)]);
      headers['base-url-override'] = pick([
        'http://127.0.0.1:9',
        'file:///etc/passwd',
        '${x}',
        'javascript:x',
      ]);
      headers.retries = pick(['3', '-1', '99999999999999999999', 'x']);
    }
    if (next() < 0.04)
      headers.accept = pick(['text/event-stream', 'text/html', 'application/graphql-response+json']);
    if (next() < 0.04) headers['last-event-id'] = pick(['-1', '99999999999999999999999', 'x']);
    const body = method === 'GET' || method === 'HEAD' || next() < 0.1 ? undefined : pick(BODIES);
    result.push({ method, path: `${filled}${query}`, headers, body });
  }
  return result;
}

function send(port: number, agent: Agent, shot: Shot): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: shot.method,
        path: shot.path,
        headers: shot.headers,
        agent,
        timeout: 15_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          // Event streams stay open: the status is all that matters, so stop reading after the head.
          if (size < 2048) chunks.push(chunk);
          size += chunk.length;
          if ((res.headers['content-type'] ?? '').startsWith('text/event-stream')) res.destroy();
        });
        const done = () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
        res.on('end', done);
        res.on('close', done);
        res.on('error', done);
      },
    );
    req.on('timeout', () => {
      req.destroy();
      resolve({ status: -1, text: 'no answer within 15 s' });
    });
    // A connection the server closed (oversized headers, bad framing) is not a server error: its answer was a 4xx.
    req.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ status: 0, text: error.code ?? error.message }),
    );
    if (shot.body !== undefined) req.end(shot.body);
    else req.end();
  });
}

/** A WebSocket upgrade (good or bad) on a raw socket; the status of the first line of the answer. */
function upgrade(port: number, path: string, headers: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () =>
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n${headers}\r\n`,
      ),
    );
    let text = '';
    socket.setTimeout(10_000, () => {
      socket.destroy();
      resolve({ status: -1, text: 'no answer to the upgrade within 10 s' });
    });
    socket.on('data', (chunk) => {
      text += chunk;
      if (text.includes('\r\n')) {
        socket.destroy();
        resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text: text.slice(0, 300) });
      }
    });
    socket.on('error', () => resolve({ status: 0, text }));
    socket.on('close', () => resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text }));
  });
}

const UPGRADE_PATHS = ['/', '/graphql', '/trpc', '/%00', '/connect', '/?ws=%00', `/${'p'.repeat(3000)}`];
const UPGRADE_HEADERS = [
  'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n',
  'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: graphql-transport-ws\r\n',
  'Sec-WebSocket-Version: 99\r\nSec-WebSocket-Key: x\r\n',
  'Sec-WebSocket-Key: \r\n',
  '',
  'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: \u00ff\r\n',
];

/**
 * A checkout whose dashboard (or hosted page) is not built answers its pages 503 `dashboard_not_built`, whatever the
 * request: a state of the installation, not an answer to malformed input. (A `HEAD` has no body: its GET tells.)
 */
const NOT_BUILT = /"code":"(dashboard|hosted_page)_not_built"/;

interface FloodReport {
  sent: number;
  byStatus: Record<string, number>;
  offenders: string[];
  dropped: string[];
  ms: number;
}

async function flood(flooded: Flooded, seed: number, count: number): Promise<FloodReport> {
  const port = flooded.server.port;
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const list = shots(flooded, seed, count);
  const byStatus: Record<string, number> = {};
  const offenders: string[] = [];
  /** Connections closed without an answer the client could read (the server refused the framing or headers). */
  const dropped: string[] = [];
  const record = (label: string, outcome: Outcome) => {
    byStatus[outcome.status] = (byStatus[outcome.status] ?? 0) + 1;
    if ((outcome.status >= 500 && !NOT_BUILT.test(outcome.text)) || outcome.status === -1) {
      offenders.push(`${outcome.status} ${label}: ${outcome.text.slice(0, 300)}`);
    }
    if (outcome.status === 0 && dropped.length < 5) dropped.push(`${outcome.text} ${label.slice(0, 200)}`);
  };
  const started = performance.now();
  let index = 0;
  const worker = async () => {
    for (let i = index++; i < list.length; i = index++) {
      const shot = list[i]!;
      if (i % 50 === 0) {
        const path = UPGRADE_PATHS[i % UPGRADE_PATHS.length]!;
        const headers = UPGRADE_HEADERS[(i / 50) % UPGRADE_HEADERS.length]!;
        record(`UPGRADE ${path} ${JSON.stringify(headers).slice(0, 80)}`, await upgrade(port, path, headers));
        continue;
      }
      let outcome = await send(port, agent, shot);
      if (outcome.status >= 500 && shot.method === 'HEAD') {
        const asGet = await send(port, agent, { ...shot, method: 'GET' });
        if (asGet.status === outcome.status) outcome = asGet;
      }
      const body = shot.body === undefined ? '' : String(shot.body).slice(0, 80);
      record(
        `${shot.method} ${shot.path.slice(0, 150)} ${JSON.stringify(shot.headers).slice(0, 150)} ${body}`,
        outcome,
      );
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  agent.destroy();
  return { sent: list.length, byStatus, offenders, dropped, ms: Math.round(performance.now() - started) };
}

async function startFlooded(env: Record<string, string>): Promise<Flooded> {
  const secretKey = newBootstrapKey();
  const server = await ServerProcess.start({
    env: {
      LATCHKEY_ENCRYPTION_KEY: newEncryptionKey(),
      LATCHKEY_BOOTSTRAP_SECRET_KEY: secretKey,
      LOG_LEVEL: 'warn',
      NODE_OPTIONS: '--inspect=127.0.0.1:0',
      ...env,
    },
  });
  await server.waitForHealth();
  // `keys`/`warm` are named by the flood (which may well delete them); `kept`/`survivor` must outlive it untouched.
  for (const [integration, connectionId] of [
    ['keys', 'warm'],
    ['kept', 'survivor'],
  ]) {
    const created = await api(server.url, secretKey, 'POST', '/integrations', {
      unique_key: integration,
      provider: 'perplexity',
    });
    expect(created.status).toBe(200);
    const connection = await api(server.url, secretKey, 'POST', '/connections', {
      provider_config_key: integration,
      connection_id: connectionId,
      credentials: { type: 'API_KEY', apiKey: `${connectionId}-key` },
    });
    expect(connection.status).toBe(201);
  }
  const session = await api<{ data: { token: string } }>(server.url, secretKey, 'POST', '/connect/sessions', {
    end_user: { id: 'flood' },
  });
  expect(session.status).toBe(201);
  const document = await api<{ paths: Record<string, Record<string, unknown>> }>(
    server.url,
    secretKey,
    'GET',
    '/openapi.json',
  );
  const routes: Route[] = [...EXTRA_ROUTES];
  for (const [path, operations] of Object.entries(document.body.paths)) {
    // A static bundle of megabytes: flooding it measures bandwidth, not input handling.
    if (path === '/docs/scalar.js') continue;
    for (const method of Object.keys(operations)) {
      if (METHODS.includes(method.toUpperCase())) routes.push({ method: method.toUpperCase(), path });
    }
  }
  return { server, secretKey, sessionToken: session.body.data.token, routes };
}

/** RSS after a settle and two full collections in every process of the server (tsx and the server itself). */
async function settledRss(server: ServerProcess, settleMs: number): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  for (const url of inspectorUrls(server.stderr)) await collectGarbage(url);
  await new Promise((resolve) => setTimeout(resolve, 500));
  return residentKib(childPid(server.pid));
}

describe('20,000 malformed requests', () => {
  const processes: Flooded[] = [];
  const figures: string[] = [];
  beforeAll(async () => {
    const started = performance.now();
    processes.push(
      ...(await Promise.all([
        startFlooded({}),
        startFlooded({ LATCHKEY_RATE_LIMIT_PER_ADDRESS: '0', LATCHKEY_RATE_LIMIT_PER_TOKEN: '0' }),
      ])),
    );
    figures.push(`  two processes started and seeded in ${Math.round(performance.now() - started)} ms`);
  });
  afterAll(async () => {
    if (figures.length > 0) process.stdout.write(`\nmalformed flood:\n${figures.join('\n')}\n`);
    for (const flooded of processes) await flooded.server[Symbol.asyncDispose]();
  });

  it('answer no 5xx, leave the process alive and its memory where it was', async () => {
    expect(processes[0]!.routes.length).toBeGreaterThan(60);
    const parts = [
      { flooded: processes[0]!, label: 'default rate limits', count: WITH_LIMITS, seed: 14_01 },
      { flooded: processes[1]!, label: 'rate limits off', count: TOTAL - WITH_LIMITS, seed: 14_02 },
    ];
    const offenders: string[] = [];
    const memory: Array<{ label: string; before: number; after: number }> = [];
    for (const { flooded, label, count, seed } of parts) {
      // The baseline is taken warm: code compiled, pools and caches filled, as a server that has served a while.
      const warm = await flood(flooded, seed + 100, WARM_UP);
      offenders.push(...warm.offenders);
      const before = await settledRss(flooded.server, 1_000);
      const report = await flood(flooded, seed, count);
      offenders.push(...report.offenders);
      expect(flooded.server.stdout + flooded.server.stderr).not.toContain('FATAL');
      const health = await fetch(`${flooded.server.url}/health`);
      expect(health.status).toBe(200);
      const after = await settledRss(flooded.server, SETTLE_MS);
      figures.push(
        `  ${label}: ${report.sent} requests in ${report.ms} ms, statuses ${JSON.stringify(report.byStatus)}; ` +
          `RSS ${before} KiB before, ${after} KiB after (${(((after - before) / before) * 100).toFixed(1)} %)` +
          report.dropped.map((line) => `\n    no answer read: ${line}`).join(''),
      );
      memory.push({ label, before, after });
    }
    expect(offenders.slice(0, 20)).toEqual([]);
    for (const { label, before, after } of memory) {
      expect(after, `${label}: RSS grew from ${before} KiB to ${after} KiB`).toBeLessThanOrEqual(
        before * 1.1,
      );
    }
    // Still serving, with what was stored before the flood.
    for (const { server, secretKey } of processes) {
      const read = await api<{ credentials: { apiKey: string } }>(
        server.url,
        secretKey,
        'GET',
        '/connections/survivor?provider_config_key=kept',
      );
      expect(read.status).toBe(200);
      expect(read.body.credentials.apiKey).toBe('survivor-key');
    }
  });
});
