/**
 * Connections: one end user's credentials for one integration. Credentials are sealed in the vault, bound to the
 * (integration, connection id) pair; they leave this service only in the API's credential shapes.
 */
import { type ConnectionOutput, type Credentials, NotFoundError } from '@latchkey/schema';
import { type AuthContext, canAccess, requireScope } from '../auth/auth-context';
import { recordAuthEvent } from '../events/auth-event.recorder';
import { findIntegrationRow } from '../integrations/integration.repository';
import type { Vault } from '../platform/crypto/vault';
import type { Db } from '../platform/database/database';
import { findConnectionRowByKey, touchLastFetched, upsertConnectionRow } from './connection.repository';
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
}

export interface SavedConnection {
  row: ConnectionRow;
  /** `creation` for a new connection, `override` when an existing one got new credentials (Nango's operations). */
  operation: 'creation' | 'override';
}

export interface ConnectionService {
  save(input: SaveConnectionInput): Promise<SavedConnection>;
  get(auth: AuthContext, connectionId: string, providerConfigKey: string): Promise<ConnectionOutput>;
  /** Credentials for internal use (tests, proxy, refresh). */
  readCredentials(row: ConnectionRow): Credentials;
}

export function credentialsContext(integrationId: string, connectionId: string): string {
  return `connections.credentials:${integrationId}:${connectionId}`;
}

export function createConnectionService(deps: {
  db: Db;
  vault: Vault;
  /** Called after a commit that wrote auth events (live subscribers, webhook worker wake-up). */
  onEventsCommitted?: (eventIds: string[]) => void;
}): ConnectionService {
  const { db, vault } = deps;

  const service: ConnectionService = {
    async save(input) {
      return db
        .transaction()
        .execute(async (trx) => {
          const { row, created } = await upsertConnectionRow(trx, {
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
          const operation: SavedConnection['operation'] = created ? 'creation' : 'override';
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
          });
          return { row, operation, eventId: event.id };
        })
        .then((saved) => {
          deps.onEventsCommitted?.([saved.eventId]);
          return { row: saved.row, operation: saved.operation };
        });
    },

    async get(auth, connectionId, providerConfigKey) {
      requireScope(auth, 'environment:connections:read');
      const integration = await findIntegrationRow(db, auth.environment.id, providerConfigKey);
      if (integration === undefined) {
        throw new NotFoundError('unknown_provider_config', 'Provider does not exists');
      }
      const row = await findConnectionRowByKey(db, integration.id, connectionId);
      if (row === undefined) throw new NotFoundError('not_found', 'Failed to find connection');
      await touchLastFetched(db, row.id);
      const withCredentials = canAccess(auth, 'environment:connections:read_credentials');
      return present(row, integration.unique_key, withCredentials ? service.readCredentials(row) : undefined);
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
): ConnectionOutput {
  return {
    id: Number(row.id),
    connection_id: row.connection_id,
    provider_config_key: providerConfigKey,
    provider: row.provider,
    errors: [],
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
    webhook_url_override: null,
    created_at: nangoTimestamp(row.created_at),
    updated_at: nangoTimestamp(row.updated_at),
    last_fetched_at: row.last_fetched_at === null ? null : nangoTimestamp(row.last_fetched_at),
    credentials:
      credentials === undefined ? {} : credentials.type === 'NONE' ? {} : stripRefreshTokens(credentials),
  };
}

function nangoTimestamp(date: Date): string {
  return date.toISOString().replace('Z', '+00:00');
}

/** Removes every key that spells "refresh token" in any case or separator, at any depth (compat doc 2.3). */
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
