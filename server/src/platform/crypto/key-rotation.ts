/**
 * Re-encryption of every sealed value under the primary master key, in batches, while the service keeps running:
 * every instance can read both keys during the rotation, and each row is updated only if it still holds the value
 * that was read (so a concurrent write is never overwritten with stale data).
 */
import { sql } from 'kysely';
import type { Db } from '../database/database';
import type { Vault } from './vault';

/** Every column that holds vault-sealed values. A test checks this list against the live schema. */
export const SEALED_COLUMNS = [
  { table: 'environments', column: 'webhook_signing_key_sealed' },
  { table: 'environments', column: 'hmac_key_sealed' },
  { table: 'integrations', column: 'secrets_sealed' },
  { table: 'integrations', column: 'custom_sealed' },
  { table: 'connections', column: 'credentials_sealed' },
  { table: 'oauth_sessions', column: 'secrets_sealed' },
  { table: 'operators', column: 'totp_secret_sealed' },
] as const;

export interface RotationReport {
  rewrapped: number;
  byColumn: Record<string, number>;
}

export async function rotateSealedValues(
  db: Db,
  vault: Vault,
  options: { batchSize?: number; onBatch?: (column: string, count: number) => void } = {},
): Promise<RotationReport> {
  const batchSize = options.batchSize ?? 500;
  const report: RotationReport = { rewrapped: 0, byColumn: {} };
  const current = `lk1.${vault.primaryKeyId}.%`;
  for (const target of SEALED_COLUMNS) {
    const { table, column } = target;
    const name = `${table}.${column}`;
    report.byColumn[name] = 0;
    let lastId = '';
    for (;;) {
      // Keyset pagination by id: rows whose update lost a race are not picked up again in this pass.
      const { rows } = await sql<{ id: string; value: string }>`
        select id::text as id, ${sql.ref(column)} as value from ${sql.table(table)}
        where ${sql.ref(column)} is not null and ${sql.ref(column)} not like ${current} and id::text > ${lastId}
        order by id::text limit ${batchSize}`.execute(db);
      if (rows.length === 0) break;
      await db.transaction().execute(async (trx) => {
        for (const row of rows) {
          if (await compareAndSwapSealed(trx, target, row.id, row.value, vault.rewrap(row.value))) {
            report.byColumn[name]! += 1;
          }
        }
      });
      options.onBatch?.(name, rows.length);
      lastId = rows[rows.length - 1]!.id;
    }
    report.rewrapped += report.byColumn[name]!;
  }
  return report;
}

/** Replaces a sealed value only if the row still holds `expected`; false when a concurrent write got there first. */
export async function compareAndSwapSealed(
  db: Db,
  target: { table: string; column: string },
  id: string,
  expected: string,
  replacement: string,
): Promise<boolean> {
  const result = await sql`
    update ${sql.table(target.table)} set ${sql.ref(target.column)} = ${replacement}
    where id::text = ${id} and ${sql.ref(target.column)} = ${expected}`.execute(db);
  return (result.numAffectedRows ?? 0n) > 0n;
}

/** How many sealed values each master key holds, per column: what an operator checks before removing a key. */
export async function countSealedValuesByKey(db: Db): Promise<Record<string, Record<string, number>>> {
  const counts: Record<string, Record<string, number>> = {};
  for (const { table, column } of SEALED_COLUMNS) {
    const { rows } = await sql<{ key_id: string; count: string }>`
      select split_part(${sql.ref(column)}, '.', 2) as key_id, count(*)::text as count
      from ${sql.table(table)} where ${sql.ref(column)} is not null group by 1 order by 1`.execute(db);
    counts[`${table}.${column}`] = Object.fromEntries(rows.map((r) => [r.key_id, Number(r.count)]));
  }
  return counts;
}
