/**
 * The proxy (compat doc 2.6): a caller's request sent on to the provider with the connection's fresh credentials
 * injected, retried as asked, the answer streamed back. Apps never handle a token. One forced refresh and a second
 * try follow a 401 on a refreshable connection: a token can die before its announced expiry, or carry none at all.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { LatchkeyError } from '@latchkey/schema';
import { type AuthContext, requireScope } from '../auth/auth-context';
import type { AuthModeHandler, ModeIntegration } from '../auth-modes/auth-mode';
import { integrationWithoutSecrets } from '../auth-modes/mode-helpers';
import { authModeOf } from '../auth-modes/registry';
import { credentialQuery } from '../auth-modes/request-credentials';
import type { CredentialService } from '../credentials/credential.types';
import type { IntegrationService } from '../integrations/integration.service';
import type { Logger } from '../platform/logging/logger';
import type { OutboundStream } from '../platform/outbound/outbound-stream';
import { templatesReadBody } from '../provider-requests/template-functions';
import { forwardableRequestHeaders } from './header-filters';
import { type ProxyResponse, toProxyResponse } from './proxy-response';
import { type IncomingBody, isReplayable, prepareBody } from './request-body';
import { backoffMs, isRetryableStatus, retryWaitMs } from './retry-policy';
import { exchange } from './upstream-exchange';
import { type HeaderContext, hopHeaders, isFormBody } from './upstream-headers';
import { upstreamUrl } from './upstream-url';

export type { ProxyResponse } from './proxy-response';

/** One proxied request, as the transport parsed it. */
export interface ProxyCall {
  connectionId: string;
  providerConfigKey: string;
  method: string;
  /** The path after `/proxy`, percent-encoded as received. */
  path: string;
  /** The raw query string, without `?`. */
  query: string;
  /** Replaces the provider's base URL; still subject to the outbound policy. */
  baseUrlOverride: string | undefined;
  /** Further attempts after the first (0 to 10). */
  retries: number;
  /** Statuses retried besides 429 and 5xx. */
  retryOn: number[];
  decompress: boolean;
  forwardHeadersOnRedirect: boolean;
  /** Headers the caller addressed to the provider (`Nango-Proxy-*`, prefix removed). */
  headers: Record<string, string>;
  /** The body's media type, sent only with a body. */
  contentType: string | undefined;
  /** The caller's own Accept-Encoding: an undecoded body must be one the caller can read. */
  acceptEncoding: string | undefined;
  body: IncomingBody;
  /** Largest body held in memory for a retry or a signature. */
  bufferLimit: number;
  /** Aborted when the caller goes away. */
  signal: AbortSignal | undefined;
  log: Logger;
}

export interface ProxyService {
  forward(auth: AuthContext, call: ProxyCall): Promise<ProxyResponse>;
}

export interface ProxyServiceDeps {
  credentials: CredentialService;
  integrations: Pick<IntegrationService, 'loadForFlow'>;
  outbound: OutboundStream;
  allowPrivateUrls: boolean;
  userAgent?: string;
}

export function createProxyService(deps: ProxyServiceDeps): ProxyService {
  const userAgent = deps.userAgent ?? 'Latchkey';

  /** The integration as the mode needs it: its secrets are loaded only for modes that sign with them. */
  async function integrationFor(
    mode: AuthModeHandler,
    environmentId: string,
    fresh: { integrationId: string; integrationKey: string },
  ): Promise<ModeIntegration> {
    if (mode.authorizeUsesIntegration === true) {
      const integration = await deps.integrations.loadForFlow(environmentId, fresh.integrationKey);
      if (integration === undefined) throw new LatchkeyError('integration_not_configured');
      return integration;
    }
    return integrationWithoutSecrets(fresh.integrationId, fresh.integrationKey);
  }

  return {
    async forward(auth, call) {
      requireScope(auth, 'environment:proxy:use');
      const environmentId = auth.environment.id;
      let fresh = await deps.credentials.getFresh(environmentId, call.providerConfigKey, call.connectionId);
      const { provider } = fresh;
      const mode = authModeOf(fresh.credentials.type);
      const integration = await integrationFor(mode, environmentId, fresh);
      const body = await prepareBody(call.body, {
        buffer:
          call.retries > 0 ||
          mode.signsBody === 'always' ||
          (mode.signsBody === 'form' && isFormBody(call.contentType)) ||
          templatesReadBody(provider.proxy?.headers),
        limit: call.bufferLimit,
      });
      const headers: HeaderContext = {
        mode,
        provider,
        integration,
        credentials: fresh.credentials,
        connectionConfig: fresh.row.connection_config,
        forwarded: forwardableRequestHeaders(call.headers),
        contentType: call.contentType,
        acceptEncoding: call.acceptEncoding,
        decompress: call.decompress || provider.proxy?.decompress === true,
        userAgent,
      };

      const started = performance.now();
      let retry = 0;
      let refreshedThisCall = fresh.refreshed;
      for (;;) {
        const url = upstreamUrl({
          provider,
          connectionConfig: fresh.row.connection_config,
          baseUrlOverride: call.baseUrlOverride,
          path: call.path,
          query: call.query,
          credentialQuery: credentialQuery({
            mode,
            provider,
            credentials: fresh.credentials,
            connectionConfig: fresh.row.connection_config,
          }),
          allowHttp: deps.allowPrivateUrls,
        });
        const mayRetry = retry < call.retries && isReplayable(body);
        let answer: Awaited<ReturnType<typeof exchange>>;
        try {
          answer = await exchange(deps.outbound, {
            first: { url, method: call.method, body },
            headersFor: (hop) => hopHeaders(hop, headers),
            forwardCredentialsOnRedirect: call.forwardHeadersOnRedirect,
            signal: call.signal,
          });
        } catch (error) {
          if (!mayRetry || !isTransient(error) || call.signal?.aborted) throw error;
          retry += 1;
          await wait(backoffMs(retry), call.signal);
          continue;
        }
        const { response } = answer;
        const status = response.statusCode ?? 0;

        if (
          status === 401 &&
          !refreshedThisCall &&
          mode.renew !== undefined &&
          mode.canRenew(fresh.credentials) &&
          isReplayable(body)
        ) {
          refreshedThisCall = true;
          // The 401 stays unread meanwhile: it is the answer if the refresh brings no new token.
          const renewed = await deps.credentials
            .getFresh(environmentId, call.providerConfigKey, call.connectionId, { force: true })
            .catch((error: unknown) => {
              response.destroy();
              throw error;
            });
          const changed = mode.currentToken(renewed.credentials) !== mode.currentToken(fresh.credentials);
          fresh = renewed;
          headers.credentials = renewed.credentials;
          headers.connectionConfig = renewed.row.connection_config;
          if (changed) {
            response.resume();
            continue;
          }
        }

        if (mayRetry && isRetryableStatus(status, call.retryOn, provider)) {
          const delay = retryWaitMs(response.headers, retry + 1, provider);
          if (delay !== undefined) {
            response.resume();
            retry += 1;
            await wait(delay, call.signal);
            continue;
          }
        }

        call.log.debug(
          {
            provider: provider.name,
            integration: fresh.integrationKey,
            method: answer.hop.method,
            host: answer.hop.url.host,
            path: answer.hop.url.pathname,
            status,
            retries: retry,
            refreshed: refreshedThisCall,
            ms: Math.round(performance.now() - started),
          },
          'proxy request',
        );
        return toProxyResponse(response, { method: answer.hop.method, decompress: headers.decompress });
      }
    },
  };
}

/** Worth another try: the provider could not be reached or did not answer in time (never a policy refusal). */
function isTransient(error: unknown): boolean {
  return (
    error instanceof LatchkeyError &&
    (error.code === 'upstream_unreachable' || error.code === 'upstream_timeout')
  );
}

async function wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
  await sleep(ms, undefined, signal === undefined ? {} : { signal });
}
