/**
 * Deleting a connection. The row and its `deletion` auth event commit together. Afterwards, best effort, the grant is
 * revoked at the provider (RFC 7009) when the provider declares a `revocation_url`: the refresh token, else the
 * access token. The revocation is recorded in the operation log and never fails the delete; for Latchkey the
 * connection is gone whatever the provider answers.
 */
import { type Credentials, LatchkeyError } from '@latchkey/schema';
import { revokeToken, type TokenTypeHint } from '../auth-modes/oauth2/token-revocation';
import { recordAuthEvent } from '../events/auth-event.recorder';
import { findIntegrationRow } from '../integrations/integration.repository';
import type { IntegrationService } from '../integrations/integration.service';
import type { LogService } from '../logs/log.service';
import type { Db } from '../platform/database/database';
import type { Logger } from '../platform/logging/logger';
import type { OutboundFetch } from '../platform/outbound/outbound.types';
import { buildProviderUrl } from '../provider-requests/provider-url';
import type { ProviderService } from '../providers/provider.service';
import type { ConnectionService } from './connection.service';
import type { ConnectionRow } from './connection.table';

/** The delete answers only after the revocation attempt, so a slow provider must not hold it for long. */
const REVOCATION_TIMEOUT_MS = 5_000;

export interface ConnectionDeletionDeps {
  db: Db;
  connections: ConnectionService;
  integrations: IntegrationService;
  providers: ProviderService;
  logs: LogService;
  outbound: OutboundFetch;
  logger: Logger;
  allowPrivateUrls: boolean;
  onEventsCommitted?: ((eventIds: string[]) => void) | undefined;
}

/** @throws LatchkeyError 400 `unknown_connection` (Nango's status for DELETE) when there is no such connection. */
export async function deleteConnection(
  deps: ConnectionDeletionDeps,
  environmentId: string,
  providerConfigKey: string,
  connectionId: string,
): Promise<void> {
  const integration = await findIntegrationRow(deps.db, environmentId, providerConfigKey);
  const deleted =
    integration === undefined
      ? undefined
      : await deps.db.transaction().execute(async (trx) => {
          // A refresh in progress holds this row locked: the delete waits for it and returns the newest tokens.
          const row = await trx
            .deleteFrom('connections')
            .where('integration_id', '=', integration.id)
            .where('connection_id', '=', connectionId)
            .returningAll()
            .executeTakeFirst();
          if (row === undefined) return undefined;
          const event = await recordAuthEvent(trx, {
            environmentId,
            connectionId,
            providerConfigKey,
            provider: row.provider,
            authMode: row.auth_mode,
            operation: 'deletion',
            success: true,
            tags: row.tags,
            endUser: row.end_user,
            webhookUrlOverride: row.webhook_url_override,
          });
          return { row, eventId: event.id };
        });
  if (deleted === undefined) {
    throw new LatchkeyError(
      'unknown_connection',
      `Connection ${connectionId} of integration ${providerConfigKey} does not exist.`,
      { status: 400 },
    );
  }
  deps.onEventsCommitted?.([deleted.eventId]);
  await revokeAtProvider(deps, deleted.row, providerConfigKey).catch((error: unknown) => {
    deps.logger.warn({ err: error, connectionId }, 'token revocation after deletion failed');
  });
}

async function revokeAtProvider(
  deps: ConnectionDeletionDeps,
  row: ConnectionRow,
  providerConfigKey: string,
): Promise<void> {
  const provider = await deps.providers.resolve(row.environment_id, row.provider);
  if (provider?.revocation_url === undefined) return;
  const credentials = deps.connections.readCredentials(row);
  const token = tokenToRevoke(credentials);
  if (token === undefined) return;

  const log = await deps.logs.start(row.environment_id, {
    kind: 'auth',
    action: 'revocation',
    integrationKey: providerConfigKey,
    connectionId: row.connection_id,
  });
  try {
    const client = await clientOf(deps, row.environment_id, providerConfigKey, credentials);
    if (client === undefined) {
      await log.fail(
        'integration_not_configured',
        'No OAuth client id and secret to authenticate the revocation.',
      );
      return;
    }
    const url = buildProviderUrl(provider.revocation_url, row.connection_config, {
      allowHttp: deps.allowPrivateUrls,
      fields: provider.connection_config,
    });
    await log.info('revoking the token at the provider', {
      endpoint: `${url.origin}${url.pathname}`,
      token_type_hint: token.hint,
    });
    const outcome = await revokeToken(
      (request) => deps.outbound({ ...request, timeoutMs: REVOCATION_TIMEOUT_MS }),
      { provider, url, ...client, allowInsecure: deps.allowPrivateUrls },
      token.value,
      token.hint,
    );
    if (outcome.revoked) {
      await log.info('token revoked', { status: outcome.status });
      await log.succeed(row.connection_id);
    } else {
      await log.fail('token_revocation_failed', `The provider did not revoke the token (${outcome.error}).`);
    }
  } catch (error) {
    const message = error instanceof LatchkeyError ? `${error.code}: ${error.message}` : String(error);
    await log.fail('token_revocation_failed', `The token could not be revoked (${message}).`);
  }
}

/** RFC 7009 §2.1: revoking the refresh token ends the whole grant; an access token alone is the fallback. */
function tokenToRevoke(credentials: Credentials): { value: string; hint: TokenTypeHint } | undefined {
  if (credentials.type === 'OAUTH2') {
    return credentials.refresh_token
      ? { value: credentials.refresh_token, hint: 'refresh_token' }
      : { value: credentials.access_token, hint: 'access_token' };
  }
  if (credentials.type === 'OAUTH2_CC') return { value: credentials.token, hint: 'access_token' };
  return undefined;
}

/** The client the token was issued to: the connection's own (imported or client credentials), else the integration's. */
async function clientOf(
  deps: ConnectionDeletionDeps,
  environmentId: string,
  providerConfigKey: string,
  credentials: Credentials,
): Promise<{ clientId: string; clientSecret: string } | undefined> {
  if (credentials.type === 'OAUTH2_CC') {
    return { clientId: credentials.client_id, clientSecret: credentials.client_secret };
  }
  const override = credentials.type === 'OAUTH2' ? credentials.config_override : undefined;
  const integration = await deps.integrations.loadForFlow(environmentId, providerConfigKey);
  const clientId = override?.client_id ?? integration?.clientId;
  const clientSecret = override?.client_secret ?? integration?.clientSecret;
  return clientId && clientSecret ? { clientId, clientSecret } : undefined;
}
