/**
 * One Latchkey instance: database opened and migrated, catalog loaded, services assembled, default environments
 * ensured, REST app built. `main.ts` serves it over HTTP; tests build it around a database of their own.
 */
import { type Catalog, loadCatalog } from '@latchkey/providers';
import type { Hono } from 'hono';
import { createFlowResultBus } from './auth-flows/flow-results';
import { createConnectionReadCache } from './credentials/connection-read-cache';
import { DEFAULT_REFRESH_POLICY } from './credentials/refresh-policy';
import { type RefreshScheduler, startRefreshScheduler } from './credentials/refresh-scheduler';
import type { CreatedEnvironment } from './environments/environment.service';
import { createEventBus } from './events/event-bus';
import type { Config } from './platform/config/config';
import { createVault, type Vault } from './platform/crypto/vault';
import { createDatabase, type Db, reportDatabaseErrorsTo } from './platform/database/database';
import { acquireEmbeddedLock } from './platform/database/embedded-lock';
import { migrateToLatest } from './platform/database/migrator';
import type { Logger } from './platform/logging/logger';
import { createOutboundFetch } from './platform/outbound/outbound-fetch';
import { LATCHKEY_VERSION } from './platform/version';
import { createCustomProviderCache } from './providers/custom-provider-cache';
import { createServices, type Services } from './services';
import { createHttpApp } from './transports/http-app';
import { createFastConnectionRead, type NodeRoute } from './transports/rest/fast-connection-read';
import type { RestEnv } from './transports/rest/rest-env';
import { createWebSocketRoutes, type WebSocketRoutes } from './transports/websocket/websocket-routes';
import { startWebhookWorker, type WebhookWorker } from './webhooks/webhook-worker';

export interface Latchkey {
  config: Config;
  db: Db;
  vault: Vault;
  catalog: Catalog;
  services: Services;
  app: Hono<RestEnv>;
  /** Routes served on node:http ahead of `app` (each returns false for requests it leaves to `app`). */
  nodeRoutes: NodeRoute[];
  /** WebSocket endpoints by path; http-server.ts routes upgrade requests here. */
  webSockets: WebSocketRoutes;
  /** Environments this start created (first boot), with their secret keys in clear. */
  createdEnvironments: CreatedEnvironment[];
  /** While no operator exists: the one-time code for `/setup?code=…`, new on every start (printed by first-boot.ts). */
  setupCode: string | null;
  refresher: RefreshScheduler;
  /** Stops background work (refresher, batched writes, webhook worker, event bus) without closing the database. */
  stopBackground(): Promise<void>;
  /** Ends live event streams, so a graceful stop need not wait for their clients to leave. */
  closeStreams(): void;
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
  reportDatabaseErrorsTo(db, options.logger);
  try {
    const applied = await migrateToLatest(db);
    if (applied.length > 0) options.logger.info({ migrations: applied }, 'database migrated');
    sharedCatalog ??= loadCatalog();
    const catalog = sharedCatalog;
    const vault = createVault(config.keyring);
    const refreshPolicy = {
      ...DEFAULT_REFRESH_POLICY,
      marginSeconds: config.refreshMarginSeconds,
      baseCooldownMs: config.refreshCooldownSeconds * 1000,
    };
    const eventBus = createEventBus({
      db,
      logger: options.logger,
      listenUrl: config.database.kind === 'postgres' ? config.database.url : undefined,
    });
    const readCache = createConnectionReadCache({
      db,
      logger: options.logger,
      listenUrl: config.database.kind === 'postgres' ? config.database.url : undefined,
    });
    const customProviders = createCustomProviderCache({
      db,
      logger: options.logger,
      listenUrl: config.database.kind === 'postgres' ? config.database.url : undefined,
    });
    const flowResults = createFlowResultBus({
      db,
      logger: options.logger,
      listenUrl: config.database.kind === 'postgres' ? config.database.url : undefined,
    });
    let webhookWorker: WebhookWorker | undefined;
    const services = createServices({
      db,
      vault,
      catalog,
      publicUrl: config.publicUrl,
      allowPrivateUrls: config.allowPrivateUrls,
      providerTimeoutMs: config.providerTimeoutMs,
      logger: options.logger,
      connectSessionTtlSeconds: config.connectSessionTtlSeconds,
      oidc: config.oidc,
      refreshPolicy,
      eventBus,
      readCache,
      customProviders,
      flowResults,
      onDeliveriesQueued: () => webhookWorker?.wake(),
    });
    const refresher = startRefreshScheduler({
      db,
      credentials: services.credentials,
      providers: services.providers,
      logger: options.logger,
      policy: refreshPolicy,
      intervalMs: config.refreshIntervalSeconds * 1000,
      concurrency: 4,
      enabled: config.proactiveRefresh,
    });
    // Background work stops before the database closes; tests that own their database call this alone.
    const stopBackground = async () => {
      eventBus.endSubscriptions();
      await Promise.all([refresher.stop(), webhookWorker?.stop()]);
      await services.fetchTracker.stop();
      await eventBus.close();
      await readCache.close();
      await customProviders.close();
      await flowResults.close();
    };
    const createdEnvironments = await services.environments.ensureDefaults({
      bootstrapSecretKey: config.bootstrapSecretKey,
    });
    const { setupCode } = await services.operators.bootstrap(config.bootstrapAdmin);
    const webSockets = createWebSocketRoutes();
    const app = createHttpApp({
      services,
      db,
      catalog,
      logger: options.logger,
      bodyLimit: config.bodyLimit,
      rateLimits: config.rateLimits,
      webSockets,
      websocketPath: config.websocketPath,
    });
    await Promise.all([eventBus.start(), readCache.start(), customProviders.start(), flowResults.start()]);
    if (config.webhooks.enabled) {
      webhookWorker = startWebhookWorker({
        db,
        vault,
        outbound: createOutboundFetch({ allowPrivateUrls: config.allowPrivateUrls }),
        logger: options.logger,
        options: {
          pollMs: config.webhooks.pollMs,
          timeoutMs: config.webhooks.timeoutMs,
          concurrency: config.webhooks.concurrency,
          horizonMs: config.webhooks.retryHorizonSeconds * 1000,
          backoffBaseMs: config.webhooks.backoffBaseMs,
          backoffMaxMs: config.webhooks.backoffMaxSeconds * 1000,
          userAgent: `Latchkey/${LATCHKEY_VERSION}`,
        },
      });
      // Commits here and, on PostgreSQL, in other instances wake the worker; polling covers the rest.
      const worker = webhookWorker;
      eventBus.onPublished(() => worker.wake());
    }
    return {
      config,
      db,
      vault,
      catalog,
      services,
      app,
      nodeRoutes: [createFastConnectionRead({ services, logger: options.logger })],
      webSockets,
      createdEnvironments,
      setupCode,
      refresher,
      stopBackground,
      closeStreams: () => {
        eventBus.endSubscriptions();
        webSockets.closeAll();
      },
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
