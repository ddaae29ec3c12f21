/**
 * Flows that leave for the provider and come back (OAuth 2.0 code + PKCE, OAuth 1.0a). The connect request stores
 * what the callback needs in a single-use row keyed by the state (256 random bits, sealed secrets, one hour); the
 * callback claims that row atomically, so a replayed or forged callback finds nothing.
 */
import { randomBytes } from 'node:crypto';
import type { Provider } from '@latchkey/providers';
import { type Credentials, LatchkeyError } from '@latchkey/schema';
import * as oauth from 'oauth4webapi';
import type { LogService, OperationLog } from '../logs/log.service';
import type { Vault } from '../platform/crypto/vault';
import type { OutboundFetch } from '../platform/outbound/outbound.types';
import { extractTokenResponseMetadata } from './connection-config';
import { authorizeFlowRequest, type FlowContext, type FlowQuery, type FlowRequestDeps } from './flow-request';
import { type FlowSteps, mergeConfig, requireClient, templateParams, tokenUrlTemplate } from './flow-steps';
import { buildProviderUrl } from './interpolation';
import {
  claimOAuthSession,
  deleteExpiredOAuthSessions,
  insertOAuthSession,
} from './oauth-session.repository';
import type { OAuthSessionRow } from './oauth-session.table';
import { completeOAuth1, startOAuth1 } from './oauth1-flow.steps';
import { buildAuthorizationUrl } from './oauth2/authorization-url';
import { expectedIssuerOf, processAuthorizationCallback } from './oauth2/callback-params';
import { authorizationCodeRequest } from './oauth2/token-request';
import { processTokenResponse } from './oauth2/token-response';
import { checkReturnUrl } from './return-url';

/** An authorization left unfinished for this long is void (Nango keeps them two days). */
export const OAUTH_SESSION_TTL_MS = 60 * 60 * 1000;

export interface CallbackResult {
  ok: boolean;
  error: LatchkeyError | undefined;
  providerConfigKey: string | undefined;
  connectionId: string | undefined;
  openerOrigin: string | undefined;
  wsClientId: string | undefined;
  /** The widget's nonce, echoed to the opener or the return URL. */
  latchkeyNonce: string | undefined;
  /** Redirect mode: where the browser goes back with the result. */
  returnUrl: string | undefined;
}

export interface RedirectFlows {
  /** `GET /oauth/connect/:key`: returns where to send the browser. */
  startRedirectFlow(
    integrationKey: string,
    query: FlowQuery,
    options: {
      openerOrigin?: string | undefined;
      /** Origin of the starting page as the browser reported it (Origin or Referer); `return_url` must match it. */
      requestOrigin?: string | undefined;
    },
  ): Promise<URL>;
  /** `GET /oauth/callback`: never throws for an expected failure; the result says what to show. */
  completeCallback(query: URLSearchParams): Promise<CallbackResult>;
}

export interface RedirectFlowDeps extends FlowRequestDeps {
  vault: Vault;
  outbound: OutboundFetch;
  logs: LogService;
  publicUrl: string;
  allowPrivateUrls: boolean;
}

export function createRedirectFlows(deps: RedirectFlowDeps, steps: FlowSteps): RedirectFlows {
  const { db, vault, outbound } = deps;
  const secretsContext = (state: string) => `oauth_sessions.secrets:${state}`;
  const urlOptions = (provider: Provider) => ({
    allowHttp: deps.allowPrivateUrls,
    fields: provider.connection_config,
  });

  /** OAuth 2.0 (RFC 6749 §4.1.1, RFC 7636): the authorization URL, and the PKCE verifier to keep. */
  async function oauth2Authorization(context: FlowContext, state: string, redirectUri: string) {
    const { provider } = context;
    const { clientId } = requireClient(context);
    const codeVerifier = provider.disable_pkce === true ? undefined : oauth.generateRandomCodeVerifier();
    const requestParams = { ...context.authorizationParams };
    if (context.userScopes !== undefined) {
      requestParams.user_scope = context.userScopes.join(provider.scope_separator ?? ' ');
    }
    const target = buildAuthorizationUrl({
      provider,
      authorizationUrl: buildProviderUrl(
        provider.authorization_url!,
        context.connectionConfig,
        urlOptions(provider),
      ),
      clientId,
      redirectUri,
      state,
      scopes: context.scopes,
      codeChallenge:
        codeVerifier === undefined ? undefined : await oauth.calculatePKCECodeChallenge(codeVerifier),
      templateParams: templateParams(provider.authorization_params, context.connectionConfig),
      requestParams,
    });
    return { target, secrets: codeVerifier === undefined ? {} : { codeVerifier } };
  }

  /** OAuth 1.0a (RFC 5849 §2.1-2.2): temporary credentials, kept sealed, then the authorization URL. */
  async function oauth1Authorization(
    context: FlowContext,
    state: string,
    redirectUri: string,
    log: OperationLog,
  ) {
    const { provider } = context;
    const { clientId, clientSecret } = requireClient(context);
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
    await log.info('request token obtained');
    return { target: started.authorizationUrl, secrets: started.secrets };
  }

  async function completeOAuth2(
    row: OAuthSessionRow,
    query: URLSearchParams,
    context: FlowContext,
    log: OperationLog,
  ) {
    const { clientId, clientSecret } = requireClient(context);
    const { provider } = context;
    const authorizationUrl = buildProviderUrl(
      provider.authorization_url!,
      context.connectionConfig,
      urlOptions(provider),
    );
    const issuer = expectedIssuerOf(authorizationUrl);
    const { code } = processAuthorizationCallback(query, provider, issuer);
    await log.info('callback received', { has_code: true, iss: query.get('iss') });
    const secrets = vault.openJson<{ codeVerifier?: string }>(row.secrets_sealed, secretsContext(row.id));
    const response = await authorizationCodeRequest(
      outbound,
      {
        provider,
        tokenUrl: buildProviderUrl(
          tokenUrlTemplate(provider, 'OAUTH2'),
          context.connectionConfig,
          urlOptions(provider),
        ),
        issuer,
        clientId,
        clientSecret,
        tokenParams: templateParams(provider.token_params, context.connectionConfig),
        allowInsecure: deps.allowPrivateUrls,
      },
      {
        code,
        state: row.id,
        iss: query.get('iss'),
        redirectUri: row.redirect_uri,
        codeVerifier: secrets.codeVerifier,
      },
    );
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
    return steps.store(
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

  async function completeOAuth1Flow(
    row: OAuthSessionRow,
    query: URLSearchParams,
    context: FlowContext,
    log: OperationLog,
  ) {
    const { clientId, clientSecret } = requireClient(context);
    const { credentials } = await completeOAuth1(outbound, {
      query,
      provider: context.provider,
      connectionConfig: context.connectionConfig,
      consumerKey: clientId,
      consumerSecret: clientSecret,
      secrets: vault.openJson<Record<string, string>>(row.secrets_sealed, secretsContext(row.id)),
      allowHttp: deps.allowPrivateUrls,
    });
    await log.info('access token obtained');
    return steps.store(
      context,
      credentials,
      { expiresAt: null, connectionConfig: context.connectionConfig, scopes: context.scopes },
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
      integration && (await deps.integrations.loadForFlow(row.environment_id, integration.unique_key));
    if (!loaded) throw new LatchkeyError('invalid_state', 'The integration of this flow was deleted.');
    const provider = await deps.providers.resolve(row.environment_id, loaded.provider);
    if (provider === undefined)
      throw new LatchkeyError('invalid_state', 'The provider of this flow was deleted.');
    const session =
      row.connect_session_id === null
        ? undefined
        : await db
            .selectFrom('connect_sessions')
            .select(['end_user', 'tags'])
            .where('id', '=', row.connect_session_id)
            .executeTakeFirst();
    return {
      settings,
      session: null,
      connectSessionId: row.connect_session_id,
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

  return {
    async startRedirectFlow(integrationKey, query, options) {
      const returnUrl =
        query.return_url === undefined ? undefined : checkReturnUrl(query.return_url, options.requestOrigin);
      const context = await authorizeFlowRequest(deps, integrationKey, query, ['OAUTH2', 'OAUTH1']);
      requireClient(context);
      const { provider } = context;
      const grantType = provider.token_params?.grant_type;
      if (grantType !== undefined && grantType !== 'authorization_code') {
        throw new LatchkeyError(
          'invalid_auth_mode',
          `Provider ${provider.name} does not use the authorization code grant.`,
        );
      }
      const state = randomBytes(32).toString('hex');
      const redirectUri = context.settings.callbackUrl ?? `${deps.publicUrl}/oauth/callback`;
      const log = await steps.startLog(context, provider.auth_mode === 'OAUTH1' ? 'oauth1' : 'oauth2');
      try {
        const { target, secrets } =
          provider.auth_mode === 'OAUTH1'
            ? await oauth1Authorization(context, state, redirectUri, log)
            : await oauth2Authorization(context, state, redirectUri);
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
          latchkey_nonce: query.latchkey_nonce ?? null,
          return_url: returnUrl?.href ?? null,
          expires_at: new Date(Date.now() + OAUTH_SESSION_TTL_MS),
        });
        void deleteExpiredOAuthSessions(db, new Date(Date.now() - OAUTH_SESSION_TTL_MS)).catch(() => {});
        await log.info('redirecting to the provider', {
          provider_host: target.host,
          pkce: 'codeVerifier' in secrets,
        });
        return target;
      } catch (error) {
        throw await steps.recordFailure(log, error);
      }
    },

    async completeCallback(query) {
      const state = query.get('state') ?? '';
      const row = /^[0-9a-f]{64}$/.test(state) ? await claimOAuthSession(db, state) : undefined;
      if (row === undefined || row.expires_at.getTime() < Date.now()) {
        const message =
          'No authorization in progress for this state: it is unknown, expired or already used.';
        return failure(new LatchkeyError('invalid_state', message), row);
      }
      const log = deps.logs.resume(row.operation_id);
      try {
        const context = await contextOf(row);
        const result =
          row.auth_mode === 'OAUTH1'
            ? await completeOAuth1Flow(row, query, context, log)
            : await completeOAuth2(row, query, context, log);
        return {
          ok: true,
          error: undefined,
          providerConfigKey: result.providerConfigKey,
          connectionId: result.connectionId,
          openerOrigin: row.opener_origin ?? undefined,
          wsClientId: row.ws_client_id ?? undefined,
          latchkeyNonce: row.latchkey_nonce ?? undefined,
          returnUrl: row.return_url ?? undefined,
        };
      } catch (error) {
        return failure(await steps.recordFailure(log, error), row);
      }
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
    latchkeyNonce: row?.latchkey_nonce ?? undefined,
    returnUrl: row?.return_url ?? undefined,
  };
}

/** `redirect_uri_metadata`: callback query values the provider declares as connection config (e.g. a merchant id). */
function callbackMetadata(provider: Provider, query: URLSearchParams): Record<string, string> {
  const result: Record<string, string> = {};
  for (const key of provider.redirect_uri_metadata ?? []) {
    const value = query.get(key);
    if (value !== null && value.length <= 1024) result[key] = value;
  }
  return result;
}
