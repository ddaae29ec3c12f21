/** The service layer, assembled once per process. Transports receive this object and nothing else of the core. */
import type { Catalog } from '@latchkey/providers';
import { type ApiKeyService, createApiKeyService } from './api-keys/api-key.service';
import { type ApiKeyAdminService, createApiKeyAdminService } from './api-keys/api-key-admin.service';
import { type AuditService, createAuditService } from './audit/audit.service';
import { type AuthFlowService, createAuthFlowService } from './auth-flows/auth-flow.service';
import { createFlowResultBus, type FlowResultBus } from './auth-flows/flow-results';
import {
  type ConnectSessionService,
  createConnectSessionService,
} from './connect-sessions/connect-session.service';
import { type ConnectUiService, createConnectUiService } from './connect-sessions/connect-ui.service';
import { type ConnectionService, createConnectionService } from './connections/connection.service';
import {
  type ConnectionAdminService,
  createConnectionAdminService,
} from './connections/connection-admin.service';
import {
  type ConnectionInspectionService,
  createConnectionInspectionService,
} from './connections/connection-inspection.service';
import { type ConnectionPageService, createConnectionPageService } from './connections/connection-page';
import type { ConnectionReadCache } from './credentials/connection-read-cache';
import { createCredentialService, type RefreshingCredentialService } from './credentials/credential.service';
import { createFetchTracker, type FetchTracker } from './credentials/fetch-tracker';
import { DEFAULT_REFRESH_POLICY, type RefreshPolicy } from './credentials/refresh-policy';
import { type AllowedOrigins, createAllowedOrigins } from './environments/allowed-origins';
import { createEnvironmentService, type EnvironmentService } from './environments/environment.service';
import {
  createEnvironmentAdminService,
  type EnvironmentAdminService,
} from './environments/environment-admin.service';
import {
  createEnvironmentSettingsService,
  type EnvironmentSettingsService,
} from './environments/environment-settings.service';
import { createEventService, type EventService } from './events/event.service';
import { createEventBus, type EventBus } from './events/event-bus';
import { integrationUsesProvider } from './integrations/integration.repository';
import { createIntegrationService, type IntegrationService } from './integrations/integration.service';
import { createLogService, type LogService } from './logs/log.service';
import { createOperatorService, type OperatorService } from './operators/operator.service';
import { createOperatorOidcService, type OperatorOidcService } from './operators/operator-oidc.service';
import type { SignInLimits } from './operators/sign-in-limiter';
import type { OidcConfig } from './platform/config/config';
import type { Vault } from './platform/crypto/vault';
import type { Db } from './platform/database/database';
import type { Logger } from './platform/logging/logger';
import type { OutboundFetch } from './platform/outbound/outbound.types';
import { createOutboundFetch } from './platform/outbound/outbound-fetch';
import { createOutboundStream } from './platform/outbound/outbound-stream';
import type { CustomProviderCache } from './providers/custom-provider-cache';
import { createProviderService, type ProviderService } from './providers/provider.service';
import { createProxyService, type ProxyService } from './proxy/proxy.service';
import { createStatsService, type StatsService } from './stats/stats.service';
import {
  createWebhookDeliveryService,
  type WebhookDeliveryService,
} from './webhooks/webhook-delivery.service';

export interface Services {
  apiKeys: ApiKeyService;
  environments: EnvironmentService;
  environmentSettings: EnvironmentSettingsService;
  /** Which origins each environment lets read its answers (CORS) and receive its popups' results. */
  allowedOrigins: AllowedOrigins;
  providers: ProviderService;
  integrations: IntegrationService;
  connectSessions: ConnectSessionService;
  connections: ConnectionService;
  /** List, patch, delete, metadata and import. */
  connectionAdmin: ConnectionAdminService;
  /** Keyset pages of connections (the typed APIs' cursor pagination). */
  connectionPages: ConnectionPageService;
  authFlows: AuthFlowService;
  /** Outcomes of popup flows, for the frontend SDK's WebSocket (this instance's and, on PostgreSQL, others'). */
  flowResults: FlowResultBus;
  connectUi: ConnectUiService;
  logs: LogService;
  credentials: RefreshingCredentialService;
  proxy: ProxyService;
  events: EventService;
  webhookDeliveries: WebhookDeliveryService;
  /** Batches `last_fetched_at` writes; flushed on close. */
  fetchTracker: FetchTracker;
  /** Who did what: every operator action, recorded by the services above. */
  audit: AuditService;
  /** Dashboard operators: sign-in, sessions, two-factor, the team and instance settings. */
  operators: OperatorService;
  /** Operator sign-in with OpenID Connect; undefined when LATCHKEY_OIDC_ISSUER is not set. */
  operatorOidc: OperatorOidcService | undefined;
  /** Secret keys as operators manage them (scoped, audited). */
  apiKeyAdmin: ApiKeyAdminService;
  /** The environment switcher: list, and create (admins). */
  environmentAdmin: EnvironmentAdminService;
  /** A connection without secrets, and the audited reveal of its credentials. */
  connectionInspection: ConnectionInspectionService;
  /** The dashboard's home page. */
  stats: StatsService;
}

export interface ServiceDeps {
  db: Db;
  vault: Vault;
  catalog: Catalog;
  publicUrl: string;
  allowPrivateUrls: boolean;
  /** Requests to providers' auth endpoints are cut after this long (LATCHKEY_PROVIDER_TIMEOUT_MS). */
  providerTimeoutMs?: number;
  logger: Logger;
  connectSessionTtlSeconds: number;
  /** Operator sign-in with OpenID Connect (LATCHKEY_OIDC_*); absent when not configured. */
  oidc?: OidcConfig;
  /** Replaces the sign-in rate limits (tests only). */
  signInLimits?: SignInLimits;
  /** Replaces the outbound policy (tests only). */
  outbound?: OutboundFetch;
  refreshPolicy?: RefreshPolicy;
  /** Live auth events; latchkey.ts passes one that listens across instances. Absent: in-process only. */
  eventBus?: EventBus;
  /** Popup flow outcomes; latchkey.ts passes one that hears other instances. Absent: in-process only. */
  flowResults?: FlowResultBus;
  /** Serves reads of fresh tokens from memory; latchkey.ts passes one that hears other instances' writes. */
  readCache?: ConnectionReadCache;
  /** Custom provider definitions in memory; latchkey.ts passes one that hears other instances' writes. */
  customProviders?: CustomProviderCache;
  /** Wakes the webhook worker (a replayed delivery goes out at once). */
  onDeliveriesQueued?: () => void;
}

export function createServices(deps: ServiceDeps): Services {
  const { db, vault } = deps;
  const audit = createAuditService({ db });
  const apiKeys = createApiKeyService({ db });
  const environments = createEnvironmentService({ db, vault, apiKeys });
  const providers = createProviderService({
    db,
    catalog: deps.catalog,
    publicUrl: deps.publicUrl,
    allowPrivateUrls: deps.allowPrivateUrls,
    isProviderInUse: (environmentId, name) => integrationUsesProvider(db, environmentId, name),
    audit,
    cache: deps.customProviders,
  });
  const integrations = createIntegrationService({ db, vault, providers, publicUrl: deps.publicUrl, audit });
  const environmentSettings = createEnvironmentSettingsService({
    db,
    vault,
    allowPrivateUrls: deps.allowPrivateUrls,
    audit,
  });
  const eventBus = deps.eventBus ?? createEventBus({ db, logger: deps.logger });
  // Every service that writes auth events calls this after its commit.
  const onEventsCommitted = (eventIds: string[]) => eventBus.published(eventIds);
  const connectSessions = createConnectSessionService({
    db,
    publicUrl: deps.publicUrl,
    ttlSeconds: deps.connectSessionTtlSeconds,
  });
  const outbound =
    deps.outbound ??
    createOutboundFetch({ allowPrivateUrls: deps.allowPrivateUrls, timeoutMs: deps.providerTimeoutMs });
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
    publicUrl: deps.publicUrl,
    fetchTracker,
    readCache: deps.readCache,
    onEventsCommitted,
  });
  const connections = createConnectionService({ db, vault, credentials, onEventsCommitted, audit });
  const connectionAdmin = createConnectionAdminService({
    db,
    connections,
    integrations,
    providers,
    logs,
    outbound,
    logger: deps.logger,
    allowPrivateUrls: deps.allowPrivateUrls,
    onEventsCommitted,
    audit,
  });
  const proxy = createProxyService({
    credentials,
    integrations,
    outbound: createOutboundStream({ allowPrivateUrls: deps.allowPrivateUrls }),
    allowPrivateUrls: deps.allowPrivateUrls,
  });
  const flowResults = deps.flowResults ?? createFlowResultBus({ db, logger: deps.logger });
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
    flowResults,
  });
  const connectUi = createConnectUiService({
    integrations,
    providers,
    connectUiTheme: (environmentId) => environmentSettings.connectUiTheme(environmentId),
  });
  const operators = createOperatorService({
    db,
    vault,
    audit,
    publicUrl: deps.publicUrl,
    oidcEnabled: deps.oidc !== undefined,
    signInLimits: deps.signInLimits,
  });
  return {
    apiKeys,
    environments,
    environmentSettings,
    allowedOrigins: createAllowedOrigins({ db }),
    providers,
    integrations,
    connectSessions,
    connections,
    connectionAdmin,
    connectionPages: createConnectionPageService({ db }),
    authFlows,
    flowResults,
    connectUi,
    logs,
    credentials,
    proxy,
    events: createEventService({ db, bus: eventBus }),
    webhookDeliveries: createWebhookDeliveryService({ db, onDeliveriesQueued: deps.onDeliveriesQueued }),
    fetchTracker,
    audit,
    operators,
    operatorOidc:
      deps.oidc === undefined
        ? undefined
        : createOperatorOidcService({
            db,
            vault,
            audit,
            sessions: operators.sessions,
            publicUrl: deps.publicUrl,
            config: deps.oidc,
            allowInsecureRequests: deps.allowPrivateUrls,
          }),
    apiKeyAdmin: createApiKeyAdminService({ apiKeys, audit }),
    environmentAdmin: createEnvironmentAdminService({ environments, audit }),
    connectionInspection: createConnectionInspectionService({ db, connections, audit }),
    stats: createStatsService({ db }),
  };
}
