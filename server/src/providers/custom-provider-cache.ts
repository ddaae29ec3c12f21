/**
 * Each environment's custom provider definitions in memory, so resolving a provider (a shipped name above all, which
 * an environment may override) costs no query. Correctness rules, as for the connection read cache:
 * - The provider service calls `invalidate` after each of its writes has committed; a load that was under way
 *   meanwhile is dropped with its entry, so what it read is never kept.
 * - Other instances' writes arrive on the change channel: updates and deletes from the `change-notify` triggers,
 *   inserts from the service itself (`notifyCustomProvidersChanged`), which the triggers do not cover. While the
 *   LISTEN connection is down nothing is kept; on reconnect everything is dropped, since notifications were lost.
 * - Entries also expire after `ttlMs`, a bound on staleness should a notification ever go missing.
 */
import type { ProviderDefinition } from '@latchkey/providers';
import { listenForNotifications, type NotificationListener } from '../events/pg-notification-listener';
import type { Db } from '../platform/database/database';
import type { Logger } from '../platform/logging/logger';
import { CHANGE_CHANNEL, listCustomProviderRows } from './custom-provider.repository';

export type CustomDefinitions = ReadonlyMap<string, ProviderDefinition>;

export interface CustomProviderCache {
  /** The environment's custom definitions by name: from memory while they can be trusted, else read. */
  definitions(environmentId: string): Promise<CustomDefinitions>;
  /** After a write to the environment's custom providers has committed. */
  invalidate(environmentId: string): void;
  /** Starts listening for other instances' writes (PostgreSQL); resolves once listening or after the first failure. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export interface CustomProviderCacheOptions {
  db: Db;
  logger: Logger;
  /** PostgreSQL URL to LISTEN on; undefined for the embedded database, which only this process writes. */
  listenUrl?: string | undefined;
  ttlMs?: number;
  maxEnvironments?: number;
}

interface Entry {
  definitions: Promise<CustomDefinitions>;
  expiresAt: number;
}

/** The environment's custom definitions read from the database. */
export async function readCustomDefinitions(db: Db, environmentId: string): Promise<CustomDefinitions> {
  const rows = await listCustomProviderRows(db, environmentId);
  return new Map(rows.map((row) => [row.name, row.definition]));
}

export function createCustomProviderCache(options: CustomProviderCacheOptions): CustomProviderCache {
  const ttlMs = options.ttlMs ?? 5000;
  const maxEnvironments = options.maxEnvironments ?? 1000;
  // The load's promise is the entry: concurrent misses share one query, and an invalidation drops it with the entry.
  const entries = new Map<string, Entry>();
  let usable = options.listenUrl === undefined;
  let listener: NotificationListener | undefined;

  const load = (environmentId: string) => readCustomDefinitions(options.db, environmentId);

  return {
    definitions(environmentId) {
      if (!usable) return load(environmentId);
      const entry = entries.get(environmentId);
      if (entry !== undefined && entry.expiresAt > Date.now()) return entry.definitions;
      entries.delete(environmentId);
      if (entries.size >= maxEnvironments) entries.delete(entries.keys().next().value as string);
      const definitions = load(environmentId);
      const stored: Entry = { definitions, expiresAt: Date.now() + ttlMs };
      entries.set(environmentId, stored);
      definitions.catch(() => {
        if (entries.get(environmentId) === stored) entries.delete(environmentId);
      });
      return definitions;
    },
    invalidate(environmentId) {
      entries.delete(environmentId);
    },
    async start() {
      if (options.listenUrl === undefined || listener !== undefined) return;
      listener = listenForNotifications({
        url: options.listenUrl,
        channel: CHANGE_CHANNEL,
        logger: options.logger,
        // The payload names a row, not its environment: any change to custom providers drops them all.
        onNotification: (payload) => {
          if (payload?.startsWith('custom_providers:')) entries.clear();
        },
        onListening: () => {
          entries.clear();
          usable = true;
        },
        onLost: () => {
          usable = false;
          entries.clear();
        },
      });
      await listener.ready;
    },
    async close() {
      usable = false;
      entries.clear();
      await listener?.close();
      listener = undefined;
    },
  };
}
