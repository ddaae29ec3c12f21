/**
 * Connection metadata (compat doc 2.4): replace, or shallow-merge into, the metadata of one or many connections of
 * an integration. Every id is checked under a row lock before anything is written, and all rows change in one
 * transaction, so one unknown id changes nothing.
 */
import { type MetadataInput, NotFoundError } from '@latchkey/schema';
import { sql } from 'kysely';
import type { Db } from '../platform/database/database';

/** `replace` is `POST /connections/metadata`; `merge` is `PATCH`, top-level keys only (`{...old, ...new}`). */
export type MetadataMode = 'replace' | 'merge';

export async function writeMetadata(
  db: Db,
  environmentId: string,
  input: MetadataInput,
  mode: MetadataMode,
): Promise<void> {
  const ids = Array.isArray(input.connection_id) ? input.connection_id : [input.connection_id];
  if (ids.length === 0) return;
  const metadata = JSON.stringify(input.metadata);
  await db.transaction().execute(async (trx) => {
    const found = await trx
      .selectFrom('connections')
      .innerJoin('integrations', 'integrations.id', 'connections.integration_id')
      .select(['connections.id', 'connections.connection_id'])
      .where('integrations.environment_id', '=', environmentId)
      .where('integrations.unique_key', '=', input.provider_config_key)
      .where('connections.connection_id', 'in', ids)
      .forUpdate('connections')
      .execute();
    const known = new Set(found.map((row) => row.connection_id));
    const unknown = ids.find((id) => !known.has(id));
    if (unknown !== undefined) throw unknownConnection(unknown, input.provider_config_key, ids.length > 1);
    await trx
      .updateTable('connections')
      .set({
        metadata:
          mode === 'replace' ? metadata : sql<string>`coalesce(metadata, '{}'::jsonb) || ${metadata}::jsonb`,
        updated_at: new Date(),
      })
      .where(
        'id',
        'in',
        found.map((row) => row.id),
      )
      .execute();
  });
}

/** Nango's message, word for word (SDK users match on it); the suffix only when several ids were given. */
function unknownConnection(connectionId: string, providerConfigKey: string, several: boolean): NotFoundError {
  const message = `Connection with connection id ${connectionId} and provider config key ${providerConfigKey} not found. Please make sure the connection exists in the Nango dashboard`;
  return new NotFoundError(
    'unknown_connection',
    several
      ? `${message}. No actions were taken on any of the connections as a result of this failure.`
      : message,
  );
}
