/**
 * Fault drill: the disk of an embedded install fills up. The data directory is a small tmpfs; once Latchkey holds
 * integrations and connections, a filler file takes every byte left, and the drill keeps writing and reading.
 *
 * Contract checked: a write the database cannot store answers 503 `storage_full` (never a 500, never a hang); reads
 * go on, answering exactly what was stored; the server stays up and writes work again once space is freed, without a
 * restart; a crash (kill -9) on the full disk and a start on it lose nothing; every write that was acknowledged is
 * there afterwards; and the data directory reads back whole, table by table, after a clean stop.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../server/src/platform/database/database';
import { type ApiResponse, api } from '../src/support/api';
import { Cleanup } from '../src/support/cleanup';
import { freePort } from '../src/support/free-port';
import { newBootstrapKey } from '../src/support/keys';
import { ServerProcess } from '../src/support/server-process';
import { expectStatus } from './support/expect-status';
import {
  mountSizeLimitedDir,
  type SizeLimitedDir,
  sizeLimitedDirAvailable,
} from './support/size-limited-dir';

/** A fresh embedded install takes about 40 MiB (a 16 MiB WAL segment among it); the rest is room to fill. */
const DISK_MIB = 96;
const INTEGRATION = 'disk';
const STORED = 20;
const WRITES_WHILE_FULL = 150;

interface Answer {
  status: number;
  body: unknown;
}

const codeOf = (answer: Answer) => (answer.body as { error?: { code?: string } } | null)?.error?.code;

describe.runIf(sizeLimitedDirAvailable())('disk full in embedded mode', () => {
  const cleanup = new Cleanup();
  let disk: SizeLimitedDir;
  let latchkey: ServerProcess;
  let port: number;
  const secretKey = newBootstrapKey();
  /** Starts Latchkey (embedded PGlite: no DATABASE_URL) on the size-limited directory, on the drill's port. */
  const start = () =>
    ServerProcess.start({
      dataDir: disk.path,
      port,
      env: { LATCHKEY_BOOTSTRAP_SECRET_KEY: secretKey, LATCHKEY_RATE_LIMIT_PER_ADDRESS: '0' },
    });
  const call = <T = unknown>(method: string, path: string, body?: unknown): Promise<ApiResponse<T>> =>
    api<T>(latchkey.url, secretKey, method, path, body);
  /** What each stored connection read as before the disk filled (without `last_fetched_at`, which reads move). */
  const before = new Map<string, unknown>();
  /** Connections whose creation was acknowledged while the disk was full: they must be there afterwards. */
  const acknowledged: string[] = [];
  const figures: Record<string, unknown> = {};

  beforeAll(async () => {
    disk = cleanup.add(mountSizeLimitedDir(DISK_MIB));
    port = await freePort();
    latchkey = await start();
    await latchkey.waitForHealth();
    await expectStatus(
      call('POST', '/providers', {
        name: 'disk-key',
        display_name: 'Disk',
        docs: 'https://example.com/docs',
        auth_mode: 'API_KEY',
        credentials: { apiKey: { type: 'string', title: 'API key', description: 'API key' } },
      }),
      201,
    );
    await expectStatus(call('POST', '/integrations', { unique_key: INTEGRATION, provider: 'disk-key' }), 200);
    for (let i = 1; i <= STORED; i++) await expectStatus(importConnection(`stored-${i}`), 201);
    for (let i = 1; i <= STORED; i++) before.set(`stored-${i}`, await readStored(`stored-${i}`));
  }, 120_000);

  afterAll(async () => {
    console.info(`disk-full figures: ${JSON.stringify(figures)}`);
    await latchkey?.kill();
    disk?.free();
    await cleanup.run();
  });

  function importConnection(id: string) {
    return call('POST', '/connections', {
      connection_id: id,
      provider_config_key: INTEGRATION,
      credentials: { type: 'API_KEY', apiKey: `key-${id}-${'k'.repeat(200)}` },
      metadata: { id, notes: 'n'.repeat(2000) },
      tags: { team: 'storage' },
      end_user: { id: `user-${id}`, email: `${id}@example.com` },
    });
  }

  async function readStored(id: string): Promise<unknown> {
    const read = await expectStatus(
      call<Record<string, unknown>>('GET', `/connections/${id}?provider_config_key=${INTEGRATION}`),
      200,
    );
    const { last_fetched_at: _moves, ...stable } = read.body;
    return stable;
  }

  async function expectEverythingStored(): Promise<void> {
    for (const [id, stored] of before) expect(await readStored(id), id).toEqual(stored);
    for (const id of acknowledged) {
      const read = await call<{ metadata: { id: string } }>(
        'GET',
        `/connections/${id}?provider_config_key=${INTEGRATION}`,
      );
      expect(read.status, `${id} was acknowledged while the disk was full`).toBe(200);
      expect(read.body.metadata.id).toBe(id);
    }
  }

  it('refuses writes with 503 storage_full and keeps serving reads, unchanged', async () => {
    figures.filledBytes = disk.fill();
    expect(disk.freeBytes()).toBe(0);

    const writes: Array<{ kind: string; answer: Answer; ms: number }> = [];
    for (let i = 0; i < WRITES_WHILE_FULL; i++) {
      const started = Date.now();
      const kind = ['import', 'session', 'provider'][i % 3]!;
      const answer =
        kind === 'import'
          ? await importConnection(`while-full-${i}`)
          : kind === 'session'
            ? await call('POST', '/connect/sessions', {
                end_user: { id: `full-${i}`, display_name: 'x'.repeat(200) },
              })
            : await call('POST', '/providers', {
                name: `full-provider-${i}`,
                display_name: 'Full',
                docs: 'https://example.com/docs',
                auth_mode: 'API_KEY',
                credentials: { apiKey: { type: 'string', title: 'API key', description: 'API key' } },
              });
      writes.push({ kind, answer, ms: Date.now() - started });
      if (kind === 'import' && answer.status === 201) acknowledged.push(`while-full-${i}`);
    }
    const refused = writes.filter((write) => write.answer.status === 503);
    const outcomes = countBy(writes.map((w) => `${w.kind}:${w.answer.status}:${codeOf(w.answer) ?? 'ok'}`));
    // A write that still fits in pages the database already has may succeed; the others are refused, cleanly.
    for (const write of writes) {
      expect([200, 201, 503], JSON.stringify(write.answer.body)).toContain(write.answer.status);
      if (write.answer.status === 503) expect(codeOf(write.answer)).toBe('storage_full');
    }
    expect(refused.length).toBeGreaterThan(0);

    // Reads: every stored connection answers what it held, the list too, and the server is healthy for reads.
    await expectEverythingStored();
    const listed = await expectStatus(call<{ connections: unknown[] }>('GET', '/connections'), 200);
    expect(listed.body.connections.length).toBe(STORED + acknowledged.length);
    const response = await fetch(`${latchkey.url}/health`);
    const health = { status: response.status, body: await response.json() };
    expect(health.status).toBe(200);
    Object.assign(figures, {
      writesWhileFull: WRITES_WHILE_FULL,
      outcomes,
      slowestWriteMs: Math.max(...writes.map((w) => w.ms)),
      healthWhileFull: health,
    });
  });

  it('takes writes again once space is freed, without a restart', async () => {
    disk.free();
    await expectStatus(importConnection('after-free'), 201);
    acknowledged.push('after-free');
    await expectEverythingStored();
  });

  it('loses nothing to a crash on the full disk: the start waits for space, then everything is there', async () => {
    disk.fill();
    await latchkey.kill();
    // Crash recovery needs room to write: on the full disk the start stops, saying why, and changes nothing.
    latchkey = await start();
    expect(await latchkey.waitForExit()).toBe(1);
    expect(latchkey.stderr).toMatch(/could not start: the disk holding .* is full/);
    figures.startOnFullDiskAfterCrash = latchkey.stderr.trim().split('\n')[0];

    disk.free();
    const started = Date.now();
    latchkey = await start();
    await latchkey.waitForHealth();
    figures.recoveryStartMs = Date.now() - started;
    await expectEverythingStored();
    await expectStatus(importConnection('after-crash-freed'), 201);
    acknowledged.push('after-crash-freed');
  });

  it('leaves a data directory that reads back whole after a clean stop', async () => {
    expect(await latchkey.stop('SIGTERM')).toBe(0);
    const db = createDatabase({ kind: 'pglite', dataDir: `${disk.path}/pgdata` });
    try {
      const tables = await db
        .selectFrom('information_schema.tables' as never)
        .select('table_name' as never)
        .where('table_schema' as never, '=', 'public' as never)
        .execute();
      const rows: Record<string, number> = {};
      for (const { table_name: table } of tables as Array<{ table_name: string }>) {
        // Every row of every table, read in full: a damaged page would fail here.
        const all = await db
          .selectFrom(table as never)
          .selectAll()
          .execute();
        rows[table] = all.length;
      }
      expect(rows.connections).toBe(STORED + acknowledged.length);
      figures.rowsAfterCleanStop = rows;
    } finally {
      await db.destroy();
    }
  });
});

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
