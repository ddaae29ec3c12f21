import type { Db } from '../platform/database/database';
import type { EnvironmentRow, EnvironmentUpdate, NewEnvironmentRow } from './environment.table';

/** Inserts unless the name is taken; returns the row only when this call created it. */
export async function insertEnvironmentIfAbsent(
  db: Db,
  row: NewEnvironmentRow,
): Promise<EnvironmentRow | undefined> {
  return db
    .insertInto('environments')
    .values(row)
    .onConflict((oc) => oc.column('name').doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function findEnvironmentByName(db: Db, name: string): Promise<EnvironmentRow | undefined> {
  return db.selectFrom('environments').selectAll().where('name', '=', name).executeTakeFirst();
}

export async function findEnvironmentById(db: Db, id: string): Promise<EnvironmentRow | undefined> {
  return db.selectFrom('environments').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listEnvironmentRows(db: Db): Promise<EnvironmentRow[]> {
  return db.selectFrom('environments').selectAll().orderBy('created_at').orderBy('name').execute();
}

export async function findEnvironmentByPublicKey(
  db: Db,
  publicKey: string,
): Promise<EnvironmentRow | undefined> {
  return db.selectFrom('environments').selectAll().where('public_key', '=', publicKey).executeTakeFirst();
}

export async function updateEnvironmentRow(
  db: Db,
  id: string,
  update: EnvironmentUpdate,
): Promise<EnvironmentRow> {
  return db
    .updateTable('environments')
    .set({ ...update, updated_at: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}
