/**
 * A fresh, migrated database per test file: in-memory PGlite always, and a throw-away PostgreSQL database as well
 * when TEST_DATABASE_URL is set. Suites run once per kind with `describe.each(databaseKinds())`.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDatabase, type Db } from '../../src/platform/database/database';
import { migrateTo, migrateToLatest } from '../../src/platform/database/migrator';

export type DatabaseKind = 'pglite' | 'postgres';

export function databaseKinds(): DatabaseKind[] {
  if (process.env.TEST_DATABASE_URL) return ['pglite', 'postgres'];
  // CI always has PostgreSQL (.ci/run fails without it): a missing URL there is a broken setup, not a reason to skip.
  if (process.env.CI === 'true')
    throw new Error('CI=true but TEST_DATABASE_URL is not set: PostgreSQL suites would be skipped');
  return ['pglite'];
}

export interface TestDatabase extends AsyncDisposable {
  kind: DatabaseKind;
  db: Db;
  /** Set for PostgreSQL: the throw-away database's URL. */
  url: string | undefined;
}

export async function createTestDatabase(
  kind: DatabaseKind,
  /** Stop after this migration (tests of a later one, on rows written before it); default: every migration. */
  options: { migratedTo?: string } = {},
): Promise<TestDatabase> {
  const migrate = (db: Db) =>
    options.migratedTo === undefined ? migrateToLatest(db) : migrateTo(db, options.migratedTo);
  if (kind === 'pglite') {
    const db = createDatabase({ kind: 'pglite', dataDir: undefined });
    await migrate(db);
    return { kind, db, url: undefined, [Symbol.asyncDispose]: () => db.destroy() };
  }
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (adminUrl === undefined) throw new Error('TEST_DATABASE_URL is not set');
  const name = `latchkey_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(adminUrl, `create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = createDatabase({ kind: 'postgres', url: url.toString(), poolSize: 5 });
  await migrate(db);
  return {
    kind,
    db,
    url: url.toString(),
    async [Symbol.asyncDispose]() {
      await db.destroy();
      await adminQuery(adminUrl, `drop database if exists ${name} with (force)`);
    },
  };
}

async function adminQuery(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
