/**
 * Flows that complete in one request (compat doc 3.4, 4.9): OAuth 2.0 client credentials, API key, basic, none.
 * Credentials the end user typed are verified with the provider (when it declares how) before anything is stored.
 */
import { type Credentials, LatchkeyError } from '@latchkey/schema';
import type { OperationLog } from '../logs/log.service';
import type { OutboundFetch } from '../platform/outbound/outbound.types';
import { extractTokenResponseMetadata } from './connection-config';
import { verifyCredentials } from './credential-verification';
import { authorizeFlowRequest, type FlowContext, type FlowQuery, type FlowRequestDeps } from './flow-request';
import {
  type FlowSteps,
  type FlowSuccess,
  mergeConfig,
  templateParams,
  tokenUrlTemplate,
} from './flow-steps';
import { buildProviderUrl } from './interpolation';
import { clientCredentialsRequest } from './oauth2/token-request';
import { processClientCredentialsResponse } from './oauth2/token-response';

export interface DirectFlows {
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

export interface DirectFlowDeps extends FlowRequestDeps {
  outbound: OutboundFetch;
  allowPrivateUrls: boolean;
}

export function createDirectFlows(deps: DirectFlowDeps, steps: FlowSteps): DirectFlows {
  const { outbound } = deps;

  /** Authorizes the request, then runs the flow under an operation log that records its failure. */
  async function run(
    integrationKey: string,
    query: FlowQuery,
    mode: 'OAUTH2_CC' | 'API_KEY' | 'BASIC' | 'NONE',
    action: string,
    body: (context: FlowContext, log: OperationLog) => Promise<FlowSuccess>,
  ): Promise<FlowSuccess> {
    const context = await authorizeFlowRequest(deps, integrationKey, query, [mode]);
    const log = await steps.startLog(context, action);
    try {
      return await body(context, log);
    } catch (error) {
      throw await steps.recordFailure(log, error);
    }
  }

  /** API key and basic: verify with the provider when it declares a verification request, then store. */
  function connectWithCredentials(
    integrationKey: string,
    query: FlowQuery,
    credentials: Credentials,
    action: string,
  ) {
    const mode = credentials.type as 'API_KEY' | 'BASIC';
    return run(integrationKey, query, mode, action, async (context, log) => {
      await verifyCredentials(outbound, context.provider, credentials, context.connectionConfig, log, {
        allowHttp: deps.allowPrivateUrls,
      });
      return steps.store(
        context,
        credentials,
        { expiresAt: null, connectionConfig: context.connectionConfig, scopes: [] },
        log,
      );
    });
  }

  return {
    connectClientCredentials(integrationKey, query, body) {
      return run(integrationKey, query, 'OAUTH2_CC', 'oauth2_client_credentials', async (context, log) => {
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
        const tokens = processClientCredentialsResponse(response, provider);
        const { expiresAt } = tokens;
        await log.info('token obtained', { status: response.status, expires_at: expiresAt.toISOString() });
        return steps.store(
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

    connectApiKey(integrationKey, query, body) {
      return connectWithCredentials(
        integrationKey,
        query,
        { type: 'API_KEY', apiKey: body.apiKey },
        'api_key',
      );
    },

    connectBasic(integrationKey, query, body) {
      const credentials: Credentials = { type: 'BASIC', username: body.username, password: body.password };
      return connectWithCredentials(integrationKey, query, credentials, 'basic');
    },

    connectUnauthenticated(integrationKey, query) {
      return run(integrationKey, query, 'NONE', 'unauthenticated', (context, log) =>
        steps.store(
          context,
          { type: 'NONE' },
          { expiresAt: null, connectionConfig: context.connectionConfig, scopes: [] },
          log,
        ),
      );
    },
  };
}
