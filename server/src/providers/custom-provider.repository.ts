import type { ProviderDefinition } from '@latchkey/providers';
import { sql } from 'kysely';
import type { Db } from '../platform/database/database';
import type { CustomProviderRow } from './custom-provider.table';

export async function listCustomProviderRows(db: Db, environmentId: string): Promise<CustomProviderRow[]> {
  return db
    .selectFrom('custom_providers')
    .selectAll()
    .where('environment_id', '=', environmentId)
    .orderBy('name')
    .execute();
}

export async function findCustomProviderRow(db: Db, environmentId: string, name: string) {
  return db
    .selectFrom('custom_providers')
    .selectAll()
    .where('environment_id', '=', environmentId)
    .where('name', '=', name)
    .executeTakeFirst();
}

export async function insertCustomProviderRow(
  db: Db,
  row: { id: string; environment_id: string; name: string; definition: ProviderDefinition },
): Promise<CustomProviderRow | undefined> {
  return db
    .insertInto('custom_providers')
    .values({ ...row, definition: JSON.stringify(row.definition) })
    .onConflict((oc) => oc.columns(['environment_id', 'name']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

/** Inserts or replaces definitions by name, a few hundred rows a statement (a providers-file import). */
export async function upsertCustomProviderRows(
  db: Db,
  environmentId: string,
  rows: Array<{ id: string; name: string; definition: ProviderDefinition }>,
): Promise<void> {
  for (let start = 0; start < rows.length; start += UPSERT_CHUNK) {
    const chunk = rows.slice(start, start + UPSERT_CHUNK);
    await db
      .insertInto('custom_providers')
      .values(
        chunk.map((row) => ({
          ...row,
          environment_id: environmentId,
          definition: JSON.stringify(row.definition),
        })),
      )
      .onConflict((oc) =>
        oc.columns(['environment_id', 'name']).doUpdateSet((eb) => ({
          definition: eb.ref('excluded.definition'),
          updated_at: new Date(),
        })),
      )
      .execute();
  }
}
const UPSERT_CHUNK = 200;

export async function updateCustomProviderRow(db: Db, id: string, definition: ProviderDefinition) {
  return db
    .updateTable('custom_providers')
    .set({ definition: JSON.stringify(definition), updated_at: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function deleteCustomProviderRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom('custom_providers').where('id', '=', id).execute();
}

/** The channel of `change-notify` (migration 2026-11-23T0005), which the connection read cache hears too. */
export const CHANGE_CHANNEL = 'latchkey_cache';

/**
 * Tells other instances' caches that the environment's custom providers changed, when the transaction commits. The
 * `change-notify` triggers announce updates and deletes; inserts (a new name, which may override a shipped one) only
 * this way.
 */
export async function notifyCustomProvidersChanged(db: Db, environmentId: string): Promise<void> {
  await sql`select pg_notify(${CHANGE_CHANNEL}, ${`custom_providers:${environmentId}`})`.execute(db);
}
