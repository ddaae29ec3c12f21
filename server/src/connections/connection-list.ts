/** Listing connections (compat doc 2.2): Nango's filters over one environment, newest first, and its item shape. */
import {
  type ConnectionListItem,
  DEFAULT_CONNECTION_LIST_LIMIT,
  type ListConnectionsQuery,
} from '@latchkey/schema';
import { sql } from 'kysely';
import type { Db } from '../platform/database/database';
import { present } from './connection.service';
import type { ConnectionRow } from './connection.table';

export interface ListedConnectionRow extends ConnectionRow {
  unique_key: string;
  /** The latest failed operation of a connection that is not active: what its auth error points at. */
  failed_operation_id: string | null;
}

/** Nango's filters, plus the refresh state (GraphQL, tRPC); paging is the caller's. */
export type ConnectionFilter = Omit<ListConnectionsQuery, 'limit' | 'page'> & {
  refreshState?: ConnectionListItem['refresh_state'] | undefined;
};

export async function listConnectionRows(
  db: Db,
  environmentId: string,
  filter: ListConnectionsQuery,
): Promise<ListedConnectionRow[]> {
  const limit = filter.limit ?? DEFAULT_CONNECTION_LIST_LIMIT;
  return filteredConnections(db, environmentId, filter)
    .orderBy('c.created_at', 'desc')
    .orderBy('c.id', 'desc')
    .limit(limit)
    .offset((filter.page ?? 0) * limit)
    .execute();
}

/** The environment's connections matching the filter, with what a list item shows; unordered, unlimited. */
export function filteredConnections(db: Db, environmentId: string, filter: ConnectionFilter) {
  let query = db
    .selectFrom('connections as c')
    .innerJoin('integrations as i', 'i.id', 'c.integration_id')
    .selectAll('c')
    .select('i.unique_key')
    .select(
      // Only looked up for the few connections in trouble; CASE skips the subquery for the others.
      sql<string | null>`case when c.refresh_state <> 'active' then (
        select o.id from operations o
        where o.environment_id = c.environment_id and o.integration_key = i.unique_key
          and o.connection_id = c.connection_id and o.status = 'failed'
        order by o.started_at desc limit 1
      ) end`.as('failed_operation_id'),
    )
    .where('c.environment_id', '=', environmentId);

  if (filter.connectionId !== undefined) query = query.where('c.connection_id', '=', filter.connectionId);
  if (filter.search !== undefined) {
    const pattern = `%${filter.search.replace(/[\\%_]/g, '\\$&')}%`;
    query = query.where(
      sql<boolean>`(c.connection_id ilike ${pattern} or c.end_user->>'id' ilike ${pattern}
        or c.end_user->>'email' ilike ${pattern} or c.end_user->>'display_name' ilike ${pattern})`,
    );
  }
  if (filter.endUserId !== undefined) {
    query = query.where(sql<boolean>`c.end_user->>'id' = ${filter.endUserId}`);
  }
  if (filter.endUserOrganizationId !== undefined) {
    query = query.where(sql<boolean>`c.end_user->'organization'->>'id' = ${filter.endUserOrganizationId}`);
  }
  if (filter.integrationId !== undefined && filter.integrationId.length > 0) {
    query = query.where('i.unique_key', 'in', filter.integrationId);
  }
  for (const [key, value] of Object.entries(filter.tags ?? {})) {
    // The SDK lower-cases the keys it sends while stored keys keep their case: compare keys case-insensitively.
    query = query.where(
      sql<boolean>`exists (select 1 from jsonb_each_text(c.tags) t where lower(t.key) = lower(${key}) and t.value = ${value})`,
    );
  }
  if (filter.refreshState !== undefined) query = query.where('c.refresh_state', '=', filter.refreshState);
  return query;
}

export function presentListItem(row: ListedConnectionRow): ConnectionListItem {
  const full = present(row, row.unique_key, undefined);
  return {
    id: full.id,
    connection_id: full.connection_id,
    provider_config_key: full.provider_config_key,
    provider: full.provider,
    errors:
      row.refresh_state === 'active'
        ? []
        : [{ type: 'auth', log_id: row.failed_operation_id ?? row.connection_id }],
    end_user: full.end_user,
    tags: full.tags,
    metadata: full.metadata,
    created: row.created_at.toISOString(),
    refresh_state: row.refresh_state,
  };
}
