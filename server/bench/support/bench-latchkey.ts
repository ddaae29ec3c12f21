/**
 * A Latchkey on a real port for the HTTP benchmarks, with one GitHub integration and one connection whose token is
 * fresh for eight hours (so every read is a plain read). Embedded PGlite, or PostgreSQL when DATABASE_URL is set.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type RunningServer, startHttpServer } from '../../src/http-server';
import { createLatchkey, type Latchkey } from '../../src/latchkey';
import { loadConfig } from '../../src/platform/config/config';
import { createDatabase } from '../../src/platform/database/database';
import { createLogger } from '../../src/platform/logging/logger';

export interface BenchLatchkey {
  latchkey: Latchkey;
  server: RunningServer;
  secretKey: string;
  /** `embedded PGlite` or `PostgreSQL`. */
  storage: string;
  close(): Promise<void>;
}

export const BENCH_CONNECTION_ID = 'bench-connection';

export interface BenchLatchkeyOptions {
  /** Extra configuration variables (e.g. LATCHKEY_ADMIN_* for an operator to sign in as). */
  env?: Record<string, string>;
  /** A PostgreSQL URL; default DATABASE_URL, else embedded PGlite. */
  databaseUrl?: string;
}

export async function startBenchLatchkey(options: BenchLatchkeyOptions = {}): Promise<BenchLatchkey> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'latchkey-bench-'));
  const secretKey = randomUUID();
  const databaseUrl = options.databaseUrl ?? process.env.DATABASE_URL;
  const config = loadConfig({
    ...options.env,
    LATCHKEY_DATA_DIR: dataDir,
    LATCHKEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    LATCHKEY_BOOTSTRAP_SECRET_KEY: secretKey,
    LATCHKEY_PROACTIVE_REFRESH: 'off',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    PORT: '0',
  });
  const db = databaseUrl
    ? createDatabase({ kind: 'postgres', url: databaseUrl, poolSize: 10 })
    : createDatabase({ kind: 'pglite', dataDir: undefined });
  const logger = createLogger('warn');
  const latchkey = await createLatchkey(config, { logger, db });
  const server = await startHttpServer(latchkey, logger);

  const dev = await latchkey.services.environments.getByName('dev');
  const auth = { environment: { id: dev.id, name: 'dev' }, scopes: ['environment:*'] };
  await latchkey.services.integrations.create(auth, {
    unique_key: 'github',
    provider: 'github',
    credentials: { type: 'OAUTH2', client_id: 'bench', client_secret: 'bench-secret', scopes: ['repo'] },
  });
  const integration = await latchkey.services.integrations.loadForFlow(dev.id, 'github');
  await latchkey.services.connections.save({
    environmentId: dev.id,
    providerConfigKey: 'github',
    integrationId: integration!.id,
    connectionId: BENCH_CONNECTION_ID,
    provider: 'github',
    credentials: {
      type: 'OAUTH2',
      access_token: `gho_${randomBytes(18).toString('hex')}`,
      refresh_token: `ghr_${randomBytes(30).toString('hex')}`,
      expires_at: new Date(Date.now() + 8 * 3600_000).toISOString(),
      raw: { token_type: 'bearer', scope: 'repo', expires_in: 28800 },
    },
    expiresAt: new Date(Date.now() + 8 * 3600_000),
    connectionConfig: {},
    scopes: ['repo'],
    endUser: { id: 'user-1', email: 'user@example.com' },
    tags: { end_user_id: 'user-1' },
  });
  return {
    latchkey,
    server,
    secretKey,
    storage: databaseUrl ? 'PostgreSQL' : 'embedded PGlite',
    async close() {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
