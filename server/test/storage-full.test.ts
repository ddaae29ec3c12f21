/**
 * A database out of disk space: its `disk_full` errors reach callers as `storage_full` (503), whatever statement or
 * commit raised them; every other error passes unchanged. (test/faults/disk-full.test.ts fills a real disk.)
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LatchkeyError } from '@latchkey/schema';
import {
  type DatabaseConnection,
  type Driver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  sql,
} from 'kysely';
import { describe, expect, it } from 'vitest';
import { embeddedStartFailure, withStorageFullErrors } from '../src/platform/database/storage-full';

/** What PGlite (and PostgreSQL) raise when a relation cannot grow. */
const diskFull = () =>
  Object.assign(new Error('could not extend file "base/5/16385": No space left on device'), {
    code: '53100',
  });

function databaseFailingWith(
  fail: { query?: () => Error; commit?: () => Error },
  guard: { embeddedDataDir?: string; reserveBytes?: number } = {},
) {
  const executed: string[] = [];
  const connection: DatabaseConnection = {
    async executeQuery(query) {
      executed.push(query.sql);
      if (fail.query) throw fail.query();
      return { rows: [] };
    },
    // biome-ignore lint/correctness/useYield: never streamed
    async *streamQuery() {
      throw new Error('not streamed');
    },
  };
  const driver: Driver = {
    init: async () => {},
    acquireConnection: async () => connection,
    beginTransaction: async () => {},
    commitTransaction: async () => {
      if (fail.commit) throw fail.commit();
    },
    rollbackTransaction: async () => {},
    releaseConnection: async () => {},
    destroy: async () => {},
  };
  const db = new Kysely<{ t: { id: number } }>({
    dialect: withStorageFullErrors(
      {
        createAdapter: () => new PostgresAdapter(),
        createDriver: () => driver,
        createIntrospector: (db) => new PostgresIntrospector(db),
        createQueryCompiler: () => new PostgresQueryCompiler(),
      },
      guard,
    ),
  });
  return Object.assign(db, { executed });
}

async function failureOf(work: Promise<unknown>): Promise<unknown> {
  return work.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe('a database out of disk space', () => {
  it('answers storage_full (503) for a statement that needs space', async () => {
    const db = databaseFailingWith({ query: diskFull });
    const error = await failureOf(sql`insert into t values (1)`.execute(db));
    expect(error).toBeInstanceOf(LatchkeyError);
    expect(error).toMatchObject({ code: 'storage_full', status: 503 });
    expect((error as LatchkeyError).toBody().error.message).not.toContain('base/5');
  });

  it('answers storage_full for a commit that needs space', async () => {
    const db = databaseFailingWith({ commit: diskFull });
    const error = await failureOf(db.transaction().execute(async (trx) => sql`select 1`.execute(trx)));
    expect(error).toMatchObject({ code: 'storage_full', status: 503 });
  });

  it('passes every other error unchanged', async () => {
    const other = Object.assign(new Error('duplicate key'), { code: '23505' });
    const error = await failureOf(sql`select 1`.execute(databaseFailingWith({ query: () => other })));
    expect(error).toBe(other);
  });

  it('refuses writes to an embedded database before they run while its disk is short of the reserve', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'latchkey-reserve-'));
    const full = databaseFailingWith({}, { embeddedDataDir: dir, reserveBytes: Number.MAX_SAFE_INTEGER });
    for (const write of [
      full.insertInto('t').values({ id: 1 }),
      full.updateTable('t').set({ id: 2 }),
      full.deleteFrom('t'),
      sql`update t set id = 3`,
      sql`  insert into t values (4)`,
    ]) {
      expect(await failureOf(write.execute(full))).toMatchObject({ code: 'storage_full', status: 503 });
    }
    expect(full.executed).toEqual([]);
    // Reads go on.
    await full.selectFrom('t').selectAll().execute();
    await sql`select count(*) from t`.execute(full);
    expect(full.executed).toHaveLength(2);

    const roomy = databaseFailingWith({}, { embeddedDataDir: dir });
    await roomy.insertInto('t').values({ id: 1 }).execute();
    expect(roomy.executed).toHaveLength(1);
  });

  it('puts a failed embedded start down to the disk only when the disk is full', () => {
    const roomy = mkdtempSync(path.join(tmpdir(), 'latchkey-start-'));
    expect(embeddedStartFailure(roomy, new Error('Aborted()'))).toBeUndefined();
    expect(embeddedStartFailure(roomy, diskFull())).toMatch(/could not start: the disk holding .* is full/);
  });
});
