/**
 * Custom provider definitions kept in memory (providers/custom-provider-cache.ts): resolving a name, shipped or not,
 * reads nothing once the environment's definitions are cached, and each write of custom providers (create, update,
 * delete, import with override) is seen at once by the writing instance and, through the change channel, by other
 * instances on the same PostgreSQL. Caches here keep entries for an hour, so only invalidation explains a change seen.
 */
import type { KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AuthContext } from '../src/auth/auth-context';
import { createLatchkey, type Latchkey } from '../src/latchkey';
import { createDatabase, type Db } from '../src/platform/database/database';
import { createLogger } from '../src/platform/logging/logger';
import { type CustomProviderCache, createCustomProviderCache } from '../src/providers/custom-provider-cache';
import { createProviderService, type ProviderService } from '../src/providers/provider.service';
import { apiKeyEntry } from './support/provider-entries';
import { databaseKinds } from './support/test-database';
import { createTestLatchkey, type TestLatchkey } from './support/test-latchkey';

const logger = createLogger('silent');
const HOUR = 3_600_000;
const WAIT = { timeout: 15_000, interval: 25 };

/** The database as seen through a query counter. */
function counted(db: Db): { db: Db; queries: () => number } {
  let queries = 0;
  const counter: KyselyPlugin = {
    transformQuery: (args) => {
      queries += 1;
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  return { db: db.withPlugin(counter), queries: () => queries };
}

interface Instance {
  providers: ProviderService;
  cache: CustomProviderCache;
  queries: () => number;
}

async function instance(t: TestLatchkey, db: Db): Promise<Instance> {
  const seen = counted(db);
  const cache = createCustomProviderCache({ db: seen.db, logger, listenUrl: t.database.url, ttlMs: HOUR });
  await cache.start();
  const providers = createProviderService({
    db: seen.db,
    catalog: t.latchkey.catalog,
    publicUrl: 'http://latchkey.test',
    allowPrivateUrls: false,
    isProviderInUse: async () => false,
    cache,
  });
  return { providers, cache, queries: seen.queries };
}

describe.each(databaseKinds())('custom provider cache (%s)', (kind) => {
  let t: TestLatchkey;
  let auth: AuthContext;
  beforeAll(async () => {
    t = await createTestLatchkey(kind);
    const dev = await t.latchkey.services.environments.getByName('dev');
    auth = { environment: { id: dev.id, name: dev.name }, scopes: ['environment:*'] };
  });
  afterAll(() => t[Symbol.asyncDispose]());

  const authMode = async (on: Instance, name: string) =>
    (await on.providers.resolve(auth.environment.id, name))?.auth_mode;

  it('resolves from memory once the environment is read: one query for a thousand resolves', async () => {
    const one = await instance(t, t.database.db);
    try {
      const before = one.queries();
      for (let i = 0; i < 1000; i++) await one.providers.resolve(auth.environment.id, 'github');
      expect(one.queries() - before).toBe(1);
    } finally {
      await one.cache.close();
    }
  });

  it('sees its own create, override, update and delete at once', async () => {
    const one = await instance(t, t.database.db);
    try {
      expect(await authMode(one, 'github')).toBe('OAUTH2');
      expect(await authMode(one, 'acme-cached')).toBeUndefined();

      await one.providers.createCustom(auth, { name: 'acme-cached', ...apiKeyEntry('Acme') });
      expect(await authMode(one, 'acme-cached')).toBe('API_KEY');

      const report = await one.providers.importFile(
        auth,
        { github: apiKeyEntry('GitHub (ours)') },
        { override: true },
      );
      expect(report.imported).toEqual(['github']);
      expect(await authMode(one, 'github')).toBe('API_KEY');

      await one.providers.createCustom(auth, {
        name: 'github-alias',
        alias: 'github',
        display_name: 'Alias',
        docs: 'https://x.example',
      });
      expect(await authMode(one, 'github-alias')).toBe('API_KEY');

      await one.providers.updateCustom(auth, 'github', { display_name: 'GitHub (patched)' });
      expect((await one.providers.resolve(auth.environment.id, 'github'))?.display_name).toBe(
        'GitHub (patched)',
      );

      await one.providers.deleteCustom(auth, 'github');
      expect(await authMode(one, 'github')).toBe('OAUTH2');
      expect(await authMode(one, 'github-alias')).toBe('OAUTH2');

      await one.providers.deleteCustom(auth, 'github-alias');
      await one.providers.deleteCustom(auth, 'acme-cached');
      expect(await authMode(one, 'acme-cached')).toBeUndefined();
    } finally {
      await one.cache.close();
    }
  });

  // Only PostgreSQL has other instances: the embedded database belongs to one process.
  if (kind === 'postgres') {
    it("sees another instance's create, override, update and delete", async () => {
      // Two instances: each its own pool and cache, listening on the database.
      const firstDb = createDatabase({ kind: 'postgres', url: t.database.url!, poolSize: 2 });
      const secondDb = createDatabase({ kind: 'postgres', url: t.database.url!, poolSize: 2 });
      const [a, b] = [await instance(t, firstDb), await instance(t, secondDb)];
      const settles = (check: () => Promise<void>) => vi.waitFor(check, WAIT);
      try {
        expect(await authMode(b, 'gitlab')).toBe('OAUTH2');
        expect(await authMode(b, 'acme-remote')).toBeUndefined();
        const cachedQueries = b.queries();
        await authMode(b, 'gitlab');
        expect(b.queries()).toBe(cachedQueries);

        // Inserts: the triggers do not announce them, the service does.
        await a.providers.createCustom(auth, { name: 'acme-remote', ...apiKeyEntry('Acme') });
        await settles(async () => expect(await authMode(b, 'acme-remote')).toBe('API_KEY'));
        await a.providers.importFile(auth, { gitlab: apiKeyEntry('GitLab (ours)') }, { override: true });
        await settles(async () => expect(await authMode(b, 'gitlab')).toBe('API_KEY'));

        expect(await authMode(a, 'gitlab')).toBe('API_KEY');
        await b.providers.updateCustom(auth, 'gitlab', { display_name: 'GitLab (patched)' });
        await settles(async () =>
          expect((await a.providers.resolve(auth.environment.id, 'gitlab'))?.display_name).toBe(
            'GitLab (patched)',
          ),
        );

        await b.providers.deleteCustom(auth, 'gitlab');
        await b.providers.deleteCustom(auth, 'acme-remote');
        await settles(async () => expect(await authMode(a, 'gitlab')).toBe('OAUTH2'));
        await settles(async () => expect(await authMode(a, 'acme-remote')).toBeUndefined());
      } finally {
        await Promise.all([a.cache.close(), b.cache.close()]);
        await Promise.all([firstDb.destroy(), secondDb.destroy()]);
      }
    });

    it('two Latchkey instances on one database: an override imported on one is resolved on the other', async () => {
      const seen = counted(createDatabase({ kind: 'postgres', url: t.database.url!, poolSize: 2 }));
      let second: Latchkey | undefined;
      try {
        second = await createLatchkey(t.latchkey.config, { logger, db: seen.db });
        const other = second;
        const resolved = async () =>
          (await other.services.providers.resolve(auth.environment.id, 'bitbucket'))?.auth_mode;
        expect(await resolved()).toBe('OAUTH2');
        // Listening, the second instance answers from memory.
        const before = seen.queries();
        await resolved();
        expect(seen.queries()).toBe(before);

        const imported = await t.request('/providers/import?override=true', {
          method: 'POST',
          json: { bitbucket: apiKeyEntry('Bitbucket (ours)') },
        });
        expect(imported.status).toBe(200);
        await vi.waitFor(async () => expect(await resolved()).toBe('API_KEY'), WAIT);
        expect((await t.request('/providers/bitbucket', { method: 'DELETE' })).status).toBe(200);
        await vi.waitFor(async () => expect(await resolved()).toBe('OAUTH2'), WAIT);
      } finally {
        await second?.stopBackground();
        await seen.db.destroy();
      }
    });
  }
});
