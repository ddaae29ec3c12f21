/**
 * The common first steps of every public flow endpoint (compat doc 3.4, steps 1-5): who started it (a connect
 * session token, or an environment's public key when the environment allows public-key flows, with HMAC when
 * enabled), which integration and provider, whether the session allows it, which connection id, and the end user's
 * connection configuration, validated before any URL is built from it.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { AuthMode, Provider } from '@latchkey/providers';
import { AuthenticationError, LatchkeyError, NotFoundError, ValidationError } from '@latchkey/schema';
import { z } from 'zod';
import type { SessionBrowser } from '../connect-sessions/browser-binding';
import type { ConnectSession, ConnectSessionService } from '../connect-sessions/connect-session.service';
import { findConnectionRowById } from '../connections/connection.repository';
import type { EndUser } from '../connections/connection.table';
import type { EnvironmentSettingsService, FlowSettings } from '../environments/environment-settings.service';
import type { IntegrationForFlow, IntegrationService } from '../integrations/integration.service';
import type { Db } from '../platform/database/database';
import { validateConnectionConfig } from '../provider-requests/connection-config';
import type { ProviderService } from '../providers/provider.service';
import { LATCHKEY_NONCE_PATTERN } from './return-url';

const stringMap = z.record(z.string().max(255), z.unknown());

/** The query of `/oauth/connect/:key` and the direct-credential endpoints, as the Nango frontend SDK sends it. */
export const flowQuerySchema = z
  .object({
    connect_session_token: z.string().max(200).optional(),
    public_key: z.string().max(200).optional(),
    connection_id: z.string().min(1).max(255).optional(),
    hmac: z.string().max(200).optional(),
    params: stringMap.optional(),
    authorization_params: stringMap.optional(),
    user_scope: z.string().max(4000).optional(),
    ws_client_id: z.string().max(100).optional(),
    /** The widget's flow nonce (32 hex), echoed back with the result. */
    latchkey_nonce: z
      .string()
      .regex(LATCHKEY_NONCE_PATTERN, 'must be 32 lowercase hex characters')
      .optional(),
    /** Redirect mode: the app page to come back to (checked against the request's origin). */
    return_url: z.string().max(2048).optional(),
    credentials: stringMap.optional(),
    token_id: z.string().max(1024).optional(),
    token_secret: z.string().max(1024).optional(),
  })
  .catchall(z.unknown());
export type FlowQuery = z.infer<typeof flowQuerySchema>;

export interface FlowContext {
  settings: FlowSettings;
  session: ConnectSession | null;
  /** The session that started the flow; kept across the redirect, where `session` is not reloaded. */
  connectSessionId: string | null;
  integration: IntegrationForFlow;
  provider: Provider;
  connectionId: string;
  /** True when completing the flow overrides a connection pinned by a reconnect session. */
  reconnect: boolean;
  connectionConfig: Record<string, string>;
  /** Authorization parameters from the request, replaced by the session's defaults when it has some. */
  authorizationParams: Record<string, string>;
  /** Scopes to request: integration scopes, or an override from the session or the request. */
  scopes: string[];
  userScopes: string[] | undefined;
  endUser: EndUser | null;
  tags: Record<string, string>;
}

export interface FlowRequestDeps {
  db: Db;
  connectSessions: ConnectSessionService;
  environmentSettings: EnvironmentSettingsService;
  integrations: IntegrationService;
  providers: ProviderService;
}

export async function authorizeFlowRequest(
  deps: FlowRequestDeps,
  integrationKey: string,
  query: FlowQuery,
  modes: readonly AuthMode[],
  /** The browser the request came from, for sessions bound to one. */
  browser: SessionBrowser,
): Promise<FlowContext> {
  let session: ConnectSession | null = null;
  let settings: FlowSettings;
  let connectionId: string;

  if (query.connect_session_token !== undefined && query.connect_session_token !== '') {
    session = await deps.connectSessions.authenticate(query.connect_session_token, browser);
    if (query.connection_id !== undefined) {
      throw new ValidationError(
        'invalid_query_params',
        'connection_id is forbidden when using session token',
        {
          errors: [
            {
              code: 'forbidden',
              message: 'connection_id is forbidden when using session token',
              path: ['connection_id'],
            },
          ],
        },
      );
    }
    settings = await deps.environmentSettings.flowSettings(session.environment.id);
    connectionId = randomUUID();
  } else if (query.public_key !== undefined && query.public_key !== '') {
    settings = await deps.environmentSettings.byPublicKey(query.public_key);
    // Refused before anything is looked up or written: the public key ships in web pages, so it proves nothing.
    if (!settings.publicKeyFlowsEnabled) throw new LatchkeyError('public_key_flows_disabled');
    if (settings.hmacEnabled) checkHmac(settings.hmacKey, integrationKey, query.connection_id, query.hmac);
    connectionId = query.connection_id ?? randomUUID();
  } else {
    throw new AuthenticationError('missing_public_key');
  }

  const environmentId = settings.environment.id;
  const integration = await deps.integrations.loadForFlow(environmentId, integrationKey);
  if (integration === undefined) {
    throw new NotFoundError('unknown_provider_config', `Integration ${integrationKey} does not exist.`);
  }
  const provider = await deps.providers.resolve(environmentId, integration.provider);
  if (provider === undefined)
    throw new NotFoundError('unknown_provider', `Provider ${integration.provider} is unknown.`);
  if (!modes.includes(provider.auth_mode)) {
    throw new LatchkeyError(
      'invalid_auth_mode',
      `Integration ${integrationKey} uses ${provider.auth_mode}; this endpoint serves ${modes.join(', ')}.`,
    );
  }
  if (session?.allowedIntegrations != null && !session.allowedIntegrations.includes(integrationKey)) {
    throw new LatchkeyError(
      'integration_not_allowed',
      `This connect session does not allow ${integrationKey}.`,
    );
  }

  let reconnect = false;
  let pinnedConfig: Record<string, string> = {};
  if (session?.reconnectConnectionRowId != null) {
    const pinned = await findConnectionRowById(deps.db, session.reconnectConnectionRowId);
    if (pinned === undefined) throw new LatchkeyError('invalid_connection');
    if (pinned.integration_id !== integration.id) {
      throw new LatchkeyError(
        'integration_not_allowed',
        'This reconnect session is for another integration.',
      );
    }
    connectionId = pinned.connection_id;
    reconnect = true;
    // A reconnect keeps the connection's config: the end user need not type the subdomain again.
    pinnedConfig = pinned.connection_config;
  }

  // The end user's params[...] are validated first; the session's defaults (set by the app's backend) win over them.
  const defaults = session?.integrationsConfigDefaults[integrationKey];
  const requestConfig = validateConnectionConfig(provider, query.params ?? {}, { partial: true });
  // Values the provider itself returns (Salesforce instance_url) are never taken from the end user.
  for (const [name, field] of Object.entries(provider.connection_config ?? {})) {
    if (field.automated === true) delete requestConfig[name];
  }
  const sessionConfig = stringValues(defaults?.connection_config ?? {});
  const connectionConfig = validateConnectionConfig(provider, {
    ...pinnedConfig,
    ...requestConfig,
    ...sessionConfig,
  });

  const scopeOverride = connectionConfig.oauth_scopes_override;
  const scopes = scopeOverride !== undefined ? splitScopes(scopeOverride) : integration.scopes;
  const userScope = defaults?.user_scopes ?? query.user_scope;

  return {
    settings,
    session,
    connectSessionId: session?.id ?? null,
    integration,
    provider,
    connectionId,
    reconnect,
    connectionConfig,
    authorizationParams: defaults?.authorization_params ?? stringValues(query.authorization_params ?? {}),
    scopes,
    userScopes: userScope === undefined ? undefined : splitScopes(userScope),
    endUser: session?.endUser ?? null,
    tags: session?.tags ?? {},
  };
}

/** hex HMAC-SHA256(key, "integration[:connectionId]"), compared in constant time (compat doc 7). */
export function checkHmac(
  key: string,
  integrationKey: string,
  connectionId: string | undefined,
  given: string | undefined,
): void {
  if (given === undefined || given === '') throw new LatchkeyError('missing_hmac');
  const data = connectionId === undefined ? integrationKey : `${integrationKey}:${connectionId}`;
  const expected = createHmac('sha256', key).update(data).digest();
  const actual = /^[0-9a-f]{64}$/i.test(given) ? Buffer.from(given, 'hex') : Buffer.alloc(0);
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected))
    throw new LatchkeyError('invalid_hmac');
}

function splitScopes(value: string): string[] {
  return value.split(/[\s,]+/).filter(Boolean);
}

function stringValues(input: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(input).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}
