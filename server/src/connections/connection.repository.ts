import { sql } from 'kysely';
import type { Db } from '../platform/database/database';
import type { ConnectionRow, ConnectionUpdate, NewConnectionRow } from './connection.table';

export async function findConnectionRowByKey(db: Db, integrationId: string, connectionId: string) {
  return db
    .selectFrom('connections')
    .selectAll()
    .where('integration_id', '=', integrationId)
    .where('connection_id', '=', connectionId)
    .executeTakeFirst();
}

export async function findConnectionRowById(db: Db, id: string): Promise<ConnectionRow | undefined> {
  return db.selectFrom('connections').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * Inserts the connection, or overrides the credentials of the one with the same (integration, connection id),
 * keeping its id, metadata and the config keys the flow does not set. `created` tells which happened. New
 * credentials make the connection usable again, so an override also clears any refresh failure.
 */
export async function upsertConnectionRow(
  db: Db,
  row: Omit<NewConnectionRow, 'id'>,
): Promise<{ row: ConnectionRow; created: boolean }> {
  const result = await db
    .insertInto('connections')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['integration_id', 'connection_id']).doUpdateSet({
        credentials_sealed: (eb) => eb.ref('excluded.credentials_sealed'),
        expires_at: (eb) => eb.ref('excluded.expires_at'),
        auth_mode: (eb) => eb.ref('excluded.auth_mode'),
        scopes: (eb) => eb.ref('excluded.scopes'),
        connection_config: sql`connections.connection_config || excluded.connection_config`,
        end_user: sql`coalesce(excluded.end_user, connections.end_user)`,
        tags: sql`connections.tags || excluded.tags`,
        refresh_state: 'active',
        refresh_attempts: 0,
        last_refresh_error: null,
        credentials_version: sql`connections.credentials_version + 1`,
        updated_at: new Date(),
      }),
    )
    .returningAll()
    .returning(sql<boolean>`(xmax = 0)`.as('created'))
    .executeTakeFirstOrThrow();
  const { created, ...stored } = result;
  return { row: stored as ConnectionRow, created };
}

export async function updateConnectionRow(
  db: Db,
  id: string,
  update: ConnectionUpdate,
): Promise<ConnectionRow> {
  return db
    .updateTable('connections')
    .set({ ...update, updated_at: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}
