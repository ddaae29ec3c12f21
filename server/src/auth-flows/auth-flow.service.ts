/**
 * End-user authorization: every flow ends in a connection holding the user's credentials, sealed. Redirect flows
 * (OAuth 2.0 code + PKCE, OAuth 1.0a) keep their state in a single-use row between the two requests; direct flows
 * (client credentials, API key, basic, none) complete in one request. Each flow writes an operation log.
 */
import { randomBytes } from 'node:crypto';
import type { Provider } from '@latchkey/providers';
import { type Credentials, LatchkeyError } from '@latchkey/schema';
import * as oauth from 'oauth4webapi';
import type { ConnectionService } from '../connections/connection.service';
import type { LogService, OperationLog } from '../logs/log.service';
import type { Vault } from '../platform/crypto/vault';
import type { Logger } from '../platform/logging/logger';
import type { OutboundFetch } from '../platform/outbound/outbound.types';
import { extractTokenResponseMetadata } from './connection-config';
import { verifyCredentials } from './credential-verification';
import { authorizeFlowRequest, type FlowContext, type FlowQuery, type FlowRequestDeps } from './flow-request';
import { buildProviderUrl, interpolateTemplate } from './interpolation';
import {
  claimOAuthSession,
  deleteExpiredOAuthSessions,
  insertOAuthSession,
} from './oauth-session.repository';
import type { OAuthSessionRow } from './oauth-session.table';
import { completeOAuth1, startOAuth1 } from './oauth1-flow.steps';
import { buildAuthorizationUrl } from './oauth2/authorization-url';
import { expectedIssuerOf, processAuthorizationCallback } from './oauth2/callback-params';
import {
  authorizationCodeRequest,
  clientCredentialsRequest,
  type TokenEndpoint,
} from './oauth2/token-request';
import { processTokenResponse } from './oauth2/token-response';

/** An authorization left unfinished for this long is void (Nango keeps them two days). */
export const OAUTH_SESSION_TTL_MS = 60 * 60 * 1000;
const CLIENT_CREDENTIALS_DEFAULT_LIFETIME_MS = 55 * 60 * 1000;

export interface FlowSuccess {
  providerConfigKey: string;
  connectionId: string;
}

export interface CallbackResult {
  ok: boolean;
  error: LatchkeyError | undefined;
  providerConfigKey: string | undefined;
  connectionId: string | undefined;
  openerOrigin: string | undefined;
  wsClientId: string | undefined;
}

export interface AuthFlowService {
  /** `GET /oauth/connect/:key`: returns where to send the browser. */
  startRedirectFlow(
    integrationKey: string,
    query: FlowQuery,
    options: { openerOrigin?: string | undefined },
  ): Promise<URL>;
  /** `GET /oauth/callback`: never throws for an expected failure; the result says what to show. */
  completeCallback(query: URLSearchParams): Promise<CallbackResult>;
  connectClientCredentials(
    integrationKey: string,
    query: FlowQuery,
    body: { client_id?: string | undefined; client_secret?: string | undefined },
  ): Promise<FlowSuccess>;
  connectApiKey(integrationKey: string, query: FlowQuery, body: { apiKey: string }): Promise<FlowSuccess>;
  connectBasic(
    integrationKey: string,
    query: FlowQuery,
    body: { username: string; password: string },
  ): Promise<FlowSuccess>;
  connectUnauthenticated(integrationKey: string, query: FlowQuery): Promise<FlowSuccess>;
}

export interface AuthFlowDeps extends FlowRequestDeps {
  vault: Vault;
  outbound: OutboundFetch;
  connections: ConnectionService;
  logs: LogService;
  publicUrl: string;
  allowPrivateUrls: boolean;
  logger: Logger;
}

export function createAuthFlowService(deps: AuthFlowDeps): AuthFlowService {
  const { db, vault, outbound, logs } = deps;

  /** Records a failure in the operation log, and in the server log when it is ours (5xx). */
  async function recordFailure(log: OperationLog, error: unknown): Promise<LatchkeyError> {
    const failure = asLatchkeyError(error);
    if (failure.status >= 500)
      deps.logger.error({ err: error, internal: failure.internal, operationId: log.id }, failure.message);
    await log.fail(failure.code, failure.message);
    return failure;
  }
  const secretsContext = (state: string) => `oauth_sessions.secrets:${state}`;

  function redirectUriFor(context: FlowContext): string {
    return context.settings.callbackUrl ?? `${deps.publicUrl}/oauth/callback`;
  }

  function requireClient(context: FlowContext): { clientId: string; clientSecret: string } {
    const { clientId, clientSecret } = context.integration;
    if (clientId === null || clientSecret === null || clientId === '' || clientSecret === '') {
      throw new LatchkeyError(
        'integration_not_configured',
        `Integration ${context.integration.uniqueKey} has no client id and secret.`,
      );
    }
    return { clientId, clientSecret };
  }

  function templateParams(
    template: Record<string, string | number | boolean> | undefined,
    config: Record<string, string>,
  ) {
    const result: Record<string, string> = {};
    for (const [key, value] of Object.entries(template ?? {})) {
      const filled = interpolateTemplate(String(value), { connectionConfig: config });
      if (filled.missing.length > 0) {
        throw new LatchkeyError(
          'invalid_connection_config',
          `Missing connection configuration: ${filled.missing.join(', ')}.`,
          {
            errors: filled.missing.map((name) => ({
              code: 'missing',
              message: `${name} is required`,
              path: ['params', name],
            })),
          },
        );
      }
      result[key] = filled.value;
    }
    return result;
  }

  function tokenUrlTemplate(provider: Provider, mode: string): string {
    const url = provider.token_url;
    if (url === undefined)
      throw new LatchkeyError('integration_not_configured', `Provider ${provider.name} has no token URL.`);
    if (typeof url === 'string') return url;
    const byMode = url[mode] ?? Object.values(url)[0];
    if (byMode === undefined)
      throw new LatchkeyError('integration_not_configured', `Provider ${provider.name} has no token URL.`);
    return byMode;
  }

  async function startLog(context: FlowContext, action: string): Promise<OperationLog> {
    const log = await logs.start(context.settings.environment.id, {
      kind: 'auth',
      action,
      integrationKey: context.integration.uniqueKey,
      connectionId: context.connectionId,
    });
    await log.info('flow started', {
      integration: context.integration.uniqueKey,
      provider: context.provider.name,
      auth_mode: context.provider.auth_mode,
      by: context.session === null ? 'public_key' : 'connect_session',
      reconnect: context.reconnect,
    });
    return log;
  }

  async function store(
    context: Pick<FlowContext, 'settings' | 'integration' | 'provider' | 'connectionId' | 'endUser' | 'tags'>,
    credentials: Credentials,
    extra: { expiresAt: Date | null; connectionConfig: Record<string, string>; scopes: string[] },
    log: OperationLog,
  ): Promise<FlowSuccess> {
    const saved = await deps.connections.save({
      environmentId: context.settings.environment.id,
      integrationId: context.integration.id,
      connectionId: context.connectionId,
      provider: context.provider.name,
      credentials,
      expiresAt: extra.expiresAt,
      connectionConfig: extra.connectionConfig,
      scopes: extra.scopes,
      endUser: context.endUser,
      tags: context.tags,
    });
    await log.info(
      saved.operation === 'creation' ? 'connection created' : 'connection credentials overridden',
      {
        operation: saved.operation,
        expires_at: extra.expiresAt?.toISOString() ?? null,
        scopes: extra.scopes,
      },
    );
    await log.succeed(context.connectionId);
    return { providerConfigKey: context.integration.uniqueKey, connectionId: context.connectionId };
  }

  /** Runs a direct flow, logging its failure (the log exists from the moment the request is authorized). */
  async function direct(
    context: FlowContext,
    action: string,
    run: (log: OperationLog) => Promise<FlowSuccess>,
  ) {
    const log = await startLog(context, action);
    try {
      return await run(log);
    } catch (error) {
      throw await recordFailure(log, error);
    }
  }

  async function completeOAuth2(
    row: OAuthSessionRow,
    query: URLSearchParams,
    context: FlowContext,
    log: OperationLog,
  ) {
    const { clientId, clientSecret } = requireClient(context);
    const { provider } = context;
    const authorizationUrl = buildProviderUrl(provider.authorization_url!, context.connectionConfig, {
      allowHttp: deps.allowPrivateUrls,
      fields: provider.connection_config,
    });
    const { code } = processAuthorizationCallback(query, provider, expectedIssuerOf(authorizationUrl));
    await log.info('callback received', { has_code: true, iss: query.get('iss') });
    const secrets = vault.openJson<{ codeVerifier?: string }>(row.secrets_sealed, secretsContext(row.id));
    const endpoint: TokenEndpoint = {
      provider,
      tokenUrl: buildProviderUrl(tokenUrlTemplate(provider, 'OAUTH2'), context.connectionConfig, {
        allowHttp: deps.allowPrivateUrls,
        fields: provider.connection_config,
      }),
      issuer: expectedIssuerOf(authorizationUrl),
      clientId,
      clientSecret,
      tokenParams: templateParams(provider.token_params, context.connectionConfig),
      allowInsecure: deps.allowPrivateUrls,
    };
    const response = await authorizationCodeRequest(outbound, endpoint, {
      code,
      state: row.id,
      iss: query.get('iss'),
      redirectUri: row.redirect_uri,
      codeVerifier: secrets.codeVerifier,
    });
    const tokens = processTokenResponse(response, provider);
    await log.info('token exchanged', {
      status: response.status,
      expires_at: tokens.expiresAt?.toISOString() ?? null,
    });
    const metadata = {
      ...extractTokenResponseMetadata(provider, tokens.raw),
      ...callbackMetadata(provider, query),
    };
    const credentials: Credentials = {
      type: 'OAUTH2',
      access_token: tokens.accessToken,
      ...(tokens.refreshToken === undefined ? {} : { refresh_token: tokens.refreshToken }),
      ...(tokens.expiresAt === undefined ? {} : { expires_at: tokens.expiresAt.toISOString() }),
      raw: tokens.raw,
    };
    return store(
      context,
      credentials,
      {
        expiresAt: tokens.expiresAt ?? null,
        connectionConfig: mergeConfig(metadata, context.connectionConfig),
        scopes: tokens.grantedScopes ?? context.scopes,
      },
      log,
    );
  }

  /** Rebuilds the flow context stored with the state, as the connect request saw it. */
  async function contextOf(row: OAuthSessionRow): Promise<FlowContext> {
    const settings = await deps.environmentSettings.flowSettings(row.environment_id);
    const integration = await db
      .selectFrom('integrations')
      .select('unique_key')
      .where('id', '=', row.integration_id)
      .executeTakeFirst();
    const loaded =
      integration === undefined
        ? undefined
        : await deps.integrations.loadForFlow(row.environment_id, integration.unique_key);
    if (loaded === undefined)
      throw new LatchkeyError('invalid_state', 'The integration of this flow was deleted.');
    const provider = await deps.providers.resolve(row.environment_id, loaded.provider);
    if (provider === undefined)
      throw new LatchkeyError('invalid_state', 'The provider of this flow was deleted.');
    const session = row.connect_session_id === null ? null : await sessionById(row.connect_session_id);
    return {
      settings,
      session: null,
      integration: loaded,
      provider,
      connectionId: row.connection_id,
      reconnect: false,
      connectionConfig: row.connection_config,
      authorizationParams: {},
      scopes: row.scopes,
      userScopes: undefined,
      endUser: session?.end_user ?? null,
      tags: session?.tags ?? {},
    };
  }

  async function sessionById(id: string) {
    return db
      .selectFrom('connect_sessions')
      .select(['end_user', 'tags'])
      .where('id', '=', id)
      .executeTakeFirst();
  }

  return {
    async startRedirectFlow(integrationKey, query, options) {
      const context = await authorizeFlowRequest(deps, integrationKey, query, ['OAUTH2', 'OAUTH1']);
      const { clientId, clientSecret } = requireClient(context);
      const { provider } = context;
      const grantType = provider.token_params?.grant_type;
      if (grantType !== undefined && grantType !== 'authorization_code') {
        throw new LatchkeyError(
          'invalid_auth_mode',
          `Provider ${provider.name} does not use the authorization code grant.`,
        );
      }
      const state = randomBytes(32).toString('hex');
      const redirectUri = redirectUriFor(context);
      const log = await startLog(context, provider.auth_mode === 'OAUTH1' ? 'oauth1' : 'oauth2');
      try {
        let secrets: Record<string, string>;
        let target: URL;
        if (provider.auth_mode === 'OAUTH1') {
          const started = await startOAuth1(outbound, {
            provider,
            connectionConfig: context.connectionConfig,
            consumerKey: clientId,
            consumerSecret: clientSecret,
            callbackUrl: `${redirectUri}${redirectUri.includes('?') ? '&' : '?'}state=${state}`,
            scopes: context.scopes,
            authorizationParams: {
              ...templateParams(provider.authorization_params, context.connectionConfig),
              ...context.authorizationParams,
            },
            allowHttp: deps.allowPrivateUrls,
          });
          secrets = started.secrets;
          target = started.authorizationUrl;
          await log.info('request token obtained');
        } else {
          const codeVerifier =
            provider.disable_pkce === true ? undefined : oauth.generateRandomCodeVerifier();
          const requestParams = { ...context.authorizationParams };
          if (context.userScopes !== undefined)
            requestParams.user_scope = context.userScopes.join(provider.scope_separator ?? ' ');
          target = buildAuthorizationUrl({
            provider,
            authorizationUrl: buildProviderUrl(provider.authorization_url!, context.connectionConfig, {
              allowHttp: deps.allowPrivateUrls,
              fields: provider.connection_config,
            }),
            clientId,
            redirectUri,
            state,
            scopes: context.scopes,
            codeChallenge:
              codeVerifier === undefined ? undefined : await oauth.calculatePKCECodeChallenge(codeVerifier),
            templateParams: templateParams(provider.authorization_params, context.connectionConfig),
            requestParams,
          });
          secrets = codeVerifier === undefined ? {} : { codeVerifier };
        }
        await insertOAuthSession(db, {
          id: state,
          environment_id: context.settings.environment.id,
          integration_id: context.integration.id,
          connection_id: context.connectionId,
          connect_session_id: context.session?.id ?? null,
          operation_id: log.id,
          auth_mode: provider.auth_mode,
          redirect_uri: redirectUri,
          secrets_sealed: vault.sealJson(secrets, secretsContext(state)),
          connection_config: JSON.stringify(context.connectionConfig),
          scopes: JSON.stringify(context.scopes),
          ws_client_id: query.ws_client_id ?? null,
          opener_origin: options.openerOrigin ?? null,
          expires_at: new Date(Date.now() + OAUTH_SESSION_TTL_MS),
        });
        void deleteExpiredOAuthSessions(db, new Date(Date.now() - OAUTH_SESSION_TTL_MS)).catch(() => {});
        await log.info('redirecting to the provider', {
          provider_host: target.host,
          pkce: 'codeVerifier' in secrets,
        });
        return target;
      } catch (error) {
        throw await recordFailure(log, error);
      }
    },

    async completeCallback(query) {
      const state = query.get('state') ?? '';
      const row = /^[0-9a-f]{64}$/.test(state) ? await claimOAuthSession(db, state) : undefined;
      if (row === undefined || row.expires_at.getTime() < Date.now()) {
        return failure(
          new LatchkeyError(
            'invalid_state',
            'No authorization in progress for this state: it is unknown, expired or already used.',
          ),
          row,
        );
      }
      const log = logs.resume(row.operation_id);
      try {
        const context = await contextOf(row);
        const result =
          row.auth_mode === 'OAUTH1'
            ? await completeOAuth1(outbound, {
                query,
                provider: context.provider,
                connectionConfig: context.connectionConfig,
                consumerKey: requireClient(context).clientId,
                consumerSecret: requireClient(context).clientSecret,
                secrets: vault.openJson<Record<string, string>>(row.secrets_sealed, secretsContext(row.id)),
                allowHttp: deps.allowPrivateUrls,
              }).then(async ({ credentials }) => {
                await log.info('access token obtained');
                return store(
                  context,
                  credentials,
                  { expiresAt: null, connectionConfig: context.connectionConfig, scopes: context.scopes },
                  log,
                );
              })
            : await completeOAuth2(row, query, context, log);
        return {
          ok: true,
          error: undefined,
          providerConfigKey: result.providerConfigKey,
          connectionId: result.connectionId,
          openerOrigin: row.opener_origin ?? undefined,
          wsClientId: row.ws_client_id ?? undefined,
        };
      } catch (error) {
        return failure(await recordFailure(log, error), row);
      }
    },

    async connectClientCredentials(integrationKey, query, body) {
      const context = await authorizeFlowRequest(deps, integrationKey, query, ['OAUTH2_CC']);
      return direct(context, 'oauth2_client_credentials', async (log) => {
        if (body.client_id === undefined || body.client_id === '')
          throw new LatchkeyError('missing_client_id');
        if (body.client_secret === undefined || body.client_secret === '')
          throw new LatchkeyError('missing_client_secret');
        const { provider } = context;
        const tokenUrl = buildProviderUrl(tokenUrlTemplate(provider, 'OAUTH2_CC'), context.connectionConfig, {
          allowHttp: deps.allowPrivateUrls,
          fields: provider.connection_config,
        });
        const response = await clientCredentialsRequest(
          outbound,
          {
            provider,
            tokenUrl,
            issuer: tokenUrl.origin,
            clientId: body.client_id,
            clientSecret: body.client_secret,
            tokenParams: templateParams(provider.token_params, context.connectionConfig),
            allowInsecure: deps.allowPrivateUrls,
          },
          context.scopes,
        );
        const tokens = processTokenResponse(response, provider, {
          tokenPaths: ['access_token', 'data.token', 'jwt'],
        });
        const expiresAt = tokens.expiresAt ?? new Date(Date.now() + CLIENT_CREDENTIALS_DEFAULT_LIFETIME_MS);
        await log.info('token obtained', { status: response.status, expires_at: expiresAt.toISOString() });
        return store(
          context,
          {
            type: 'OAUTH2_CC',
            token: tokens.accessToken,
            expires_at: expiresAt.toISOString(),
            client_id: body.client_id,
            client_secret: body.client_secret,
            raw: tokens.raw,
          },
          {
            expiresAt,
            connectionConfig: mergeConfig(
              extractTokenResponseMetadata(provider, tokens.raw),
              context.connectionConfig,
            ),
            scopes: tokens.grantedScopes ?? context.scopes,
          },
          log,
        );
      });
    },

    async connectApiKey(integrationKey, query, body) {
      const context = await authorizeFlowRequest(deps, integrationKey, query, ['API_KEY']);
      return direct(context, 'api_key', async (log) => {
        const credentials: Credentials = { type: 'API_KEY', apiKey: body.apiKey };
        await verifyCredentials(outbound, context.provider, credentials, context.connectionConfig, log, {
          allowHttp: deps.allowPrivateUrls,
        });
        return store(
          context,
          credentials,
          { expiresAt: null, connectionConfig: context.connectionConfig, scopes: [] },
          log,
        );
      });
    },

    async connectBasic(integrationKey, query, body) {
      const context = await authorizeFlowRequest(deps, integrationKey, query, ['BASIC']);
      return direct(context, 'basic', async (log) => {
        const credentials: Credentials = { type: 'BASIC', username: body.username, password: body.password };
        await verifyCredentials(outbound, context.provider, credentials, context.connectionConfig, log, {
          allowHttp: deps.allowPrivateUrls,
        });
        return store(
          context,
          credentials,
          { expiresAt: null, connectionConfig: context.connectionConfig, scopes: [] },
          log,
        );
      });
    },

    async connectUnauthenticated(integrationKey, query) {
      const context = await authorizeFlowRequest(deps, integrationKey, query, ['NONE']);
      return direct(context, 'unauthenticated', (log) =>
        store(
          context,
          { type: 'NONE' },
          { expiresAt: null, connectionConfig: context.connectionConfig, scopes: [] },
          log,
        ),
      );
    },
  };
}

function failure(error: LatchkeyError, row: OAuthSessionRow | undefined): CallbackResult {
  return {
    ok: false,
    error,
    providerConfigKey: undefined,
    connectionId: row?.connection_id,
    openerOrigin: row?.opener_origin ?? undefined,
    wsClientId: row?.ws_client_id ?? undefined,
  };
}

/** Token and callback metadata first, the session's config over it — except that an empty session value is filled. */
function mergeConfig(
  metadata: Record<string, string>,
  config: Record<string, string>,
): Record<string, string> {
  const merged = { ...metadata };
  for (const [key, value] of Object.entries(config))
    if (value !== '' || merged[key] === undefined) merged[key] = value;
  return merged;
}

function callbackMetadata(provider: Provider, query: URLSearchParams): Record<string, string> {
  const result: Record<string, string> = {};
  for (const key of provider.redirect_uri_metadata ?? []) {
    const value = query.get(key);
    if (value !== null && value.length <= 1024) result[key] = value;
  }
  return result;
}

export function asLatchkeyError(error: unknown): LatchkeyError {
  if (error instanceof LatchkeyError) return error;
  if (error instanceof oauth.AuthorizationResponseError) {
    return new LatchkeyError('invalid_callback', 'The authorization response is invalid.', {
      internal: error.message,
      cause: error,
    });
  }
  if (error instanceof oauth.OperationProcessingError || error instanceof oauth.UnsupportedOperationError) {
    return new LatchkeyError('token_exchange_failed', 'The token request could not be made.', {
      internal: error.message,
      cause: error,
    });
  }
  return new LatchkeyError('server_error', undefined, { internal: error, cause: error });
}
