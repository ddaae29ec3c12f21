/**
 * `pnpm bench:dashboard`, the two numbers issue 12 asks for, in one run:
 * 1. the gzipped JavaScript a browser fetches on the dashboard's first load (the entry script of dashboard/dist's
 *    index.html and its modulepreload links), beside the 150 kB budget;
 * 2. the connections page's server time: the tRPC query that page makes (`connections.list`, first page, with and
 *    without filters) over HTTP with an operator's session cookie, at 100 connections and then at 100,000, on real
 *    PostgreSQL (TEST_DATABASE_URL's server, else postgres://postgres@127.0.0.1:5432; a scratch database is created and
 *    dropped). Rows are seeded with INSERT … SELECT generate_series: several integrations, 5,000 end users,
 *    organizations, tags, and one real sealed credential copied into every row. Target: p95 under 50 ms at 100,000.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { sql } from 'kysely';
import pg from 'pg';
import { BENCH_CONNECTION_ID, type BenchLatchkey, startBenchLatchkey } from './support/bench-latchkey';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIST = path.join(ROOT, 'dashboard/dist');
const BUDGET_KB = 150;
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 300);
const SIZES = [100, 100_000];
const PAGE_SIZE = 50;
const INTEGRATIONS = ['github', 'slack', 'notion'];
const ADMIN = { email: 'bench-admin@example.test', password: 'Bench-password-2026' };

// ---- 1. first-load JavaScript ----

function firstLoadJs(): { files: { file: string; raw: number; gzip: number }[]; css: number } {
  const indexPath = path.join(DIST, 'index.html');
  if (!existsSync(indexPath))
    throw new Error('dashboard/dist/index.html is missing: build the dashboard first');
  const html = readFileSync(indexPath, 'utf8');
  const scripts = [...html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)].map((m) => m[1]!);
  const preloads = [...html.matchAll(/<link\b[^>]*\brel="modulepreload"[^>]*\bhref="([^"]+)"/g)].map(
    (m) => m[1]!,
  );
  const styles = [...html.matchAll(/<link\b[^>]*\brel="stylesheet"[^>]*\bhref="([^"]+)"/g)].map((m) => m[1]!);
  const local = (href: string) => path.join(DIST, href.replace(/^\/dashboard\//, '').replace(/^\//, ''));
  const files = [...new Set([...scripts, ...preloads])].map((href) => {
    const bytes = readFileSync(local(href));
    return { file: href, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  });
  const css = styles.reduce((sum, href) => sum + gzipSync(readFileSync(local(href)), { level: 9 }).length, 0);
  return { files, css };
}

// ---- 2. connections page at 100 and 100,000 ----

interface Query {
  name: string;
  input: Record<string, unknown>;
}

const QUERIES: Query[] = [
  { name: 'first page, no filter', input: { first: PAGE_SIZE } },
  { name: 'integration filter', input: { first: PAGE_SIZE, integration: 'slack' } },
  { name: 'integration + tags', input: { first: PAGE_SIZE, integration: 'github', tags: { team: 'gold' } } },
  { name: 'search prefix (email)', input: { first: PAGE_SIZE, search: 'user42' } },
  { name: 'needs_reauth', input: { first: PAGE_SIZE, refreshState: 'needs_reauth' } },
];

async function scratchDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `lk_bench_dash_${randomBytes(5).toString('hex')}`;
  const run = async (statement: string) => {
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await run(`CREATE DATABASE ${name}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** The dashboard's way in: sign in as the boot-time admin and keep the session cookie. Null when not available. */
async function sessionCookie(baseUrl: string): Promise<string | null> {
  const response = await fetch(`${baseUrl}/trpc/auth.signIn`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: baseUrl },
    body: JSON.stringify({ email: ADMIN.email, password: ADMIN.password }),
  });
  const cookie = response.headers
    .getSetCookie()
    .map((header) => header.split(';')[0]!)
    .find((pair) => pair.startsWith('latchkey_session='));
  return response.ok && cookie !== undefined ? cookie : null;
}

async function seed(bench: BenchLatchkey, from: number, to: number): Promise<void> {
  const db = bench.latchkey.db;
  const dev = await bench.latchkey.services.environments.getByName('dev');
  const ids = await db
    .selectFrom('integrations')
    .select(['id', 'unique_key', 'provider'])
    .where('environment_id', '=', dev.id)
    .execute();
  const byKey = new Map(ids.map((row) => [row.unique_key, row]));
  const integrationIds = INTEGRATIONS.map((key) => byKey.get(key)!.id);
  const providers = INTEGRATIONS.map((key) => byKey.get(key)!.provider);
  // One real sealed credential (envelope-encrypted by the vault), copied into every row: the list never unseals it,
  // but the rows must be as wide as real ones.
  const template = await db
    .selectFrom('connections')
    .select('credentials_sealed')
    .where('connection_id', '=', BENCH_CONNECTION_ID)
    .executeTakeFirstOrThrow();
  await sql`
    insert into connections (environment_id, integration_id, connection_id, provider, auth_mode, credentials_sealed,
      expires_at, connection_config, metadata, scopes, end_user, tags, created_at, updated_at, refresh_state)
    select ${dev.id}::uuid,
      (${sql.val(integrationIds)}::uuid[])[1 + g % 3],
      'conn-' || lpad(g::text, 7, '0') || '-' || substr(md5(g::text), 1, 8),
      (${sql.val(providers)}::text[])[1 + g % 3],
      'OAUTH2',
      ${template.credentials_sealed},
      now() + interval '8 hours',
      '{}'::jsonb,
      jsonb_build_object('plan', (array['free','pro','enterprise'])[1 + g % 3]),
      '["read"]'::jsonb,
      jsonb_build_object('id', 'user-' || (g % 5000), 'email', 'user' || (g % 5000) || '@example.com',
        'display_name', 'User ' || (g % 5000),
        'organization', jsonb_build_object('id', 'org-' || (g % 400), 'display_name', 'Org ' || (g % 400))),
      jsonb_build_object('end_user_id', 'user-' || (g % 5000), 'team', (array['red','green','blue','gold'])[1 + g % 4]),
      now() - make_interval(secs => (${to}::int - g)::float8),
      now() - make_interval(secs => (${to}::int - g)::float8),
      case when g % 97 = 0 then 'needs_reauth' when g % 89 = 0 then 'refresh_failed' else 'active' end
    from generate_series(${from}::int, ${to}::int) as g`.execute(db);
  await sql`analyze connections`.execute(db);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function timeQuery(
  baseUrl: string,
  headers: Record<string, string>,
  query: Query,
): Promise<{ p50: number; p95: number; items: number }> {
  // Exactly what the page's httpBatchLink sends for one query: a GET batch of one.
  const url = `${baseUrl}/trpc/connections.list?batch=1&input=${encodeURIComponent(JSON.stringify({ 0: query.input }))}`;
  const once = async () => {
    const started = performance.now();
    const response = await fetch(url, { headers });
    const body = await response.text();
    const ms = performance.now() - started;
    if (response.status !== 200) throw new Error(`${query.name}: ${response.status} ${body.slice(0, 300)}`);
    return { ms, body };
  };
  const { body } = await once();
  const items = (JSON.parse(body) as { result: { data: { items: unknown[] } } }[])[0]!.result.data.items
    .length;
  for (let i = 0; i < 20; i++) await once(); // warm-up: JIT, plan cache, pool
  const times: number[] = [];
  for (let i = 0; i < REQUESTS; i++) times.push((await once()).ms);
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95), items };
}

async function main() {
  try {
    reportFirstLoad();
  } catch (error) {
    // The server half still runs; the run fails at the end.
    console.error(`1. first-load JavaScript: ${(error as Error).message}`);
    process.exitCode = 1;
  }
  await reportConnectionsPage();
}

function reportFirstLoad(): void {
  const js = firstLoadJs();
  const total = js.files.reduce((sum, file) => sum + file.gzip, 0);
  console.log(
    '1. Dashboard first-load JavaScript (dashboard/dist/index.html: entry script + modulepreload), gzip -9',
  );
  for (const file of js.files) {
    console.log(
      `   ${file.file.padEnd(52)} ${(file.raw / 1024).toFixed(1).padStart(8)} kB raw ${(file.gzip / 1024).toFixed(1).padStart(7)} kB gzip`,
    );
  }
  console.log(
    `   total ${(total / 1024).toFixed(1)} kB gzipped (budget ${BUDGET_KB} kB: ${total <= BUDGET_KB * 1024 ? 'within' : 'OVER'}); CSS ${(js.css / 1024).toFixed(1)} kB gzipped besides`,
  );
}

async function reportConnectionsPage(): Promise<void> {
  const database = await scratchDatabase();
  let bench: BenchLatchkey | undefined;
  try {
    bench = await startBenchLatchkey({
      databaseUrl: database.url,
      env: {
        LATCHKEY_ADMIN_EMAIL: ADMIN.email,
        LATCHKEY_ADMIN_PASSWORD: ADMIN.password,
        LATCHKEY_WEBHOOKS: 'off',
      },
    });
    const dev = await bench.latchkey.services.environments.getByName('dev');
    const auth = { environment: { id: dev.id, name: 'dev' }, scopes: ['environment:*'] };
    for (const key of INTEGRATIONS.filter((key) => key !== 'github')) {
      await bench.latchkey.services.integrations.create(auth, {
        unique_key: key,
        provider: key,
        credentials: { type: 'OAUTH2', client_id: 'bench', client_secret: 'bench-secret', scopes: ['read'] },
      });
    }
    const baseUrl = bench.server.url;
    const cookie = await sessionCookie(baseUrl);
    const headers: Record<string, string> =
      cookie === null
        ? { authorization: `Bearer ${bench.secretKey}` }
        : { cookie, 'x-latchkey-environment': 'dev' };
    const caller =
      cookie === null ? 'secret key (operator sign-in not available)' : 'operator session cookie';

    const results = new Map<number, Map<string, { p50: number; p95: number; items: number }>>();
    let seeded = 1; // the helper's own connection
    for (const size of SIZES) {
      const started = performance.now();
      await seed(bench, seeded, size - 1);
      const seedMs = performance.now() - started;
      seeded = size;
      const count = await bench.latchkey.db
        .selectFrom('connections')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow();
      console.log(
        `   seeded to ${Number(count.n).toLocaleString('en')} connections in ${(seedMs / 1000).toFixed(1)} s`,
      );
      const row = new Map<string, { p50: number; p95: number; items: number }>();
      for (const query of QUERIES) row.set(query.name, await timeQuery(baseUrl, headers, query));
      results.set(size, row);
    }

    console.log(
      `\n2. Connections page: GET /trpc/connections.list?batch=1 (the page's query, first ${PAGE_SIZE}), ${REQUESTS} sequential requests each after 20 warm-up, client-observed over loopback; ${bench.storage}; auth: ${caller}; node ${process.version}`,
    );
    const header = `   ${'query'.padEnd(26)}${SIZES.map((size) => `${size.toLocaleString('en').padStart(9)}: p50 ms  p95 ms  rows`).join('   ')}`;
    console.log(header);
    for (const query of QUERIES) {
      const cells = SIZES.map((size) => {
        const r = results.get(size)!.get(query.name)!;
        return `${' '.repeat(9)}  ${r.p50.toFixed(2).padStart(6)}  ${r.p95.toFixed(2).padStart(6)}  ${String(r.items).padStart(4)}`;
      });
      console.log(`   ${query.name.padEnd(26)}${cells.join('   ')}`);
    }
    const worst = Math.max(...[...results.get(100_000)!.values()].map((r) => r.p95));
    console.log(`   worst p95 at 100,000 connections: ${worst.toFixed(2)} ms (target: under 50 ms)`);
  } finally {
    // Stops the HTTP server and closes the database (http-server.ts), so the scratch database can go.
    await bench?.close();
    await database.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
