/**
 * Always-fresh credentials. A read refreshes first when the token is due (or when forced); concurrent reads share
 * one refresh: in this process through a promise map, across processes through a row lock (`FOR UPDATE`) held while
 * the provider is called, with a re-read after acquiring it — whoever gets the lock second finds the new token and
 * does not spend the refresh token again. The new access token and a rotated refresh token commit together.
 */
import { type Credentials, LatchkeyError, NotFoundError } from '@latchkey/schema';
import { findAuthMode } from '../auth-modes/registry';
import { findConnectionRowByKey } from '../connections/connection.repository';
import { credentialsContext } from '../connections/connection.service';
import type { ConnectionRow } from '../connections/connection.table';
import { recordAuthEvent } from '../events/auth-event.recorder';
import { findIntegrationRow } from '../integrations/integration.repository';
import type { IntegrationService } from '../integrations/integration.service';
import type { LogService } from '../logs/log.service';
import type { Vault } from '../platform/crypto/vault';
import type { Db } from '../platform/database/database';
import type { Logger } from '../platform/logging/logger';
import type { OutboundFetch } from '../platform/outbound/outbound.types';
import type { ProviderService } from '../providers/provider.service';
import type { ConnectionReadCache } from './connection-read-cache';
import type { CredentialService, FreshConnection } from './credential.types';
import { type RenewResult, renewCredentials } from './credential-renewal';
import type { FetchTracker } from './fetch-tracker';
import { createRefreshLock } from './refresh-lock';
import {
  backoffRemainingMs,
  isDue,
  isRefreshable,
  type RefreshPolicy,
  stateAfterFailure,
} from './refresh-policy';
import { createSingleFlight } from './single-flight';

export interface CredentialServiceDeps {
  db: Db;
  vault: Vault;
  outbound: OutboundFetch;
  providers: ProviderService;
  integrations: IntegrationService;
  logs: LogService;
  logger: Logger;
  policy: RefreshPolicy;
  allowPrivateUrls: boolean;
  publicUrl: string;
  fetchTracker: FetchTracker;
  /** Serves reads of tokens that are not due from memory; absent, every read goes to the database. */
  readCache?: ConnectionReadCache | undefined;
  onEventsCommitted?: ((eventIds: string[]) => void) | undefined;
}

export interface RefreshingCredentialService extends CredentialService {
  /** Refreshes one connection if it is still due once locked; used by the background refresher. */
  refreshIfDue(rowId: string, options: { keepAlive?: boolean }): Promise<'refreshed' | 'skipped' | 'failed'>;
}

export function createCredentialService(deps: CredentialServiceDeps): RefreshingCredentialService {
  const { db, vault, policy } = deps;
  const singleFlight = createSingleFlight<{ row: ConnectionRow; credentials: Credentials }>();
  const refreshLock = createRefreshLock(db);
  const open = (row: ConnectionRow) =>
    vault.openJson<Credentials>(
      row.credentials_sealed,
      credentialsContext(row.integration_id, row.connection_id),
    );

  /**
   * Under the row lock (refresh-lock.ts): re-read, and refresh only if nobody did meanwhile (the version moved, or the
   * token is no longer due). Failure state is committed before the error is thrown.
   */
  async function refreshLocked(
    rowId: string,
    seenVersion: number,
    force: boolean,
    skipLocked = false,
  ): Promise<
    | { row: ConnectionRow; credentials: Credentials; outcome: 'refreshed' | 'skipped' }
    | RenewFailure
    | { busy: true }
  > {
    // Everything besides the row is read before the lock: on embedded PGlite there is one connection, and on
    // PostgreSQL the lock's transaction holds one for as long as the provider takes.
    const before = await db.selectFrom('connections').selectAll().where('id', '=', rowId).executeTakeFirst();
    if (before === undefined) throw new NotFoundError('not_found', 'Failed to find connection');
    const provider = await deps.providers.resolve(before.environment_id, before.provider);
    const integration = await db
      .selectFrom('integrations')
      .select('unique_key')
      .where('id', '=', before.integration_id)
      .executeTakeFirst();
    if (provider === undefined || integration === undefined)
      throw new NotFoundError('not_found', 'Failed to find connection');
    const client = await deps.integrations.loadForFlow(before.environment_id, integration.unique_key);

    const outcome = await refreshLock.withRow(rowId, { skipLocked }, async (locked, write) => {
      if (locked === undefined) return { kind: 'gone' as const, eventIds: [] };
      if (locked.credentials_version !== seenVersion || (!force && !isDue(locked, provider, policy))) {
        return {
          kind: 'done' as const,
          row: locked,
          outcome: 'skipped' as const,
          credentials: undefined,
          eventIds: [],
        };
      }

      const renewed: RenewResult =
        client === undefined
          ? {
              ok: false,
              error: { type: 'integration_not_configured', description: 'The integration is gone.' },
              providerError: undefined,
            }
          : await renewCredentials({
              provider,
              integration: client,
              credentials: open(locked),
              connectionConfig: locked.connection_config,
              scopes: locked.scopes,
              runtime: {
                outbound: deps.outbound,
                allowPrivateUrls: deps.allowPrivateUrls,
                publicUrl: deps.publicUrl,
                // The refresh's log is written after the transaction (logRefresh); steps inside are not noted.
                note: async () => {},
              },
            });
      const now = new Date();
      return write(async (trx) => {
        // Same version or nothing: a connection replaced while the provider answered keeps its new credentials.
        const unchanged = trx
          .updateTable('connections')
          .where('id', '=', locked.id)
          .where('credentials_version', '=', locked.credentials_version);
        if (renewed.ok) {
          const updated = await unchanged
            .set({
              credentials_sealed: vault.sealJson(
                renewed.credentials,
                credentialsContext(locked.integration_id, locked.connection_id),
              ),
              expires_at: renewed.expiresAt,
              // Values the provider sends again (a new instance URL, a region) replace the old ones.
              ...(renewed.connectionConfig === undefined || Object.keys(renewed.connectionConfig).length === 0
                ? {}
                : {
                    connection_config: JSON.stringify({
                      ...locked.connection_config,
                      ...renewed.connectionConfig,
                    }),
                  }),
              credentials_version: locked.credentials_version + 1,
              refresh_state: 'active',
              refresh_attempts: 0,
              last_refresh_success_at: now,
              last_refresh_error: null,
              updated_at: now,
            })
            .returningAll()
            .executeTakeFirst();
          if (updated === undefined) return { kind: 'changed' as const, eventIds: [] };
          const eventIds: string[] = [];
          if (locked.refresh_state !== 'active') {
            // Recovery is news to whoever was told about the failure.
            eventIds.push(
              (await recordAuthEvent(trx, eventInput(updated, integration.unique_key, true, undefined))).id,
            );
          }
          return {
            kind: 'done' as const,
            row: updated,
            outcome: 'refreshed' as const,
            credentials: renewed.credentials,
            eventIds,
          };
        }

        const attempts = locked.refresh_attempts + 1;
        const failed = await unchanged
          .set({
            refresh_state: stateAfterFailure(
              renewed.providerError,
              locked.last_refresh_error?.provider_error,
              attempts,
              policy,
            ),
            refresh_attempts: attempts,
            last_refresh_failure_at: now,
            last_refresh_error: JSON.stringify({ ...renewed.error, provider_error: renewed.providerError }),
            updated_at: now,
          })
          .returningAll()
          .executeTakeFirst();
        if (failed === undefined) return { kind: 'changed' as const, eventIds: [] };
        const event = await recordAuthEvent(
          trx,
          eventInput(failed, integration.unique_key, false, renewed.error),
        );
        return { kind: 'failed' as const, row: failed, error: renewed.error, eventIds: [event.id] };
      });
    });
    if (outcome === 'busy') return { busy: true };
    // Replaced or deleted while the provider answered (embedded only: PostgreSQL's row lock keeps writers out).
    const result = outcome.kind === 'changed' ? await currentRow(rowId) : outcome;

    if (result.kind === 'failed' || (result.kind === 'done' && result.outcome === 'refreshed')) {
      await logRefresh(result, integration.unique_key);
    }
    if (result.kind === 'gone') throw new NotFoundError('not_found', 'Failed to find connection');
    if (result.eventIds.length > 0) deps.onEventsCommitted?.(result.eventIds);
    if (result.kind === 'failed') return { failed: true, row: result.row, error: result.error };
    return { row: result.row, credentials: result.credentials ?? open(result.row), outcome: result.outcome };
  }

  /** A refresh that found its row changed under it: nothing written, the row as it now is (or gone). */
  async function currentRow(rowId: string) {
    const row = await db.selectFrom('connections').selectAll().where('id', '=', rowId).executeTakeFirst();
    if (row === undefined) return { kind: 'gone' as const, eventIds: [] };
    return { kind: 'done' as const, row, outcome: 'skipped' as const, credentials: undefined, eventIds: [] };
  }

  /** The operation log of a refresh, written after its transaction committed. */
  async function logRefresh(
    result: {
      kind: 'failed' | 'done';
      row: ConnectionRow;
      error?: { type: string; description: string };
      eventIds: string[];
    },
    integrationKey: string,
  ): Promise<void> {
    try {
      const log = await deps.logs.start(result.row.environment_id, {
        kind: 'auth',
        action: 'refresh',
        integrationKey,
        connectionId: result.row.connection_id,
      });
      if (result.kind === 'failed' && result.error !== undefined) {
        await log.fail('refresh_failed', `${result.error.type}: ${result.error.description}`);
      } else {
        await log.info('credentials refreshed', {
          expires_at: result.row.expires_at?.toISOString() ?? null,
          recovered: result.eventIds.length > 0,
        });
        await log.succeed(result.row.connection_id);
      }
    } catch (error) {
      deps.logger.warn({ err: error }, 'refresh log write failed');
    }
  }

  return {
    async getFresh(environmentId, providerConfigKey, connectionId, options = {}) {
      const force = options.force === true;
      const cache = options.cached === false || force ? undefined : deps.readCache;
      const hit = cache?.get(environmentId, providerConfigKey, connectionId);
      if (hit !== undefined && !isDue(hit.row, hit.provider, policy)) {
        return {
          row: withLastFetched(hit.row, deps.fetchTracker.touch(hit.row.id)),
          integrationKey: hit.integration.unique_key,
          integrationId: hit.integration.id,
          provider: hit.provider,
          credentials: hit.credentials,
          refreshed: false,
        };
      }
      const generation = cache?.generation();
      const integration = await findIntegrationRow(db, environmentId, providerConfigKey);
      if (integration === undefined)
        throw new NotFoundError('unknown_provider_config', 'Provider does not exists');
      const row = await findConnectionRowByKey(db, integration.id, connectionId);
      if (row === undefined) throw new NotFoundError('not_found', 'Failed to find connection');
      const provider = await deps.providers.resolve(environmentId, row.provider);
      if (provider === undefined)
        throw new NotFoundError('unknown_provider', `Provider ${row.provider} is unknown.`);
      const previousRead = deps.fetchTracker.touch(row.id);
      const fresh = (r: ConnectionRow, credentials: Credentials, refreshed: boolean): FreshConnection => ({
        row: withLastFetched(r, previousRead),
        integrationKey: integration.unique_key,
        integrationId: integration.id,
        provider,
        credentials,
        refreshed,
      });

      const credentials = open(row);
      if (!force && !isDue(row, provider, policy)) {
        if (cache !== undefined && generation !== undefined) {
          cache.set(generation, environmentId, providerConfigKey, {
            integration: { id: integration.id, unique_key: integration.unique_key },
            row,
            provider,
            credentials,
          });
        }
        return fresh(row, credentials, false);
      }
      if (!isRefreshable(row) || findAuthMode(credentials.type)?.canRenew(credentials) !== true) {
        if (!force) return fresh(row, credentials, false);
        // Nango silently returns the old token here; saying so is more useful.
        throw new LatchkeyError(
          'invalid_credentials',
          'This connection has no refresh token: it cannot be refreshed.',
          {
            payload: { reason: 'not_refreshable', connection_id: row.connection_id },
          },
        );
      }
      if (!force) guardRefresh(row, policy);

      const outcome = await singleFlight(`${row.id}:${force ? 'force' : 'due'}`, async () => {
        const done = await refreshLocked(row.id, row.credentials_version, force);
        if ('failed' in done) throw refreshError(done.row, done.error);
        if ('busy' in done) throw new Error('unreachable: a locking read never reports busy');
        return done;
      });
      return fresh(outcome.row, outcome.credentials, true);
    },

    async refreshIfDue(rowId, options) {
      const row = await db.selectFrom('connections').selectAll().where('id', '=', rowId).executeTakeFirst();
      if (row === undefined || row.refresh_state === 'needs_reauth' || backoffRemainingMs(row, policy) > 0)
        return 'skipped';
      try {
        const done = await refreshLocked(row.id, row.credentials_version, options.keepAlive === true, true);
        if ('failed' in done) return 'failed';
        if ('busy' in done) return 'skipped';
        return done.outcome;
      } catch (error) {
        deps.logger.warn({ err: error, connection: rowId }, 'background refresh failed');
        return 'failed';
      }
    },
  };
}

/** The row as a reader sees it: `last_fetched_at` includes reads noted in memory but not yet written. */
function withLastFetched(row: ConnectionRow, previousRead: Date | undefined): ConnectionRow {
  if (previousRead === undefined) return row;
  if (row.last_fetched_at !== null && row.last_fetched_at >= previousRead) return row;
  return { ...row, last_fetched_at: previousRead };
}

interface RenewFailure {
  failed: true;
  row: ConnectionRow;
  error: { type: string; description: string };
}

/** Not forced: a connection that needs the user, or is cooling down after a failure, is not retried (424). */
function guardRefresh(row: ConnectionRow, policy: RefreshPolicy): void {
  if (row.refresh_state === 'needs_reauth') {
    throw new LatchkeyError(
      'invalid_credentials',
      'The refresh limit has been reached for this connection.',
      {
        status: 424,
        payload: {
          reason: 'needs_reauth',
          connection_id: row.connection_id,
          refresh_state: row.refresh_state,
        },
      },
    );
  }
  const wait = backoffRemainingMs(row, policy);
  if (wait > 0) {
    throw new LatchkeyError(
      'invalid_credentials',
      'A recent refresh attempt failed. Backing off before retrying.',
      {
        status: 424,
        payload: {
          reason: 'refresh_backoff',
          connection_id: row.connection_id,
          refresh_state: row.refresh_state,
          retry_after_seconds: Math.ceil(wait / 1000),
        },
      },
    );
  }
}

function refreshError(row: ConnectionRow, error: { type: string; description: string }): LatchkeyError {
  return new LatchkeyError('invalid_credentials', undefined, {
    payload: {
      reason: 'refresh_failed',
      connection_id: row.connection_id,
      refresh_state: row.refresh_state,
      error,
    },
  });
}

function eventInput(
  row: ConnectionRow,
  integrationKey: string,
  success: boolean,
  error: { type: string; description: string } | undefined,
) {
  return {
    environmentId: row.environment_id,
    connectionId: row.connection_id,
    providerConfigKey: integrationKey,
    provider: row.provider,
    authMode: row.auth_mode,
    operation: 'refresh' as const,
    success,
    tags: row.tags,
    endUser: row.end_user,
    error,
    webhookUrlOverride: row.webhook_url_override,
  };
}
