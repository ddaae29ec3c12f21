/**
 * `pnpm bench:graphql`: what reading one connection costs over GraphQL (`Query.connection`, POST /graphql) and tRPC
 * (`connections.get`, GET /trpc) beside the REST read (`GET /connections/:id`), fresh token, 50 concurrent clients,
 * measured in the same run against the same server; rounds alternate so background load hits all three alike.
 */
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
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

/** The tRPC procedure that reads one connection (server/src/transports/trpc/routers/connections.router.ts). */
const TRPC_PROCEDURE = 'connections.get';

interface Target {
  name: string;
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
}

interface Measured {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

/** autocannon in its own process, so the load generator does not share the measured server's event loop. */
async function runAutocannon(target: Target, duration: number) {
  const args = [AUTOCANNON_BIN, '-j', '-c', String(CONNECTIONS), '-d', String(duration), '-m', target.method];
  for (const [name, value] of Object.entries(target.headers)) args.push('-H', `${name}=${value}`);
  if (target.body !== undefined) args.push('-b', target.body);
  args.push(target.url);
  const { stdout } = await run(process.execPath, args, { maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(stdout) as {
    requests: { average: number };
    latency: { p50: number; p99: number };
    errors: number;
    non2xx: number;
  };
}

async function measure(target: Target): Promise<Measured> {
  // A short warm-up so JIT and caches are in the state a long-running server has.
  await runAutocannon(target, 2);
  const result = await runAutocannon(target, DURATION_S);
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

function median(rounds: Measured[]): Measured {
  const sorted = [...rounds].sort((a, b) => a.rps - b.rps)[Math.floor(rounds.length / 2)]!;
  return { ...sorted, errors: rounds.reduce((sum, round) => sum + round.errors, 0) };
}

/** One request as the benchmark sends it: fails the run (rather than measuring errors) when it does not answer. */
async function check(target: Target): Promise<string> {
  const response = await fetch(target.url, {
    method: target.method,
    headers: target.headers,
    ...(target.body === undefined ? {} : { body: target.body }),
  });
  const text = await response.text();
  // A GraphQL failure still answers 200, with top-level `errors` carrying messages (REST's `errors` are the
  // connection's own, without).
  const { errors } = JSON.parse(text) as { errors?: Array<{ message?: unknown }> };
  const failed = response.status !== 200 || (errors ?? []).some((error) => error.message !== undefined);
  if (failed || !text.includes('bench-connection')) {
    throw new Error(
      `${target.name} did not answer the connection (${response.status}): ${text.slice(0, 300)}`,
    );
  }
  return text;
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

  const authorization = { authorization: `Bearer ${secretKey}` };
  // The same fields REST answers, so every transport does the same work and sends a comparable body.
  const query = `query { connection(connectionId: "bench-connection", providerConfigKey: "github") {
    ... on Connection { id connectionId providerConfigKey provider errors { type logId } endUser { id email displayName }
      tags metadata connectionConfig webhookUrlOverride createdAt updatedAt lastFetchedAt credentials refreshState } } }`;
  const trpcInput = encodeURIComponent(
    JSON.stringify({ connectionId: 'bench-connection', providerConfigKey: 'github' }),
  );
  const targets: Target[] = [
    {
      name: 'REST GET /connections/:id',
      url: `${server.url}/connections/bench-connection?provider_config_key=github&force_refresh=false&refresh_token=false`,
      method: 'GET',
      headers: authorization,
    },
    {
      name: 'GraphQL connection(id)',
      url: `${server.url}/graphql`,
      method: 'POST',
      headers: { ...authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
    },
    {
      name: `tRPC ${TRPC_PROCEDURE}`,
      url: `${server.url}/trpc/${TRPC_PROCEDURE}?input=${trpcInput}`,
      method: 'GET',
      headers: authorization,
    },
  ];
  const sizes = new Map<string, number>();
  const available: Target[] = [];
  for (const target of targets) {
    try {
      sizes.set(target.name, (await check(target)).length);
      available.push(target);
    } catch (error) {
      console.log(`skipped: ${(error as Error).message}`);
    }
  }

  const rounds = new Map<string, Measured[]>(available.map((target) => [target.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const target of available) rounds.get(target.name)!.push(await measure(target));
  }

  console.log(
    `Reading one connection (fresh token), ${CONNECTIONS} concurrent clients, ${ROUNDS} alternating rounds of ${DURATION_S} s (median shown); ${process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded PGlite'}; node ${process.version}`,
  );
  console.log('transport                      req/s    p50 ms   p99 ms  body B   errors   overhead vs REST');
  const rest = median(rounds.get(targets[0]!.name) ?? []);
  for (const target of available) {
    const r = median(rounds.get(target.name)!);
    // Time per request beyond REST's, as a share of REST's: 100 % means each read costs twice as much.
    const overhead = target === targets[0] ? '(baseline)' : `${((rest.rps / r.rps - 1) * 100).toFixed(1)} %`;
    console.log(
      `${target.name.padEnd(28)} ${Math.round(r.rps).toString().padStart(7)} ${r.p50.toFixed(1).padStart(9)} ${r.p99.toFixed(1).padStart(8)} ${String(sizes.get(target.name)).padStart(7)} ${String(r.errors).padStart(8)}   ${overhead}`,
    );
  }

  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
