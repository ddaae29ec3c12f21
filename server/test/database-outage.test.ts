/**
 * A PostgreSQL outage, made by a TCP proxy between Latchkey and the real server: while it lasts, requests that need
 * the database answer 503 `database_unavailable` within a second on every transport (the connection read on node:http
 * and a Hono route, GraphQL, tRPC), `/health` says `degraded`, nothing crashes; when the proxy serves again everything
 * recovers without a restart. A frozen connection (the peer silent, the socket open) is closed by the query watchdog.
 *
 * PostgreSQL only: the embedded database lives in the process and has no outage of this kind.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startHttpServer } from '../src/http-server';
import { createLatchkey, type Latchkey } from '../src/latchkey';
import { loadConfig } from '../src/platform/config/config';
import { databaseUnavailable } from '../src/platform/database/availability';
import { createDatabase, type Db } from '../src/platform/database/database';
import { createLogger } from '../src/platform/logging/logger';
import { freePort } from './support/free-port';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy';
import { createTestDatabase, databaseKinds, type TestDatabase } from './support/test-database';

const WATCHDOG_MS = 400;

describe.runIf(databaseKinds().includes('postgres'))('a PostgreSQL outage', () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let db: Db;
  let proxiedUrl: string;
  let latchkey: Latchkey;
  let server: RunningServer;
  let url: string;
  let dataDir: string;
  const logs: string[] = [];
  const secretKey = randomUUID();

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    const real = new URL(database.url!);
    proxy = await startTcpProxy({ host: real.hostname, port: Number(real.port || 5432) });
    const proxied = new URL(real);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    proxiedUrl = proxied.toString();
    db = createDatabase({ kind: 'postgres', url: proxiedUrl, poolSize: 4 });
    dataDir = mkdtempSync(path.join(tmpdir(), 'latchkey-outage-'));
    const port = await freePort();
    const config = loadConfig({
      LATCHKEY_DATA_DIR: dataDir,
      LATCHKEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      LATCHKEY_BOOTSTRAP_SECRET_KEY: secretKey,
      LATCHKEY_PUBLIC_URL: `http://127.0.0.1:${port}`,
      DATABASE_URL: proxiedUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'debug',
    });
    const sink = new Writable({
      write(chunk, _encoding, done) {
        logs.push(String(chunk));
        done();
      },
    });
    latchkey = await createLatchkey(config, { logger: createLogger('debug', sink), db });
    server = await startHttpServer({ ...latchkey, close: async () => {} }, createLogger('silent'));
    url = server.url;
    expect((await api('/integrations', 'POST', { unique_key: 'keys', provider: 'perplexity' })).status).toBe(
      200,
    );
    for (const id of ['warm', 'cold']) {
      const imported = await api('/connections', 'POST', {
        provider_config_key: 'keys',
        connection_id: id,
        credentials: { type: 'API_KEY', apiKey: `secret-${id}` },
      });
      expect(imported.status, JSON.stringify(imported.body)).toBe(201);
    }
  });
  afterAll(async () => {
    await proxy?.restore();
    await server?.stop();
    await latchkey?.stopBackground();
    await db?.destroy();
    await proxy?.[Symbol.asyncDispose]();
    await database?.[Symbol.asyncDispose]();
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  });

  async function api(target: string, method = 'GET', json?: unknown, headers: Record<string, string> = {}) {
    const started = performance.now();
    const response = await fetch(`${url}${target}`, {
      method,
      headers: {
        authorization: `Bearer ${secretKey}`,
        ...(json === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(json === undefined ? {} : { body: JSON.stringify(json) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      // biome-ignore lint/suspicious/noExplicitAny: each transport answers in its own shape; tests read what they expect
      body: JSON.parse(text) as Record<string, any>,
      ms: performance.now() - started,
    };
  }

  /** Every way in to the database, each expected to fail fast with 503 `database_unavailable`. */
  async function expectUnavailableEverywhere(): Promise<void> {
    const health = await api('/health');
    expect(health).toMatchObject({ status: 503, body: { status: 'degraded', database: 'unreachable' } });
    expect(health.ms).toBeLessThan(1000);
    // The connection read on node:http (a key other than the cached bootstrap one makes auth itself need the database).
    for (const key of [secretKey, randomUUID()]) {
      const read = await api('/connections/cold?provider_config_key=keys', 'GET', undefined, {
        authorization: `Bearer ${key}`,
      });
      expect(read.status, JSON.stringify(read.body)).toBe(503);
      expect(read.body.error.code).toBe('database_unavailable');
      expect(read.ms).toBeLessThan(1000);
    }
    // The same read through Hono (a body keeps it off the fast path), and a list.
    for (const [target, method, body] of [
      ['/connections/cold?provider_config_key=keys', 'GET', undefined],
      ['/connections', 'GET', undefined],
      ['/connect/sessions', 'POST', { end_user: { id: 'u' } }],
    ] as const) {
      const answer = await api(
        target,
        method,
        body,
        method === 'GET' ? { 'content-type': 'application/json' } : {},
      );
      expect(answer.status, `${method} ${target}: ${JSON.stringify(answer.body)}`).toBe(503);
      expect(answer.body.error.code).toBe('database_unavailable');
      expect(answer.ms).toBeLessThan(1000);
    }
    const graphql = await api('/graphql', 'POST', { query: '{ integrations { uniqueKey } }' });
    expect(graphql.status, JSON.stringify(graphql.body)).toBe(503);
    expect(graphql.body.errors[0].extensions).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      errorCode: 'database_unavailable',
    });
    expect(graphql.ms).toBeLessThan(1000);
    const trpc = await api('/trpc/integrations.list');
    expect(trpc.status, JSON.stringify(trpc.body)).toBe(503);
    expect(trpc.body.error.data).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      errorCode: 'database_unavailable',
    });
    expect(trpc.ms).toBeLessThan(1000);
  }

  async function expectRecovered(): Promise<void> {
    const deadline = Date.now() + 10_000;
    let health = await api('/health');
    while (health.status !== 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      health = await api('/health');
    }
    expect(health).toMatchObject({ status: 200, body: { status: 'ok', database: 'ok' } });
    const read = await api('/connections/cold?provider_config_key=keys');
    expect(read.status, JSON.stringify(read.body)).toBe(200);
    expect(read.body.credentials).toMatchObject({ apiKey: 'secret-cold' });
    expect((await api('/graphql', 'POST', { query: '{ integrations { uniqueKey } }' })).status).toBe(200);
    expect((await api('/trpc/integrations.list')).status).toBe(200);
    expect((await api('/connect/sessions', 'POST', { end_user: { id: 'u' } })).status).toBe(201);
  }

  it('answers 503 database_unavailable within a second while PostgreSQL is down, and recovers by itself', async () => {
    expect((await api('/connections/warm?provider_config_key=keys')).status).toBe(200);
    expect((await api('/health')).body).toEqual({ status: 'ok', database: 'ok' });
    await proxy.cut();
    await expectUnavailableEverywhere();
    // The pool's idle connections were lost: logged, not thrown.
    expect(logs.join('\n')).toContain('idle database connection lost');
    await proxy.restore();
    await expectRecovered();
  });

  it('fails a query whose connection drops mid-flight, without an unhandled error event', async () => {
    const sleeping = sql`select pg_sleep(5)`.execute(db).then(
      () => undefined,
      (error: unknown) => error,
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    await proxy.cut();
    const error = await sleeping;
    expect(databaseUnavailable(error), String(error)).toBe(true);
    await proxy.restore();
    await expectRecovered();
  });

  it('closes a connection whose peer went silent (the query watchdog), and /health says degraded within a second', async () => {
    // The watchdog shortened on a database of its own: Latchkey's keeps the real one, which no test should wait for.
    const watched = createDatabase(
      { kind: 'postgres', url: proxiedUrl, poolSize: 1 },
      { queryWatchdogMs: WATCHDOG_MS },
    );
    try {
      await sql`select 1`.execute(watched);
      proxy.freeze();
      const started = performance.now();
      const error = await sql`select 1`.execute(watched).then(
        () => undefined,
        (failure: unknown) => failure,
      );
      expect(databaseUnavailable(error), String(error)).toBe(true);
      expect(performance.now() - started).toBeLessThan(WATCHDOG_MS + 1000);
      const health = await api('/health');
      expect(health).toMatchObject({ status: 503, body: { status: 'degraded' } });
      expect(health.ms).toBeLessThan(1000);
    } finally {
      await proxy.restore();
      await watched.destroy();
    }
    await expectRecovered();
  });
});
