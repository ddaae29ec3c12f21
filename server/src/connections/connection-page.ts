/**
 * Connections a page at a time by keyset (the typed APIs' cursor pagination): newest first by row id, the cursor
 * being that id. Unlike offsets, a page stays correct while connections are added or deleted between reads.
 */
import { type ConnectionListItem, ValidationError } from '@latchkey/schema';
import { type AuthContext, requireScope } from '../auth/auth-context';
import type { Db } from '../platform/database/database';
import {
  type ConnectionFilter,
  filteredConnections,
  integrationRowIds,
  presentListItem,
  sparseMatches,
} from './connection-list';

/** Relay's window: items after/before a cursor, `limit` of them, read backwards (from the oldest) when inverted. */
export interface ConnectionPageWindow {
  after?: string | undefined;
  before?: string | undefined;
  limit: number;
  inverted: boolean;
}

export interface ConnectionPageService {
  /** In the window's reading order (oldest first when inverted); each item's `id` is its cursor. */
  page(
    auth: AuthContext,
    filter: ConnectionFilter,
    window: ConnectionPageWindow,
  ): Promise<ConnectionListItem[]>;
}

const CURSOR = /^\d{1,18}$/;
/** Up to this many matches of a search or tag filter are paged by id; more are dense enough to walk newest first. */
const SPARSE_MATCHES = 1000;

export function createConnectionPageService(deps: { db: Db }): ConnectionPageService {
  return {
    async page(auth, filter, window) {
      requireScope(auth, 'environment:connections:read');
      if (filter.integrationId !== undefined && filter.integrationId.length > 0) {
        const ids = await integrationRowIds(deps.db, auth.environment.id, filter.integrationId);
        filter = { ...filter, integrationRowIds: ids };
      }
      const candidates = await sparseMatches(deps.db, auth.environment.id, filter, SPARSE_MATCHES);
      if (candidates !== undefined) filter = { ...filter, candidateIds: candidates };
      let query = filteredConnections(deps.db, auth.environment.id, filter);
      if (window.after !== undefined) query = query.where('c.id', '<', cursorValue(window.after, 'after'));
      if (window.before !== undefined) query = query.where('c.id', '>', cursorValue(window.before, 'before'));
      const rows = await query
        .orderBy('c.id', window.inverted ? 'asc' : 'desc')
        .limit(window.limit)
        .execute();
      return rows.map(presentListItem);
    },
  };
}

function cursorValue(cursor: string, name: string): string {
  if (!CURSOR.test(cursor)) {
    throw new ValidationError('invalid_body', `${name} is not a cursor of this list.`, {
      errors: [{ code: 'invalid_cursor', message: 'not a cursor of this list', path: [name] }],
    });
  }
  return cursor;
}
