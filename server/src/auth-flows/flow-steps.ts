/**
 * Steps every flow shares whatever its mode: its operation log, what a mode may use while it runs, storing the
 * connection it produced, recording its failure. Created once per service; the flow modules receive it.
 */
import { LatchkeyError } from '@latchkey/schema';
import * as oauth from 'oauth4webapi';
import type {
  AuthModeHandler,
  ModeFlowInput,
  ModeRuntime,
  ObtainedCredentials,
} from '../auth-modes/auth-mode';
import type { ConnectionService } from '../connections/connection.service';
import type { LogService, OperationLog } from '../logs/log.service';
import { databaseUnavailable } from '../platform/database/availability';
import type { Logger } from '../platform/logging/logger';
import type { OutboundFetch } from '../platform/outbound/outbound.types';
import { mergeConfig } from '../provider-requests/provider-templates';
import { verifyCredentials } from './credential-verification';
import type { FlowContext } from './flow-request';

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
  /** What a mode's flow step receives, its notes going to this flow's log. */
  modeInput(
    context: Pick<FlowContext, 'provider' | 'integration' | 'connectionConfig' | 'scopes'>,
    log: OperationLog,
  ): ModeFlowInput;
  /**
   * Checks obtained credentials with the provider's declared verification request (`proxy.verification`) before
   * anything is stored; the provider's returned config counts, the end user's values winning.
   */
  verify(
    context: Pick<FlowContext, 'provider' | 'integration' | 'connectionConfig'>,
    mode: AuthModeHandler,
    obtained: ObtainedCredentials,
    log: OperationLog,
  ): Promise<void>;
  /** Saves what the mode obtained: provider-returned config under the end user's, the scopes granted or asked. */
  store(
    context: StoredContext & Pick<FlowContext, 'connectionConfig' | 'scopes'>,
    obtained: ObtainedCredentials,
    log: OperationLog,
  ): Promise<FlowSuccess>;
  /** Records a failure in the operation log, and in the server log when it is ours (5xx). */
  recordFailure(log: OperationLog, error: unknown): Promise<LatchkeyError>;
}

export function createFlowSteps(deps: {
  connections: ConnectionService;
  logs: LogService;
  logger: Logger;
  outbound: OutboundFetch;
  allowPrivateUrls: boolean;
  publicUrl: string;
}): FlowSteps {
  const runtimeFor = (log: OperationLog): ModeRuntime => ({
    outbound: deps.outbound,
    allowPrivateUrls: deps.allowPrivateUrls,
    publicUrl: deps.publicUrl,
    note: (message, detail) => log.info(message, detail),
  });
  return {
    modeInput(context, log) {
      return {
        provider: context.provider,
        integration: context.integration,
        connectionConfig: context.connectionConfig,
        scopes: context.scopes,
        runtime: runtimeFor(log),
      };
    },

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

    verify(context, mode, obtained, log) {
      return verifyCredentials(deps.outbound, mode, {
        provider: context.provider,
        integration: context.integration,
        credentials: obtained.credentials,
        connectionConfig: { ...(obtained.connectionConfig ?? {}), ...context.connectionConfig },
        log,
        allowHttp: deps.allowPrivateUrls,
      });
    },

    async store(context, obtained, log) {
      const { credentials } = obtained;
      const extra = {
        expiresAt: obtained.expiresAt,
        connectionConfig: mergeConfig(obtained.connectionConfig ?? {}, context.connectionConfig),
        scopes: obtained.scopes ?? context.scopes,
      };
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
  if (databaseUnavailable(error)) {
    return new LatchkeyError('database_unavailable', undefined, { internal: error, cause: error });
  }
  return new LatchkeyError('server_error', undefined, { internal: error, cause: error });
}
