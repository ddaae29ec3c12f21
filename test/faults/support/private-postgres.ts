/**
 * A PostgreSQL cluster of the drill's own (initdb into a temp directory, a free port, trust auth), which a fault drill
 * may stop, crash and restart without disturbing the suites that share the server on 127.0.0.1:5432.
 *
 * Debian's server binaries are used (/usr/lib/postgresql/<version>/bin; `PG_BIN_DIR` overrides). initdb and postgres
 * refuse to run as root, so under root every command runs as the `postgres` user (`runuser -u postgres --`) on a
 * directory chowned to it.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from '../../src/support/free-port';

const run = promisify(execFile);

/** The directory holding initdb and pg_ctl: `PG_BIN_DIR`, else the newest /usr/lib/postgresql/<version>/bin. */
export const POSTGRES_BIN_DIR: string | undefined = findBinDir();

function findBinDir(): string | undefined {
  const given = process.env.PG_BIN_DIR;
  if (given) return existsSync(path.join(given, 'initdb')) ? given : undefined;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  return readdirSync(root)
    .filter((version) => /^\d+$/.test(version))
    .sort((a, b) => Number(b) - Number(a))
    .map((version) => path.join(root, version, 'bin'))
    .find((dir) => existsSync(path.join(dir, 'initdb')) && existsSync(path.join(dir, 'pg_ctl')));
}

/**
 * Whether a private cluster can be made here, for `describe.runIf(...)`. Under CI=true missing binaries are a broken
 * setup, not a reason to skip: this throws, so the drill's file fails instead of vanishing from the report.
 */
export function privatePostgresAvailable(): boolean {
  if (POSTGRES_BIN_DIR !== undefined) return true;
  if (process.env.CI === 'true') {
    throw new Error(
      'CI=true but PostgreSQL server binaries (initdb, pg_ctl) were not found under /usr/lib/postgresql/*/bin ' +
        '(or PG_BIN_DIR): the fault drills would be skipped',
    );
  }
  return false;
}

export type StopMode = 'smart' | 'fast' | 'immediate';

export interface PrivatePostgres extends AsyncDisposable {
  readonly port: number;
  /** `postgres://postgres@127.0.0.1:<port>/postgres`: the superuser on the default database. */
  readonly url: string;
  /** True between a successful start and the next stop. */
  readonly running: boolean;
  /** Starts the server and waits until it accepts connections. */
  start(): Promise<void>;
  /**
   * Stops the server. `fast` (default) ends every session cleanly (clients see 57P01, admin shutdown); `immediate`
   * is a crash: no checkpoint, crash recovery on the next start.
   */
  stop(options?: { mode?: StopMode }): Promise<void>;
  /** stop then start, on the same port and data. */
  restart(options?: { mode?: StopMode }): Promise<void>;
  /** A new empty database on this cluster; returns its URL. */
  createDatabase(name?: string): Promise<string>;
  /** The server's log so far, for failure messages. */
  log(): Promise<string>;
  /** Stops the server (immediate) and removes the directory. */
  dispose(): Promise<void>;
}

/** initdb and start a new cluster. Dispose it (`await using`, or `dispose()` in afterAll). */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const binDir = POSTGRES_BIN_DIR;
  if (binDir === undefined) throw new Error('PostgreSQL server binaries not found (set PG_BIN_DIR)');
  const root = await mkdtemp(path.join(os.tmpdir(), 'latchkey-pg-'));
  const dataDir = path.join(root, 'data');
  const logFile = path.join(root, 'server.log');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    await chown(root, uid, gid);
  }
  const command = (tool: string, args: string[]): [string, string[]] =>
    asRoot
      ? ['runuser', ['-u', 'postgres', '--', path.join(binDir, tool), ...args]]
      : [path.join(binDir, tool), args];
  const pgCtl = async (args: string[]) => {
    const [file, argv] = command('pg_ctl', args);
    await run(file, argv, { cwd: root, timeout: 60_000 });
  };

  const port = await freePort();
  const [initdb, initArgs] = command('initdb', [
    '-D',
    dataDir,
    '-U',
    'postgres',
    '--auth=trust',
    '--encoding=UTF8',
    '--locale=C',
    '--no-sync',
  ]);
  await run(initdb, initArgs, { cwd: root, timeout: 120_000 });
  // TCP only on loopback (no socket next to the shared server's). No fsync: what PostgreSQL wrote survives its own crash
  // (`stop -m immediate`) in the OS cache, only an OS crash would lose it. Commits stay synchronous, or a crash would.
  const options = [
    `-c port=${port}`,
    "-c listen_addresses='127.0.0.1'",
    "-c unix_socket_directories=''",
    '-c fsync=off',
    '-c full_page_writes=off',
    '-c max_connections=200',
  ].join(' ');

  let running = false;
  let disposed = false;
  // A test process that dies without disposing (killed, interrupted) must not leave a postmaster and its files behind:
  // a watchdog outside it waits for its end, then stops the cluster and removes the directory.
  const [stopFile, stopArgs] = command('pg_ctl', ['stop', '-D', dataDir, '-m', 'immediate']);
  const watchdog = spawn(
    'sh',
    [
      '-c',
      'while kill -0 "$0" 2>/dev/null; do sleep 1; done; "$@"; rm -rf "$LK_PG_ROOT"',
      String(process.pid),
      stopFile,
      ...stopArgs,
    ],
    { cwd: '/', detached: true, stdio: 'ignore', env: { ...process.env, LK_PG_ROOT: root } },
  );
  watchdog.unref();

  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const cluster: PrivatePostgres = {
    port,
    url,
    get running() {
      return running;
    },
    async start() {
      await pgCtl(['start', '-D', dataDir, '-l', logFile, '-w', '-t', '60', '-o', options]);
      running = true;
      await waitForConnections(url);
    },
    async stop({ mode = 'fast' } = {}) {
      await pgCtl(['stop', '-D', dataDir, '-m', mode, '-w', '-t', '60']);
      running = false;
    },
    async restart(stopOptions) {
      await cluster.stop(stopOptions);
      await cluster.start();
    },
    async createDatabase(name = `lk_fault_${Math.random().toString(16).slice(2, 10)}`) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain database name: ${name}`);
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`create database ${name}`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    log: () => readFile(logFile, 'utf8').catch(() => ''),
    async dispose() {
      if (disposed) return;
      disposed = true;
      try {
        if (watchdog.pid !== undefined) process.kill(-watchdog.pid, 'SIGKILL');
      } catch {
        // ESRCH: the watchdog is gone already.
      }
      if (running) await cluster.stop({ mode: 'immediate' }).catch(() => {});
      await rm(root, { recursive: true, force: true });
    },
    [Symbol.asyncDispose]: () => cluster.dispose(),
  };
  try {
    await cluster.start();
  } catch (error) {
    const log = await cluster.log();
    await cluster.dispose();
    throw new Error(`private PostgreSQL did not start: ${(error as Error).message}\n${log}`);
  }
  return cluster;
}

/** pg_ctl -w returns once the postmaster is ready; this also proves a client gets in over TCP. */
async function waitForConnections(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      await client.query('select 1');
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      await client.end().catch(() => {});
    }
  }
}

/** One query on its own short-lived connection: for a drill's checks of what the database holds. */
export async function queryRows<Row extends Record<string, unknown>>(
  databaseUrl: string,
  text: string,
  values: unknown[] = [],
): Promise<Row[]> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return (await client.query<Row>(text, values)).rows;
  } finally {
    await client.end();
  }
}
