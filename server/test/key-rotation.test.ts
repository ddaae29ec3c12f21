import { randomBytes } from 'node:crypto';
import { loadCatalog } from '@latchkey/providers';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthContext } from '../src/auth/auth-context';
import {
  compareAndSwapSealed,
  countSealedValuesByKey,
  rotateSealedValues,
  SEALED_COLUMNS,
} from '../src/platform/crypto/key-rotation';
import { keyIdOf, parseKeyring } from '../src/platform/crypto/keyring';
import { createVault } from '../src/platform/crypto/vault';
import { createLogger } from '../src/platform/logging/logger';
import { createServices } from '../src/services';
import { createTestDatabase, databaseKinds, type TestDatabase } from './support/test-database';

const keyA = randomBytes(32).toString('base64');
const keyB = randomBytes(32).toString('base64');
const idA = keyIdOf(Buffer.from(keyA, 'base64'));
const idB = keyIdOf(Buffer.from(keyB, 'base64'));
const catalog = loadCatalog();

describe.each(databaseKinds())('encryption key rotation (%s)', (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(() => database[Symbol.asyncDispose]());

  const servicesWith = (keys: string) =>
    createServices({
      db: database.db,
      vault: createVault(parseKeyring(keys)),
      catalog,
      publicUrl: 'http://x',
      allowPrivateUrls: false,
      logger: createLogger('silent'),
      connectSessionTtlSeconds: 1800,
    });

  let auth: AuthContext;
  const readSecret = async (keys: string, key: string) =>
    (await servicesWith(keys).integrations.get(auth, key, ['credentials'])).credentials;

  it('lists every sealed column of the schema', async () => {
    const { rows } = await sql<{ table_name: string; column_name: string }>`
      select table_name, column_name from information_schema.columns
      where table_schema = current_schema() and column_name like '%\\_sealed' order by 1, 2`.execute(
      database.db,
    );
    expect(rows.map((r) => `${r.table_name}.${r.column_name}`)).toEqual(
      SEALED_COLUMNS.map((c) => `${c.table}.${c.column}`).sort(),
    );
  });

  it('reads data written under key A after adding key B, re-encrypts under B, reads it with B alone', async () => {
    const underA = servicesWith(keyA);
    const [dev] = await underA.environments.ensureDefaults({});
    auth = { environment: { id: dev!.environment.id, name: 'dev' }, scopes: ['environment:*'] };
    for (let i = 0; i < 7; i++) {
      await underA.integrations.create(auth, {
        unique_key: `gh-${i}`,
        provider: 'github',
        credentials: { type: 'OAUTH2', client_id: `id-${i}`, client_secret: `secret-${i}`, scopes: ['repo'] },
        custom: { n: String(i) },
      });
    }
    const before = await countSealedValuesByKey(database.db);
    expect(before['integrations.secrets_sealed']).toEqual({ [idA]: 7 });

    // Both keys configured, B first: old data still opens.
    expect(await readSecret(`${keyB},${keyA}`, 'gh-3')).toMatchObject({ client_secret: 'secret-3' });

    const report = await rotateSealedValues(database.db, createVault(parseKeyring(`${keyB},${keyA}`)), {
      batchSize: 3,
    });
    // 7 integrations × 2 columns + 2 environments × 2 columns
    expect(report.rewrapped).toBe(18);
    const after = await countSealedValuesByKey(database.db);
    for (const [column, counts] of Object.entries(after)) {
      // Columns with no values yet (connections, flows) have nothing to show.
      if (Object.keys(counts).length > 0) expect(Object.keys(counts), column).toEqual([idB]);
    }
    expect(after['integrations.secrets_sealed']).toEqual({ [idB]: 7 });

    for (let i = 0; i < 7; i++)
      expect(await readSecret(keyB, `gh-${i}`)).toMatchObject({ client_secret: `secret-${i}` });
    await expect(readSecret(keyA, 'gh-0')).rejects.toMatchObject({ code: 'decryption_failed' });

    const again = await rotateSealedValues(database.db, createVault(parseKeyring(keyB)));
    expect(again.rewrapped).toBe(0);
  });

  it('never overwrites a value written while it ran', async () => {
    const vault = createVault(parseKeyring(`${keyA},${keyB}`));
    const target = { table: 'integrations', column: 'secrets_sealed' } as const;
    const { rows } = await sql<{
      id: string;
      value: string;
    }>`select id::text as id, secrets_sealed as value from integrations limit 1`.execute(database.db);
    const row = rows[0]!;
    // A writer replaces the value after the rotation read it: the rotation's swap must lose.
    const concurrent = vault.seal(
      JSON.stringify({ client_secret: 'fresh' }),
      `integrations.secrets:${row.id}`,
    );
    expect(await compareAndSwapSealed(database.db, target, row.id, row.value, concurrent)).toBe(true);
    expect(await compareAndSwapSealed(database.db, target, row.id, row.value, vault.rewrap(row.value))).toBe(
      false,
    );
    const { rows: afterRows } = await sql<{
      value: string;
    }>`select secrets_sealed as value from integrations where id::text = ${row.id}`.execute(database.db);
    expect(afterRows[0]!.value).toBe(concurrent);
  });
});
