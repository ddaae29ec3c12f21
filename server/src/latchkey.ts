/**
 * One Latchkey instance: database opened and migrated, catalog loaded, services assembled, default environments
 * ensured, REST app built. `main.ts` serves it over HTTP; tests build it around a database of their own.
 */
import { type Catalog, loadCatalog } from '@latchkey/providers';
import type { Hono } from 'hono';
import { DEFAULT_REFRESH_POLICY } from './credentials/refresh-policy';
import { type RefreshScheduler, startRefreshScheduler } from './credentials/refresh-scheduler';
import type { CreatedEnvironment } from './environments/environment.service';
import type { Config } from './platform/config/config';
import { createVault, type Vault } from './platform/crypto/vault';
import { createDatabase, type Db } from './platform/database/database';
import { acquireEmbeddedLock } from './platform/database/embedded-lock';
import { migrateToLatest } from './platform/database/migrator';
import type { Logger } from './platform/logging/logger';
import { createServices, type Services } from './services';
import { createRestApp } from './transports/rest/rest-app';
import type { RestEnv } from './transports/rest/rest-env';

export interface Latchkey {
  config: Config;
  db: Db;
  vault: Vault;
  catalog: Catalog;
  services: Services;
  app: Hono<RestEnv>;
  /** Environments this start created (first boot), with their secret keys in clear. */
  createdEnvironments: CreatedEnvironment[];
  refresher: RefreshScheduler;
  /** Stops background work (refresher, batched writes) without closing the database. */
  stopBackground(): Promise<void>;
  close(): Promise<void>;
}

let sharedCatalog: Catalog | undefined;

export async function createLatchkey(
  config: Config,
  options: { logger: Logger; db?: Db },
): Promise<Latchkey> {
  const opened =
    options.db === undefined ? openConfiguredDatabase(config) : { db: options.db, release: () => {} };
  const { db } = opened;
  try {
    const applied = await migrateToLatest(db);
    if (applied.length > 0) options.logger.info({ migrations: applied }, 'database migrated');
    sharedCatalog ??= loadCatalog();
    const catalog = sharedCatalog;
    const vault = createVault(config.keyring);
    const services = createServices({
      db,
      vault,
      catalog,
      publicUrl: config.publicUrl,
      allowPrivateUrls: config.allowPrivateUrls,
      logger: options.logger,
      connectSessionTtlSeconds: config.connectSessionTtlSeconds,
      refreshPolicy: { ...DEFAULT_REFRESH_POLICY, marginSeconds: config.refreshMarginSeconds },
    });
    const refresher = startRefreshScheduler({
      db,
      credentials: services.credentials,
      providers: services.providers,
      logger: options.logger,
      policy: { ...DEFAULT_REFRESH_POLICY, marginSeconds: config.refreshMarginSeconds },
      intervalMs: config.refreshIntervalSeconds * 1000,
      concurrency: 4,
      enabled: config.proactiveRefresh,
    });
    // Background work stops before the database closes; tests that own their database call this alone.
    const stopBackground = async () => {
      await refresher.stop();
      await services.fetchTracker.stop();
    };
    const createdEnvironments = await services.environments.ensureDefaults({
      bootstrapSecretKey: config.bootstrapSecretKey,
    });
    const app = createRestApp({ services, db, catalog, logger: options.logger, bodyLimit: config.bodyLimit });
    return {
      config,
      db,
      vault,
      catalog,
      services,
      app,
      createdEnvironments,
      refresher,
      stopBackground,
      close: async () => {
        await stopBackground();
        await db.destroy();
        opened.release();
      },
    };
  } catch (error) {
    await db.destroy().catch(() => {});
    opened.release();
    throw error;
  }
}

/** The database named by the configuration; the embedded one is locked to this process while open. */
export function openConfiguredDatabase(config: Config): { db: Db; release: () => void } {
  if (config.database.kind === 'postgres') return { db: createDatabase(config.database), release: () => {} };
  const release = acquireEmbeddedLock(config.dataDir);
  return { db: createDatabase({ kind: 'pglite', dataDir: config.database.dataDir }), release };
}
