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
  /**
   * Case-insensitive prefix of the connection id, end-user email or display name (the dashboard's search box). Unlike
   * Nango's substring `search`, each prefix is an index range, so it stays fast at 100,000+ connections.
   */
  searchPrefix?: string | undefined;
  /** Integration row ids, resolved beforehand: the planner estimates `c.integration_id` far better than a join. */
  integrationRowIds?: string[] | undefined;
  /** Only these rows (what `sparseMatches` found); the other conditions still apply. */
  candidateIds?: string[] | undefined;
};

/** Spelled exactly as the expression indexes of migration 0007, so each arm is an index range. */
function searchPrefixCondition(searchPrefix: string) {
  const prefix = `${escapeLike(searchPrefix.toLowerCase())}%`;
  return sql<boolean>`(lower(c.connection_id) like ${prefix} or lower(c.end_user->>'email') like ${prefix}
    or lower(c.end_user->>'display_name') like ${prefix})`;
}

/**
 * The SDK lower-cases the keys it sends while stored keys keep their case (unique case-insensitively): compare against
 * `tags_lower`, the tags with lower-cased keys (a generated column of migration 0007, GIN-indexed).
 */
function tagsCondition(tags: Record<string, string>) {
  const wanted = JSON.stringify(
    Object.fromEntries(Object.entries(tags).map(([key, value]) => [key.toLowerCase(), value])),
  );
  return sql<boolean>`c.tags_lower @> ${wanted}::jsonb`;
}

function hasTags(filter: ConnectionFilter): boolean {
  return Object.keys(filter.tags ?? {}).length > 0;
}

export async function integrationRowIds(
  db: Db,
  environmentId: string,
  uniqueKeys: string[],
): Promise<string[]> {
  const rows = await db
    .selectFrom('integrations')
    .select('id')
    .where('environment_id', '=', environmentId)
    .where('unique_key', 'in', uniqueKeys)
    .execute();
  return rows.map((row) => row.id);
}

/**
 * Search prefixes and tags have indexes that find rows but not in page order. Left to itself, the planner often walks
 * the primary key newest first hoping to meet matches soon, which reads the whole table when they are rare. So the
 * matching rows are first looked up through those indexes, at most `limit` of them: undefined when there are more
 * (matches are dense, and walking newest first is then the fast plan), else their ids for `candidateIds`.
 */
export async function sparseMatches(
  db: Db,
  environmentId: string,
  filter: ConnectionFilter,
  limit: number,
): Promise<string[] | undefined> {
  if (filter.searchPrefix === undefined && !hasTags(filter)) return undefined;
  let query = db.selectFrom('connections as c').select('c.id').where('c.environment_id', '=', environmentId);
  if (filter.searchPrefix !== undefined) query = query.where(searchPrefixCondition(filter.searchPrefix));
  if (hasTags(filter)) query = query.where(tagsCondition(filter.tags!));
  const rows = await query.limit(limit + 1).execute();
  return rows.length > limit ? undefined : rows.map((row) => row.id);
}

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
    const pattern = `%${escapeLike(filter.search)}%`;
    query = query.where(
      sql<boolean>`(c.connection_id ilike ${pattern} or c.end_user->>'id' ilike ${pattern}
        or c.end_user->>'email' ilike ${pattern} or c.end_user->>'display_name' ilike ${pattern})`,
    );
  }
  if (filter.searchPrefix !== undefined) query = query.where(searchPrefixCondition(filter.searchPrefix));
  if (filter.endUserId !== undefined) {
    query = query.where(sql<boolean>`c.end_user->>'id' = ${filter.endUserId}`);
  }
  if (filter.endUserOrganizationId !== undefined) {
    query = query.where(sql<boolean>`c.end_user->'organization'->>'id' = ${filter.endUserOrganizationId}`);
  }
  if (filter.integrationRowIds !== undefined) {
    query =
      filter.integrationRowIds.length === 0
        ? query.where(sql<boolean>`false`)
        : query.where('c.integration_id', 'in', filter.integrationRowIds);
  } else if (filter.integrationId !== undefined && filter.integrationId.length > 0) {
    query = query.where('i.unique_key', 'in', filter.integrationId);
  }
  if (hasTags(filter)) query = query.where(tagsCondition(filter.tags!));
  if (filter.candidateIds !== undefined)
    query = query.where(sql<boolean>`c.id = any(${filter.candidateIds}::bigint[])`);
  if (filter.refreshState !== undefined) query = query.where('c.refresh_state', '=', filter.refreshState);
  return query;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, '\\$&');
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
