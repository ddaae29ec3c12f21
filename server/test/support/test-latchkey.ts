/**
 * A Latchkey built around a test database, answering through its real Hono app (`app.request`) — the full REST
 * stack without a socket. Tests that need a real port use `startHttpServer` on top.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createLatchkey, type Latchkey } from '../../src/latchkey';
import { loadConfig } from '../../src/platform/config/config';
import { createLogger } from '../../src/platform/logging/logger';
import { createTestDatabase, type DatabaseKind, type TestDatabase } from './test-database';

export interface TestLatchkey extends AsyncDisposable {
  latchkey: Latchkey;
  database: TestDatabase;
  /** The dev environment's full-scope key. */
  secretKey: string;
  /** Every log line written so far (JSON text). */
  logs: string[];
  request(path: string, init?: RequestInit & { json?: unknown; key?: string | null }): Promise<Response>;
}

export async function createTestLatchkey(
  kind: DatabaseKind,
  env: Record<string, string> = {},
): Promise<TestLatchkey> {
  const database = await createTestDatabase(kind);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'latchkey-test-'));
  const secretKey = randomUUID();
  const config = loadConfig({
    LATCHKEY_DATA_DIR: dataDir,
    LATCHKEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    LATCHKEY_BOOTSTRAP_SECRET_KEY: secretKey,
    LATCHKEY_PUBLIC_URL: 'http://latchkey.test',
    LOG_LEVEL: 'debug',
    // The Latchkey uses `database.db`; the URL tells it the database is PostgreSQL (LISTEN/NOTIFY for live events).
    ...(database.url === undefined ? {} : { DATABASE_URL: database.url }),
    ...env,
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const latchkey = await createLatchkey(config, {
    logger: createLogger(config.logLevel, sink),
    db: database.db,
  });

  return {
    latchkey,
    database,
    secretKey,
    logs,
    request(target, init = {}) {
      const { json, key, ...rest } = init;
      const headers = new Headers(rest.headers);
      const bearer = key === undefined ? secretKey : key;
      if (bearer !== null) headers.set('authorization', `Bearer ${bearer}`);
      if (json !== undefined) headers.set('content-type', 'application/json');
      return Promise.resolve(
        latchkey.app.request(target, {
          ...rest,
          headers,
          body: json === undefined ? rest.body : JSON.stringify(json),
        }),
      );
    },
    async [Symbol.asyncDispose]() {
      await latchkey.stopBackground();
      await database[Symbol.asyncDispose]();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
