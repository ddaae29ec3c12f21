/**
 * A throwaway PostgreSQL database per test, on the server named by TEST_DATABASE_URL (absent: PostgreSQL tests are
 * skipped). Each test gets its own database so runs never see each other's rows.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;

export interface TestDatabase extends AsyncDisposable {
  readonly name: string;
  readonly url: string;
}

async function withAdminClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  if (TEST_DATABASE_URL === undefined) throw new Error('TEST_DATABASE_URL is not set');
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `lk_e2e_${randomBytes(6).toString('hex')}`;
  await withAdminClient((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(TEST_DATABASE_URL!);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async [Symbol.asyncDispose]() {
      // FORCE: a server process killed mid-test may still hold connections.
      await withAdminClient((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
