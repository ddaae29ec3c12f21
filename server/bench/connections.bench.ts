/**
 * `pnpm bench:connections`: requests/s and latency of `GET /connections/:id` on a fresh token at 50 concurrent
 * clients, beside a bare `node:http` server answering a JSON body of the same size, measured in the same run on the
 * same machine. The target is at least half the bare server's throughput.
 */

import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startHttpServer } from '../src/http-server';
import { createLatchkey } from '../src/latchkey';
import { loadConfig } from '../src/platform/config/config';
import { createDatabase } from '../src/platform/database/database';
import { createLogger } from '../src/platform/logging/logger';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 8);
const CONNECTIONS = 50;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const AUTOCANNON_BIN = path.join(
  path.dirname(createRequire(import.meta.url).resolve('autocannon/package.json')),
  'autocannon.js',
);
const run = promisify(execFile);

/** autocannon in its own process, so the load generator does not share the measured server's event loop. */
async function runAutocannon(url: string, headers: Record<string, string>, duration: number) {
  const args = [AUTOCANNON_BIN, '-j', '-c', String(CONNECTIONS), '-d', String(duration)];
  for (const [name, value] of Object.entries(headers)) args.push('-H', `${name}=${value}`);
  args.push(url);
  const { stdout } = await run(process.execPath, args);
  return JSON.parse(stdout) as {
    requests: { average: number };
    latency: { p50: number; p99: number };
    errors: number;
    non2xx: number;
  };
}

interface Measured {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

function median(rounds: Measured[]): Measured {
  return [...rounds].sort((a, b) => a.rps - b.rps)[Math.floor(rounds.length / 2)]!;
}

async function measure(url: string, headers: Record<string, string>): Promise<Measured> {
  // A short warm-up so JIT and caches are in the state a long-running server has.
  await runAutocannon(url, headers, 2);
  const result = await runAutocannon(url, headers, DURATION_S);
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

async function main() {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'latchkey-bench-'));
  const secretKey = randomUUID();
  const config = loadConfig({
    LATCHKEY_DATA_DIR: dataDir,
    LATCHKEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    LATCHKEY_BOOTSTRAP_SECRET_KEY: secretKey,
    LATCHKEY_PROACTIVE_REFRESH: 'off',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    PORT: '0',
  });
  const db = process.env.DATABASE_URL
    ? createDatabase({ kind: 'postgres', url: process.env.DATABASE_URL, poolSize: 10 })
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
    connectionId: 'bench-connection',
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
  const path_ =
    '/connections/bench-connection?provider_config_key=github&force_refresh=false&refresh_token=false';
  const sample = await (
    await fetch(`${server.url}${path_}`, { headers: { authorization: `Bearer ${secretKey}` } })
  ).text();

  const bare = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(sample) });
    res.end(sample);
  });
  await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
  const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/`;

  // Alternating rounds, so a change in background load hits both servers alike; the median round of each is shown.
  const latchkeyRounds: Measured[] = [];
  const bareRounds: Measured[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    latchkeyRounds.push(await measure(`${server.url}${path_}`, { authorization: `Bearer ${secretKey}` }));
    bareRounds.push(await measure(bareUrl, {}));
  }
  const totalErrors = (rounds: Measured[]) => rounds.reduce((sum, r) => sum + r.errors, 0);
  const latchkeyResult = { ...median(latchkeyRounds), errors: totalErrors(latchkeyRounds) };
  const bareResult = { ...median(bareRounds), errors: totalErrors(bareRounds) };

  console.log(
    `GET /connections/:id, fresh token, ${CONNECTIONS} concurrent clients, ${ROUNDS} alternating rounds of ${DURATION_S} s (median shown); ${db === undefined ? '' : process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded PGlite'}; node ${process.version}`,
  );
  console.log(`response body: ${sample.length} bytes`);
  console.log('server                     req/s     p50 ms   p99 ms   errors (all rounds)');
  for (const [name, r] of [
    ['bare node:http (baseline)', bareResult],
    ['Latchkey', latchkeyResult],
  ] as const) {
    console.log(
      `${name.padEnd(26)} ${Math.round(r.rps).toString().padStart(7)} ${r.p50.toFixed(1).padStart(9)} ${r.p99.toFixed(1).padStart(8)} ${String(r.errors).padStart(8)}`,
    );
  }
  const ratio = latchkeyResult.rps / bareResult.rps;
  console.log(`Latchkey / bare = ${(ratio * 100).toFixed(1)} % (target: at least 50 %)`);

  await new Promise<void>((resolve) => bare.close(() => resolve()));
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
