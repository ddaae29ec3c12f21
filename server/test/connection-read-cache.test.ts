/**
 * The in-process connection read cache (credentials/connection-read-cache.ts): what this process writes drops
 * entries at once, what another instance writes arrives by notification, and nothing read before an invalidation is
 * stored after it. Entries are given a long lifetime here, so only invalidation can explain an entry going away.
 */
import type { Provider } from '@latchkey/providers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CachedConnection, createConnectionReadCache } from '../src/credentials/connection-read-cache';
import { createDatabase } from '../src/platform/database/database';
import { createLogger } from '../src/platform/logging/logger';
import { databaseKinds, type TestDatabase } from './support/test-database';
import { createTestLatchkey, type TestLatchkey } from './support/test-latchkey';

const logger = createLogger('silent');
const HOUR = 3_600_000;

async function seedConnection(t: TestLatchkey, connectionId: string) {
  const key = `key-${connectionId}`;
  const integration = await t.request('/integrations', {
    method: 'POST',
    json: {
      unique_key: key,
      provider: 'github',
      credentials: { type: 'OAUTH2', client_id: 'c', client_secret: 's' },
    },
  });
  expect(integration.status).toBe(200);
  const imported = await t.request('/connections', {
    method: 'POST',
    json: {
      provider_config_key: key,
      connection_id: connectionId,
      credentials: {
        type: 'OAUTH2',
        access_token: 'a',
        expires_at: new Date(Date.now() + HOUR).toISOString(),
      },
    },
  });
  expect(imported.status).toBe(201);
  const db = t.database.db;
  const row = await db
    .selectFrom('connections')
    .selectAll()
    .where('connection_id', '=', connectionId)
    .executeTakeFirstOrThrow();
  const value: CachedConnection = {
    integration: { id: row.integration_id, unique_key: key },
    row,
    provider: { auth_mode: 'OAUTH2' } as unknown as Provider,
    credentials: { type: 'API_KEY', apiKey: 'k' },
  };
  return { environmentId: row.environment_id, key, value };
}

async function eventually(check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe.each(databaseKinds())('connection read cache (%s)', (kind) => {
  let t: TestLatchkey;
  let database: TestDatabase;

  beforeAll(async () => {
    t = await createTestLatchkey(kind);
    database = t.database;
  });
  afterAll(async () => {
    await t?.[Symbol.asyncDispose]();
  });

  it('drops entries the moment this process writes a table they are built from', async () => {
    // Seeded before the cache listens: on PostgreSQL the seed's own notifications would otherwise arrive whenever a
    // loaded machine delivers them, and drop the entry before the writes under test are made.
    const seeded = await seedConnection(t, 'local-write');
    const cache = createConnectionReadCache({
      db: database.db,
      logger,
      listenUrl: database.url,
      ttlMs: HOUR,
    });
    await cache.start();
    cache.set(cache.generation(), seeded.environmentId, seeded.key, seeded.value);
    expect(cache.get(seeded.environmentId, seeded.key, 'local-write')).toBe(seeded.value);
    // Reads and writes to other tables leave it alone.
    await database.db.selectFrom('connections').selectAll().execute();
    await database.db.deleteFrom('oauth_sessions').execute();
    expect(cache.get(seeded.environmentId, seeded.key, 'local-write')).toBe(seeded.value);

    await database.db
      .updateTable('connections')
      .set({ metadata: '{"a":1}' })
      .where('id', '=', seeded.value.row.id)
      .execute();
    expect(cache.get(seeded.environmentId, seeded.key, 'local-write')).toBeUndefined();
    await cache.close();
  });

  it('does not store what was read before an invalidation', async () => {
    const cache = createConnectionReadCache({
      db: database.db,
      logger,
      listenUrl: database.url,
      ttlMs: HOUR,
    });
    await cache.start();
    const seeded = await seedConnection(t, 'raced');
    const seen = cache.generation();
    await database.db
      .updateTable('integrations')
      .set({ display_name: 'renamed' })
      .where('id', '=', seeded.value.integration.id)
      .execute();
    cache.set(seen, seeded.environmentId, seeded.key, seeded.value);
    expect(cache.get(seeded.environmentId, seeded.key, 'raced')).toBeUndefined();
    await cache.close();
  });

  // Only PostgreSQL has other instances: the embedded database belongs to one process.
  if (kind === 'postgres')
    it('drops entries when another instance changes or deletes the row', async () => {
      const cache = createConnectionReadCache({
        db: database.db,
        logger,
        listenUrl: database.url,
        ttlMs: HOUR,
      });
      await cache.start();
      // Another instance: its own pool, its own write watch, which this cache never hears.
      const other = createDatabase({ kind: 'postgres', url: database.url!, poolSize: 2 });
      try {
        const seeded = await seedConnection(t, 'remote-write');
        const store = () => cache.set(cache.generation(), seeded.environmentId, seeded.key, seeded.value);
        const cached = () => cache.get(seeded.environmentId, seeded.key, 'remote-write') !== undefined;
        store();
        expect(cached()).toBe(true);
        await other
          .updateTable('connections')
          .set({ refresh_state: 'refresh_failed' })
          .where('id', '=', seeded.value.row.id)
          .execute();
        await eventually(() => !cached());

        // Only last_fetched_at changed: silent, the entry stays.
        store();
        await other
          .updateTable('connections')
          .set({ last_fetched_at: new Date() })
          .where('id', '=', seeded.value.row.id)
          .execute();
        await other
          .updateTable('connections')
          .set({ refresh_state: 'active' })
          .where('connection_id', '=', 'nothing-here')
          .execute();
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(cached()).toBe(true);

        await other.deleteFrom('connections').where('id', '=', seeded.value.row.id).execute();
        await eventually(() => !cached());
      } finally {
        await other.destroy();
        await cache.close();
      }
    });
});
