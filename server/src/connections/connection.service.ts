/**
 * Connections: one end user's credentials for one integration. Credentials are sealed in the vault, bound to the
 * (integration, connection id) pair; they leave this service only in the API's credential shapes.
 */
import {
  type ConnectionOutput,
  type Credentials,
  ForbiddenError,
  LatchkeyError,
  NotFoundError,
} from '@latchkey/schema';
import type { AuditService } from '../audit/audit.service';
import { type AuthContext, canAccess, requireScope } from '../auth/auth-context';
import type { CredentialService } from '../credentials/credential.types';
import { recordAuthEvent } from '../events/auth-event.recorder';
import { findIntegrationRow } from '../integrations/integration.repository';
import type { Vault } from '../platform/crypto/vault';
import type { Db } from '../platform/database/database';
import { findConnectionRowByKey, updateConnectionRow, upsertConnectionRow } from './connection.repository';
import type { ConnectionRow, EndUser } from './connection.table';

export interface SaveConnectionInput {
  environmentId: string;
  /** The integration's unique key, for the auth event. */
  providerConfigKey: string;
  integrationId: string;
  connectionId: string;
  provider: string;
  credentials: Credentials;
  expiresAt: Date | null;
  connectionConfig: Record<string, string>;
  scopes: string[];
  endUser: EndUser | null;
  tags: Record<string, string>;
  /** Replaces the stored metadata when given (imports); flows leave it as it is. */
  metadata?: Record<string, unknown>;
  /** Sets the connection's own webhook URL when given; null clears it. */
  webhookUrlOverride?: string | null;
  /** The connect session whose flow saved this, recorded on the auth event. */
  connectSessionId?: string | null;
}

export interface SavedConnection {
  row: ConnectionRow;
  /** `creation` for a new connection, `override` when an existing one got new credentials (Nango's operations). */
  operation: 'creation' | 'override';
}

export interface ConnectionService {
  save(input: SaveConnectionInput): Promise<SavedConnection>;
  /** Nango's `GET /connections/:id`: refreshes first when due or forced; refresh tokens only when asked and allowed. */
  get(
    auth: AuthContext,
    connectionId: string,
    providerConfigKey: string,
    options?: { forceRefresh?: boolean; includeRefreshToken?: boolean; refreshGithubAppJwtToken?: boolean },
  ): Promise<ConnectionOutput>;
  /** Credentials for internal use (tests, proxy, refresh). */
  readCredentials(row: ConnectionRow): Credentials;
}

export function credentialsContext(integrationId: string, connectionId: string): string {
  return `connections.credentials:${integrationId}:${connectionId}`;
}

export function createConnectionService(deps: {
  db: Db;
  vault: Vault;
  credentials: CredentialService;
  /** Called after a commit that wrote auth events (live subscribers, webhook worker wake-up). */
  onEventsCommitted?: (eventIds: string[]) => void;
  /** A forced refresh by an operator goes to the audit log. */
  audit?: Pick<AuditService, 'record'> | undefined;
}): ConnectionService {
  const { db, vault } = deps;

  async function isGitHubAppConnection(
    environmentId: string,
    providerConfigKey: string,
    connectionId: string,
  ) {
    const integration = await findIntegrationRow(db, environmentId, providerConfigKey);
    const row = integration && (await findConnectionRowByKey(db, integration.id, connectionId));
    return row !== undefined && (row.auth_mode === 'APP' || row.auth_mode === 'CUSTOM');
  }

  const service: ConnectionService = {
    async save(input) {
      return db
        .transaction()
        .execute(async (trx) => {
          const upserted = await upsertConnectionRow(trx, {
            environment_id: input.environmentId,
            integration_id: input.integrationId,
            connection_id: input.connectionId,
            provider: input.provider,
            auth_mode: input.credentials.type,
            credentials_sealed: vault.sealJson(
              input.credentials,
              credentialsContext(input.integrationId, input.connectionId),
            ),
            expires_at: input.expiresAt,
            connection_config: JSON.stringify(input.connectionConfig),
            metadata: null,
            scopes: JSON.stringify(input.scopes),
            end_user: input.endUser === null ? null : JSON.stringify(input.endUser),
            tags: JSON.stringify(input.tags),
          });
          let row = upserted.row;
          if (input.metadata !== undefined || input.webhookUrlOverride !== undefined) {
            // Before the event is recorded: it must already go to the connection's own webhook URL.
            row = await updateConnectionRow(trx, row.id, {
              ...(input.metadata === undefined ? {} : { metadata: JSON.stringify(input.metadata) }),
              ...(input.webhookUrlOverride === undefined
                ? {}
                : { webhook_url_override: input.webhookUrlOverride }),
            });
          }
          const operation: SavedConnection['operation'] = upserted.created ? 'creation' : 'override';
          // The outbox row commits with the connection, or neither does.
          const event = await recordAuthEvent(trx, {
            environmentId: input.environmentId,
            connectionId: input.connectionId,
            providerConfigKey: input.providerConfigKey,
            provider: input.provider,
            authMode: input.credentials.type,
            operation,
            success: true,
            tags: row.tags,
            endUser: row.end_user,
            webhookUrlOverride: row.webhook_url_override,
            connectSessionId: input.connectSessionId,
          });
          return { row, operation, eventId: event.id };
        })
        .then((saved) => {
          deps.onEventsCommitted?.([saved.eventId]);
          return { row: saved.row, operation: saved.operation };
        });
    },

    async get(auth, connectionId, providerConfigKey, options = {}) {
      requireScope(auth, 'environment:connections:read');
      const withCredentials = canAccess(auth, 'environment:connections:read_credentials');
      const asksRefresh = options.forceRefresh === true || options.refreshGithubAppJwtToken === true;
      if (!withCredentials && (asksRefresh || options.includeRefreshToken === true)) {
        throw new ForbiddenError(
          'Credential and refresh options require the environment:connections:read_credentials scope',
        );
      }
      if (!withCredentials) {
        // Without the credentials scope nothing is refreshed or decrypted: the record alone is returned.
        const integration = await findIntegrationRow(db, auth.environment.id, providerConfigKey);
        if (integration === undefined) throw unknownIntegrationOnRead();
        const row = await findConnectionRowByKey(db, integration.id, connectionId);
        if (row === undefined) throw new NotFoundError('not_found', 'Failed to find connection');
        return present(row, integration.unique_key, undefined);
      }
      // Nango's `refresh_github_app_jwt_token`: a new app JWT, and with it a new installation token (GitHub App modes).
      const force =
        options.forceRefresh === true ||
        (options.refreshGithubAppJwtToken === true &&
          (await isGitHubAppConnection(auth.environment.id, providerConfigKey, connectionId)));
      const fresh = await deps.credentials
        .getFresh(auth.environment.id, providerConfigKey, connectionId, {
          force,
          // A refresh token is handed out from the database: a rotation by another instance shows there at once.
          cached: options.includeRefreshToken !== true,
        })
        .catch((error: unknown) => {
          throw error instanceof LatchkeyError && error.code === 'unknown_provider_config'
            ? unknownIntegrationOnRead()
            : error;
        });
      if (force) {
        await deps.audit?.record(auth, {
          action: 'connection.refresh',
          environmentId: auth.environment.id,
          targetType: 'connection',
          targetId: `${providerConfigKey}/${connectionId}`,
        });
      }
      return present(fresh.row, fresh.integrationKey, fresh.credentials, {
        includeRefreshToken: options.includeRefreshToken === true,
      });
    },

    readCredentials(row) {
      return vault.openJson<Credentials>(
        row.credentials_sealed,
        credentialsContext(row.integration_id, row.connection_id),
      );
    },
  };
  return service;
}

/** Nango's public shape: top-level timestamps with `+00:00`, credentials without refresh tokens by default. */
export function present(
  row: ConnectionRow,
  providerConfigKey: string,
  credentials: Credentials | undefined,
  options: { includeRefreshToken?: boolean } = {},
): ConnectionOutput {
  const shown = credentials === undefined || credentials.type === 'NONE' ? {} : credentials;
  return {
    id: Number(row.id),
    connection_id: row.connection_id,
    provider_config_key: providerConfigKey,
    provider: row.provider,
    // A connection whose refresh failed carries an active auth error, as in Nango.
    errors: row.refresh_state === 'active' ? [] : [{ type: 'auth', log_id: row.connection_id }],
    end_user:
      row.end_user === null
        ? null
        : {
            id: row.end_user.id,
            display_name: row.end_user.display_name ?? null,
            email: row.end_user.email ?? null,
            tags: row.end_user.tags ?? null,
            organization: row.end_user.organization
              ? {
                  id: row.end_user.organization.id,
                  display_name: row.end_user.organization.display_name ?? null,
                }
              : null,
          },
    tags: row.tags,
    metadata: row.metadata,
    connection_config: row.connection_config,
    webhook_url_override: row.webhook_url_override,
    created_at: nangoTimestamp(row.created_at),
    updated_at: nangoTimestamp(row.updated_at),
    // Not remembered: it is a new Date on nearly every read.
    last_fetched_at:
      row.last_fetched_at === null ? null : row.last_fetched_at.toISOString().replace('Z', '+00:00'),
    credentials: options.includeRefreshToken === true ? shown : withoutRefreshTokens(shown),
    refresh_state: row.refresh_state,
  };
}

/**
 * Rows served from the read cache keep the same Date and credential objects from read to read; remembering what was
 * derived from them saves most of the formatting on the hot path. Weak keys: nothing outlives its row.
 */
const formattedDates = new WeakMap<Date, string>();
const strippedCredentials = new WeakMap<object, unknown>();

function nangoTimestamp(date: Date): string {
  let formatted = formattedDates.get(date);
  if (formatted === undefined) {
    formatted = date.toISOString().replace('Z', '+00:00');
    formattedDates.set(date, formatted);
  }
  return formatted;
}

function withoutRefreshTokens<T extends object>(credentials: T): T {
  let stripped = strippedCredentials.get(credentials) as T | undefined;
  if (stripped === undefined) {
    // Shared by every response built from this row: frozen, so no caller can change another's answer.
    stripped = deepFreeze(stripRefreshTokens(credentials));
    strippedCredentials.set(credentials, stripped);
  }
  return stripped;
}

/** Removes every key that spells "refresh token" in any case or separator, at any depth (compat doc 2.3). */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

export function stripRefreshTokens<T>(value: T): T {
  if (Array.isArray(value)) return value.map(stripRefreshTokens) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => key.toLowerCase().replace(/[^a-z]/g, '') !== 'refreshtoken')
        .map(([key, item]) => [key, stripRefreshTokens(item)]),
    ) as T;
  }
  return value;
}

/**
 * Reading one connection of an unknown integration is a 400 in Nango (compat doc 1.5), unlike the 404 of the proxy
 * and the direct-credential endpoints; callers may branch on the status.
 */
function unknownIntegrationOnRead(): LatchkeyError {
  return new LatchkeyError('unknown_provider_config', 'Provider does not exists', { status: 400 });
}
