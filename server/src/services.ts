/** The service layer, assembled once per process. Transports receive this object and nothing else of the core. */
import type { Catalog } from '@latchkey/providers';
import { type ApiKeyService, createApiKeyService } from './api-keys/api-key.service';
import { type AuthFlowService, createAuthFlowService } from './auth-flows/auth-flow.service';
import {
  type ConnectSessionService,
  createConnectSessionService,
} from './connect-sessions/connect-session.service';
import { type ConnectUiService, createConnectUiService } from './connect-sessions/connect-ui.service';
import { type ConnectionService, createConnectionService } from './connections/connection.service';
import { createCredentialService, type RefreshingCredentialService } from './credentials/credential.service';
import { createFetchTracker, type FetchTracker } from './credentials/fetch-tracker';
import { DEFAULT_REFRESH_POLICY, type RefreshPolicy } from './credentials/refresh-policy';
import { createEnvironmentService, type EnvironmentService } from './environments/environment.service';
import {
  createEnvironmentSettingsService,
  type EnvironmentSettingsService,
} from './environments/environment-settings.service';
import { integrationUsesProvider } from './integrations/integration.repository';
import { createIntegrationService, type IntegrationService } from './integrations/integration.service';
import { createLogService, type LogService } from './logs/log.service';
import type { Vault } from './platform/crypto/vault';
import type { Db } from './platform/database/database';
import type { Logger } from './platform/logging/logger';
import type { OutboundFetch } from './platform/outbound/outbound.types';
import { createOutboundFetch } from './platform/outbound/outbound-fetch';
import { createProviderService, type ProviderService } from './providers/provider.service';

export interface Services {
  apiKeys: ApiKeyService;
  environments: EnvironmentService;
  environmentSettings: EnvironmentSettingsService;
  providers: ProviderService;
  integrations: IntegrationService;
  connectSessions: ConnectSessionService;
  connections: ConnectionService;
  authFlows: AuthFlowService;
  connectUi: ConnectUiService;
  logs: LogService;
  credentials: RefreshingCredentialService;
  /** Batches `last_fetched_at` writes; flushed on close. */
  fetchTracker: FetchTracker;
}

export interface ServiceDeps {
  db: Db;
  vault: Vault;
  catalog: Catalog;
  publicUrl: string;
  allowPrivateUrls: boolean;
  logger: Logger;
  connectSessionTtlSeconds: number;
  /** Replaces the outbound policy (tests only). */
  outbound?: OutboundFetch;
  refreshPolicy?: RefreshPolicy;
}

export function createServices(deps: ServiceDeps): Services {
  const { db, vault } = deps;
  const apiKeys = createApiKeyService({ db });
  const environments = createEnvironmentService({ db, vault, apiKeys });
  const providers = createProviderService({
    db,
    catalog: deps.catalog,
    publicUrl: deps.publicUrl,
    allowPrivateUrls: deps.allowPrivateUrls,
    isProviderInUse: (environmentId, name) => integrationUsesProvider(db, environmentId, name),
  });
  const integrations = createIntegrationService({ db, vault, providers, publicUrl: deps.publicUrl });
  const environmentSettings = createEnvironmentSettingsService({ db, vault });
  const connectSessions = createConnectSessionService({
    db,
    publicUrl: deps.publicUrl,
    ttlSeconds: deps.connectSessionTtlSeconds,
  });
  const outbound = deps.outbound ?? createOutboundFetch({ allowPrivateUrls: deps.allowPrivateUrls });
  const logs = createLogService({ db, logger: deps.logger });
  const fetchTracker = createFetchTracker(db);
  const credentials = createCredentialService({
    db,
    vault,
    outbound,
    providers,
    integrations,
    logs,
    logger: deps.logger,
    policy: deps.refreshPolicy ?? DEFAULT_REFRESH_POLICY,
    allowPrivateUrls: deps.allowPrivateUrls,
    fetchTracker,
  });
  const connections = createConnectionService({ db, vault, credentials });
  const authFlows = createAuthFlowService({
    db,
    vault,
    outbound,
    connections,
    logs,
    connectSessions,
    environmentSettings,
    integrations,
    providers,
    publicUrl: deps.publicUrl,
    allowPrivateUrls: deps.allowPrivateUrls,
    logger: deps.logger,
  });
  const connectUi = createConnectUiService({ integrations, providers });
  return {
    apiKeys,
    environments,
    environmentSettings,
    providers,
    integrations,
    connectSessions,
    connections,
    authFlows,
    connectUi,
    logs,
    credentials,
    fetchTracker,
  };
}
