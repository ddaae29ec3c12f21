/** First boot, as an operator does it: what gets printed, what gets written to disk, and where. */
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from './support/api';
import { Cleanup } from './support/cleanup';
import { newBootstrapKey, newEncryptionKey } from './support/keys';
import { createTestDatabase, TEST_DATABASE_URL } from './support/postgres';
import { ServerProcess } from './support/server-process';
import { makeTempDir, type TempDir } from './support/temp-dir';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function printedKey(stdout: string, environment: 'dev' | 'prod'): string | undefined {
  return new RegExp(`^\\s*${environment} secret key:\\s+(\\S+)`, 'm').exec(stdout)?.[1];
}

async function healthBody(server: ServerProcess): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${server.url}/health`);
  return { status: response.status, body: await response.json() };
}

describe('first boot on embedded storage', () => {
  const cleanup = new Cleanup();
  const bootstrapKey = newBootstrapKey();
  // An empty working directory: any file the server wrote outside LATCHKEY_DATA_DIR would show up in it.
  let cwd: TempDir;
  let server: ServerProcess;

  beforeAll(async () => {
    cwd = cleanup.add(await makeTempDir('latchkey-cwd-'));
    server = cleanup.add(
      await ServerProcess.start({ cwd: cwd.path, env: { LATCHKEY_BOOTSTRAP_SECRET_KEY: bootstrapKey } }),
    );
    await server.waitForHealth(60_000);
  });
  afterAll(() => cleanup.run());

  it('reports itself and its database healthy', async () => {
    expect(await healthBody(server)).toEqual({ status: 200, body: { status: 'ok', database: 'ok' } });
  });

  it('prints a dev and a prod secret key, the dev one being the bootstrap key', () => {
    const dev = printedKey(server.stdout, 'dev');
    const prod = printedKey(server.stdout, 'prod');
    expect(dev).toBe(bootstrapKey);
    expect(prod).toMatch(UUID_V4);
    expect(prod).not.toBe(dev);
  });

  it('accepts the printed keys and rejects any other', async () => {
    const prod = printedKey(server.stdout, 'prod')!;
    expect(await api(server.url, bootstrapKey, 'GET', '/integrations')).toEqual({
      status: 200,
      body: { data: [] },
    });
    expect(await api(server.url, prod, 'GET', '/integrations')).toEqual({ status: 200, body: { data: [] } });
    expect((await api(server.url, newBootstrapKey(), 'GET', '/integrations')).status).toBe(401);
  });

  it('generates encryption.key in the data directory, readable by its owner only, and warns about it', async () => {
    const info = await stat(path.join(server.dataDir, 'encryption.key'));
    expect(info.mode & 0o777).toBe(0o600);
    expect(server.stdout).toContain('LATCHKEY_ENCRYPTION_KEY is not set');
  });

  it('makes a second process on the same data directory refuse to start', async () => {
    await using second = await ServerProcess.start({ dataDir: server.dataDir, cwd: cwd.path });
    expect(await second.waitForExit()).toBe(1);
    expect(second.stderr).toContain('in use by process');
    // The refused process must leave the running one's lock alone.
    expect(existsSync(path.join(server.dataDir, 'latchkey.pid'))).toBe(true);
    expect(await healthBody(server)).toEqual({ status: 200, body: { status: 'ok', database: 'ok' } });
  });

  it('exits 0 on SIGTERM, releases its lock, and wrote nothing outside its data directory', async () => {
    expect(await server.stop('SIGTERM')).toBe(0);
    expect(await readdir(cwd.path)).toEqual([]);
    expect(existsSync(path.join(server.dataDir, 'latchkey.pid'))).toBe(false);
    expect(existsSync(path.join(server.dataDir, 'pgdata'))).toBe(true);
  });
});

describe.runIf(TEST_DATABASE_URL !== undefined)('first boot on PostgreSQL', () => {
  const cleanup = new Cleanup();
  const bootstrapKey = newBootstrapKey();
  let cwd: TempDir;
  let server: ServerProcess;

  beforeAll(async () => {
    const database = cleanup.add(await createTestDatabase());
    cwd = cleanup.add(await makeTempDir('latchkey-cwd-'));
    server = cleanup.add(
      await ServerProcess.start({
        cwd: cwd.path,
        env: {
          DATABASE_URL: database.url,
          LATCHKEY_ENCRYPTION_KEY: newEncryptionKey(),
          LATCHKEY_BOOTSTRAP_SECRET_KEY: bootstrapKey,
        },
      }),
    );
    await server.waitForHealth(60_000);
  });
  afterAll(() => cleanup.run());

  it('reports itself and its database healthy', async () => {
    expect(await healthBody(server)).toEqual({ status: 200, body: { status: 'ok', database: 'ok' } });
  });

  it('prints a dev and a prod secret key and accepts the bootstrap key', async () => {
    expect(printedKey(server.stdout, 'dev')).toBe(bootstrapKey);
    expect(printedKey(server.stdout, 'prod')).toMatch(UUID_V4);
    expect(await api(server.url, bootstrapKey, 'GET', '/integrations')).toEqual({
      status: 200,
      body: { data: [] },
    });
  });

  // SIGINT here, SIGTERM above: both are documented ways to stop the server.
  it('exits 0 on SIGINT and wrote no file at all', async () => {
    expect(await server.stop('SIGINT')).toBe(0);
    expect(await readdir(cwd.path)).toEqual([]);
    expect(await readdir(server.dataDir)).toEqual([]);
  });
});

it('boots with a configured encryption key into a data directory that does not exist yet', async () => {
  const parent = await makeTempDir('latchkey-parent-');
  try {
    await using server = await ServerProcess.start({
      dataDir: `${parent.path}/not/yet/there`,
      env: { LATCHKEY_ENCRYPTION_KEY: newEncryptionKey() },
    });
    await server.waitForHealth();
    expect(await server.stop()).toBe(0);
  } finally {
    await parent[Symbol.asyncDispose]();
  }
}, 90_000);
