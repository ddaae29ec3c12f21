/**
 * Steps every flow shares: its operation log, storing the connection it produced, recording its failure, and the
 * small template helpers. Created once per service; the flow modules receive it.
 */
import type { Provider } from '@latchkey/providers';
import { type Credentials, LatchkeyError } from '@latchkey/schema';
import * as oauth from 'oauth4webapi';
import type { ConnectionService } from '../connections/connection.service';
import type { LogService, OperationLog } from '../logs/log.service';
import type { Logger } from '../platform/logging/logger';
import type { FlowContext } from './flow-request';
import { interpolateTemplate } from './interpolation';

export interface FlowSuccess {
  providerConfigKey: string;
  connectionId: string;
}

export type StoredContext = Pick<
  FlowContext,
  'settings' | 'integration' | 'provider' | 'connectionId' | 'endUser' | 'tags' | 'connectSessionId'
>;

export interface FlowSteps {
  startLog(context: FlowContext, action: string): Promise<OperationLog>;
  store(
    context: StoredContext,
    credentials: Credentials,
    extra: { expiresAt: Date | null; connectionConfig: Record<string, string>; scopes: string[] },
    log: OperationLog,
  ): Promise<FlowSuccess>;
  /** Records a failure in the operation log, and in the server log when it is ours (5xx). */
  recordFailure(log: OperationLog, error: unknown): Promise<LatchkeyError>;
}

export function createFlowSteps(deps: {
  connections: ConnectionService;
  logs: LogService;
  logger: Logger;
}): FlowSteps {
  return {
    async startLog(context, action) {
      const log = await deps.logs.start(context.settings.environment.id, {
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
    },

    async store(context, credentials, extra, log) {
      const saved = await deps.connections.save({
        environmentId: context.settings.environment.id,
        providerConfigKey: context.integration.uniqueKey,
        integrationId: context.integration.id,
        connectionId: context.connectionId,
        provider: context.provider.name,
        credentials,
        expiresAt: extra.expiresAt,
        connectionConfig: extra.connectionConfig,
        scopes: extra.scopes,
        endUser: context.endUser,
        tags: context.tags,
        connectSessionId: context.connectSessionId,
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
    },

    async recordFailure(log, error) {
      const failure = asLatchkeyError(error);
      if (failure.status >= 500) {
        deps.logger.error({ err: error, internal: failure.internal, operationId: log.id }, failure.message);
      }
      await log.fail(failure.code, failure.message);
      return failure;
    },
  };
}

export function requireClient(context: FlowContext): { clientId: string; clientSecret: string } {
  const { clientId, clientSecret } = context.integration;
  if (clientId === null || clientSecret === null || clientId === '' || clientSecret === '') {
    throw new LatchkeyError(
      'integration_not_configured',
      `Integration ${context.integration.uniqueKey} has no client id and secret.`,
    );
  }
  return { clientId, clientSecret };
}

/** A provider's parameter template (`authorization_params`, `token_params`) with the connection config filled in. */
export function templateParams(
  template: Record<string, string | number | boolean> | undefined,
  config: Record<string, string>,
): Record<string, string> {
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

/** `token_url` is a string, or a map by auth mode in a few Nango entries. */
export function tokenUrlTemplate(provider: Provider, mode: string): string {
  const url = provider.token_url;
  const template =
    typeof url === 'string' ? url : url === undefined ? undefined : (url[mode] ?? Object.values(url)[0]);
  if (template === undefined) {
    throw new LatchkeyError('integration_not_configured', `Provider ${provider.name} has no token URL.`);
  }
  return template;
}

/** Token and callback metadata first, the session's config over it — except that an empty session value is filled. */
export function mergeConfig(
  metadata: Record<string, string>,
  config: Record<string, string>,
): Record<string, string> {
  const merged = { ...metadata };
  for (const [key, value] of Object.entries(config)) {
    if (value !== '' || merged[key] === undefined) merged[key] = value;
  }
  return merged;
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
