import type { Db } from '../platform/database/database';
import type { IntegrationRow, IntegrationUpdate, NewIntegrationRow } from './integration.table';

export async function listIntegrationRows(db: Db, environmentId: string): Promise<IntegrationRow[]> {
  return db
    .selectFrom('integrations')
    .selectAll()
    .where('environment_id', '=', environmentId)
    .orderBy('created_at')
    .orderBy('unique_key')
    .execute();
}

export async function findIntegrationRow(db: Db, environmentId: string, uniqueKey: string) {
  return db
    .selectFrom('integrations')
    .selectAll()
    .where('environment_id', '=', environmentId)
    .where('unique_key', '=', uniqueKey)
    .executeTakeFirst();
}

/** Inserts unless the unique key is taken in the environment; undefined means it was. */
export async function insertIntegrationRow(
  db: Db,
  row: NewIntegrationRow,
): Promise<IntegrationRow | undefined> {
  return db
    .insertInto('integrations')
    .values(row)
    .onConflict((oc) => oc.columns(['environment_id', 'unique_key']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function updateIntegrationRow(
  db: Db,
  id: string,
  update: IntegrationUpdate,
): Promise<IntegrationRow> {
  return db
    .updateTable('integrations')
    .set(update)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function deleteIntegrationRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom('integrations').where('id', '=', id).execute();
}

export async function integrationUsesProvider(
  db: Db,
  environmentId: string,
  provider: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('integrations')
    .select('id')
    .where('environment_id', '=', environmentId)
    .where('provider', '=', provider)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
