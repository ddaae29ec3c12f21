import type { Db } from '../platform/database/database';
import type { ApiKeyRow, NewApiKeyRow } from './api-key.table';

export async function insertApiKey(db: Db, row: NewApiKeyRow): Promise<ApiKeyRow | undefined> {
  return db
    .insertInto('api_keys')
    .values(row)
    .onConflict((oc) => oc.column('key_hash').doNothing())
    .returningAll()
    .executeTakeFirst();
}

/** The live key with this hash, joined with its environment's name. */
export async function findActiveApiKeyByHash(db: Db, keyHash: string) {
  return db
    .selectFrom('api_keys')
    .innerJoin('environments', 'environments.id', 'api_keys.environment_id')
    .select([
      'api_keys.id',
      'api_keys.key_hash',
      'api_keys.scopes',
      'api_keys.environment_id',
      'environments.name as environment_name',
    ])
    .where('api_keys.key_hash', '=', keyHash)
    .where('api_keys.revoked_at', 'is', null)
    .executeTakeFirst();
}

export async function listApiKeyRows(db: Db, environmentId: string): Promise<ApiKeyRow[]> {
  return db
    .selectFrom('api_keys')
    .selectAll()
    .where('environment_id', '=', environmentId)
    .orderBy('created_at')
    .execute();
}

export async function markApiKeyRevoked(db: Db, id: string): Promise<boolean> {
  const result = await db
    .updateTable('api_keys')
    .set({ revoked_at: new Date() })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Revokes a live key of this environment only (an operator's key ids come from another environment's list). */
export async function markEnvironmentApiKeyRevoked(
  db: Db,
  environmentId: string,
  id: string,
): Promise<boolean> {
  const result = await db
    .updateTable('api_keys')
    .set({ revoked_at: new Date() })
    .where('id', '=', id)
    .where('environment_id', '=', environmentId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
