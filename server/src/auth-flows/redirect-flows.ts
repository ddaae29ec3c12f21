/**
 * Flows that leave for the provider and come back (OAuth 2.0 code + PKCE, OAuth 1.0a). The connect request stores
 * what the callback needs in a single-use row keyed by the state (256 random bits, sealed secrets, one hour); the
 * callback claims that row atomically, so a replayed or forged callback finds nothing.
 */
import { randomBytes } from 'node:crypto';
import { LatchkeyError } from '@latchkey/schema';
import type { RedirectFlow } from '../auth-modes/auth-mode';
import { requireClient } from '../auth-modes/mode-helpers';
import { allAuthModes, findAuthMode } from '../auth-modes/registry';
import type { SessionBrowser } from '../connect-sessions/browser-binding';
import { permittedOpenerOrigin } from '../environments/allowed-origins';
import type { LogService } from '../logs/log.service';
import type { Vault } from '../platform/crypto/vault';
import type { OutboundFetch } from '../platform/outbound/outbound.types';
import { authorizeFlowRequest, type FlowContext, type FlowQuery, type FlowRequestDeps } from './flow-request';
import type { FlowSteps } from './flow-steps';
import {
  claimOAuthSession,
  deleteExpiredOAuthSessions,
  insertOAuthSession,
} from './oauth-session.repository';
import type { OAuthSessionRow } from './oauth-session.table';
import { checkReturnUrl } from './return-url';

/** Every mode whose flow leaves for the provider and comes back. */
const REDIRECT_MODES = allAuthModes()
  .filter((mode) => mode.flow?.kind === 'redirect')
  .map((mode) => mode.mode);

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
      /** The browser the request came from, for sessions bound to one. */
      browser: SessionBrowser;
    },
  ): Promise<URL>;
  /** `GET /oauth/callback`: never throws for an expected failure; the result says what to show. */
  completeCallback(query: URLSearchParams): Promise<CallbackResult>;
  /**
   * Where the error page of a connect request refused before it left may post, by the same rule as the callback's:
   * the environment its session token or public key names decides; credentials naming none leave an empty list.
   */
  errorOpenerOrigin(
    query: Record<string, unknown>,
    openerOrigin: string | undefined,
  ): Promise<string | undefined>;
}

export interface RedirectFlowDeps extends FlowRequestDeps {
  vault: Vault;
  outbound: OutboundFetch;
  logs: LogService;
  publicUrl: string;
  allowPrivateUrls: boolean;
}

export function createRedirectFlows(deps: RedirectFlowDeps, steps: FlowSteps): RedirectFlows {
  const { db, vault } = deps;
  const publicOrigin = new URL(deps.publicUrl).origin;
  const secretsContext = (state: string) => `oauth_sessions.secrets:${state}`;

  function redirectFlowOf(mode: string): RedirectFlow {
    const flow = findAuthMode(mode)?.flow;
    if (flow?.kind !== 'redirect') {
      throw new LatchkeyError('unsupported_auth_mode', `Auth mode ${mode} has no redirect flow.`);
    }
    return flow;
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
      const context = await authorizeFlowRequest(
        deps,
        integrationKey,
        query,
        REDIRECT_MODES,
        options.browser,
      );
      const { provider } = context;
      const flow = redirectFlowOf(provider.auth_mode);
      if (flow.needsClient) requireClient(context.integration);
      const state = randomBytes(32).toString('hex');
      const redirectUri = context.settings.callbackUrl ?? `${deps.publicUrl}/oauth/callback`;
      const log = await steps.startLog(context, provider.auth_mode.toLowerCase());
      try {
        const { target, secrets } = await flow.start({
          ...steps.modeInput(context, log),
          state,
          redirectUri,
          authorizationParams: context.authorizationParams,
          userScopes: context.userScopes,
        });
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
          // An opener the environment does not allow gets no postMessage; the WebSocket and events still carry it.
          opener_origin:
            permittedOpenerOrigin(context.settings.allowedOrigins, options.openerOrigin, publicOrigin) ??
            null,
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
      // Plugin installs (Crisp) send the state back as `payload`, a few OAuth apps as `customField` (as Nango reads).
      const state = query.get('state') ?? query.get('payload') ?? query.get('customField') ?? '';
      const row = /^[0-9a-f]{64}$/.test(state) ? await claimOAuthSession(db, state) : undefined;
      if (row === undefined || row.expires_at.getTime() < Date.now()) {
        const message =
          'No authorization in progress for this state: it is unknown, expired or already used.';
        return failure(new LatchkeyError('invalid_state', message), row);
      }
      const log = deps.logs.resume(row.operation_id);
      try {
        const context = await contextOf(row);
        const flow = redirectFlowOf(row.auth_mode);
        const obtained = await flow.complete({
          ...steps.modeInput(context, log),
          state: row.id,
          redirectUri: row.redirect_uri,
          query,
          secrets: vault.openJson<Record<string, string>>(row.secrets_sealed, secretsContext(row.id)),
        });
        if (flow.verifiesCredentials === true) {
          await steps.verify(context, findAuthMode(row.auth_mode)!, obtained, log);
        }
        const result = await steps.store(context, obtained, log);
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

    async errorOpenerOrigin(query, openerOrigin) {
      if (openerOrigin === undefined) return undefined;
      const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
      const token = text(query.connect_session_token);
      const publicKey = token === undefined ? text(query.public_key) : undefined;
      let allowedOrigins: string[] = [];
      try {
        // Looked up without authenticating: nothing is bound or written for a request that was refused.
        const environmentId =
          token === undefined ? undefined : await deps.connectSessions.environmentIdOf(token);
        const settings =
          environmentId !== undefined
            ? await deps.environmentSettings.flowSettings(environmentId)
            : publicKey !== undefined
              ? await deps.environmentSettings.byPublicKey(publicKey)
              : undefined;
        allowedOrigins = settings?.allowedOrigins ?? [];
      } catch {
        // Unknown credentials: the page says only that, as it would to any opener of an environment with no list.
      }
      return permittedOpenerOrigin(allowedOrigins, openerOrigin, publicOrigin);
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
