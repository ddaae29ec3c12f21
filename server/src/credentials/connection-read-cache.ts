/**
 * The hot read path without the database: `GET /connections/:id` for a token that is not due serves the connection,
 * its integration, provider and opened credentials from memory. Correctness rules:
 * - A cached token is served only while it is not due: the caller checks `isDue` on every hit, so an expiring token
 *   always takes the refresh path, which reads and locks the row.
 * - Any write by this process to a table an entry is built from clears the cache at the statement (write watch), and
 *   an entry is stored only if no invalidation happened while it was being read (generation check).
 * - Writes by other instances arrive as `latchkey_cache` notifications (triggers, delivered at commit). While the
 *   LISTEN connection is down nothing is cached; on reconnect everything is dropped, since notifications were lost.
 * - Entries also expire after `ttlMs`, a bound on staleness should a notification ever go missing.
 * Forced refreshes and reads asking for the refresh token bypass the cache (see credential.service.ts).
 */
import type { Provider } from '@latchkey/providers';
import type { Credentials } from '@latchkey/schema';
import type { ConnectionRow } from '../connections/connection.table';
import { listenForNotifications, type NotificationListener } from '../events/pg-notification-listener';
import { type Db, writeWatchOf } from '../platform/database/database';
import type { Logger } from '../platform/logging/logger';

export const CACHE_CHANNEL = 'latchkey_cache';
const WATCHED_TABLES = new Set(['connections', 'integrations', 'custom_providers', 'environments']);

export interface CachedConnection {
  integration: { id: string; unique_key: string };
  row: ConnectionRow;
  provider: Provider;
  credentials: Credentials;
}

export interface ConnectionReadCache {
  get(environmentId: string, providerConfigKey: string, connectionId: string): CachedConnection | undefined;
  /** Taken before a read from the database; `set` stores only if nothing was invalidated since. */
  generation(): number;
  set(generation: number, environmentId: string, providerConfigKey: string, value: CachedConnection): void;
  /** Starts listening for other instances' writes (PostgreSQL); resolves once listening or after the first failure. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export interface ReadCacheOptions {
  db: Db;
  logger: Logger;
  /** PostgreSQL URL to LISTEN on; undefined for the embedded database, which only this process writes. */
  listenUrl?: string | undefined;
  ttlMs?: number;
  maxEntries?: number;
}

interface Entry {
  value: CachedConnection;
  expiresAt: number;
}

export function createConnectionReadCache(options: ReadCacheOptions): ConnectionReadCache {
  const ttlMs = options.ttlMs ?? 5000;
  const maxEntries = options.maxEntries ?? 10_000;
  const entries = new Map<string, Entry>();
  const keyByRowId = new Map<string, string>();
  let generation = 0;
  const watch = writeWatchOf(options.db);
  // Without a write watch (a database not built by createDatabase) a write could go unseen: never cache then.
  let usable = watch !== undefined && options.listenUrl === undefined;
  let listener: NotificationListener | undefined;

  const clear = () => {
    generation += 1;
    entries.clear();
    keyByRowId.clear();
  };
  const stopWatching = watch?.onWrite((table) => {
    if (WATCHED_TABLES.has(table)) clear();
  });

  const onNotification = (payload: string | undefined) => {
    generation += 1;
    const [table, id] = (payload ?? '').split(':');
    if (table !== 'connections' || id === undefined) {
      clear();
      return;
    }
    const key = keyByRowId.get(id);
    if (key !== undefined) {
      entries.delete(key);
      keyByRowId.delete(id);
    }
  };

  return {
    get(environmentId, providerConfigKey, connectionId) {
      if (!usable) return undefined;
      const key = cacheKey(environmentId, providerConfigKey, connectionId);
      const entry = entries.get(key);
      if (entry === undefined) return undefined;
      if (entry.expiresAt <= Date.now()) {
        entries.delete(key);
        keyByRowId.delete(entry.value.row.id);
        return undefined;
      }
      return entry.value;
    },
    generation: () => generation,
    set(seen, environmentId, providerConfigKey, value) {
      if (!usable || seen !== generation) return;
      if (entries.size >= maxEntries) {
        // Oldest first: Map keeps insertion order.
        const oldest = entries.keys().next().value as string;
        const evicted = entries.get(oldest);
        entries.delete(oldest);
        if (evicted !== undefined) keyByRowId.delete(evicted.value.row.id);
      }
      const key = cacheKey(environmentId, providerConfigKey, value.row.connection_id);
      entries.set(key, { value, expiresAt: Date.now() + ttlMs });
      keyByRowId.set(value.row.id, key);
    },
    async start() {
      if (options.listenUrl === undefined || listener !== undefined || watch === undefined) return;
      listener = listenForNotifications({
        url: options.listenUrl,
        channel: CACHE_CHANNEL,
        logger: options.logger,
        onNotification,
        onListening: () => {
          clear();
          usable = true;
        },
        onLost: () => {
          usable = false;
          clear();
        },
      });
      await listener.ready;
    },
    async close() {
      usable = false;
      stopWatching?.();
      clear();
      await listener?.close();
      listener = undefined;
    },
  };
}

function cacheKey(environmentId: string, providerConfigKey: string, connectionId: string): string {
  return `${environmentId}\u0000${providerConfigKey}\u0000${connectionId}`;
}
