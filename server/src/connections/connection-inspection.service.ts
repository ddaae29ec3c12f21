/**
 * The dashboard's connection page: a connection without its secrets (what `connections:read`, a support operator,
 * may see), and the explicit reveal of its credentials, which needs `read_credentials` and is written to the audit log.
 */
import { type ConnectionOutput, type ConnectionSummary, NotFoundError } from '@latchkey/schema';
import type { AuditService } from '../audit/audit.service';
import { type AuthContext, requireScope } from '../auth/auth-context';
import { findIntegrationRow } from '../integrations/integration.repository';
import { latestFailedOperationId } from '../logs/operation.repository';
import type { Db } from '../platform/database/database';
import { findConnectionRowByKey } from './connection.repository';
import { type ConnectionService, present } from './connection.service';
import type { ConnectionRow } from './connection.table';

export interface ConnectionInspectionService {
  summary(auth: AuthContext, integration: string, connectionId: string): Promise<ConnectionSummary>;
  reveal(
    auth: AuthContext,
    integration: string,
    connectionId: string,
  ): Promise<ConnectionOutput['credentials']>;
}

export function createConnectionInspectionService(deps: {
  db: Db;
  connections: ConnectionService;
  audit?: Pick<AuditService, 'record'> | undefined;
}): ConnectionInspectionService {
  const { db } = deps;
  return {
    async summary(auth, integrationKey, connectionId) {
      requireScope(auth, 'environment:connections:read');
      const integration = await findIntegrationRow(db, auth.environment.id, integrationKey);
      const row =
        integration === undefined
          ? undefined
          : await findConnectionRowByKey(db, integration.id, connectionId);
      if (row === undefined) throw new NotFoundError('not_found', 'Failed to find connection');
      const failedOperationId =
        row.refresh_state === 'active'
          ? null
          : await latestFailedOperationId(db, auth.environment.id, integrationKey, connectionId);
      return toSummary(row, integrationKey, failedOperationId);
    },

    async reveal(auth, integration, connectionId) {
      requireScope(auth, 'environment:connections:read_credentials');
      // The same read as `GET /connections/:id` (refreshed first when due), refresh token included: all there is.
      const connection = await deps.connections.get(auth, connectionId, integration, {
        includeRefreshToken: true,
      });
      await deps.audit?.record(auth, {
        action: 'connection.reveal',
        environmentId: auth.environment.id,
        targetType: 'connection',
        targetId: `${integration}/${connectionId}`,
      });
      return connection.credentials;
    },
  };
}

function toSummary(
  row: ConnectionRow,
  providerConfigKey: string,
  failedOperationId: string | null,
): ConnectionSummary {
  const iso = (date: Date | null) => date?.toISOString() ?? null;
  return {
    id: Number(row.id),
    connection_id: row.connection_id,
    provider_config_key: providerConfigKey,
    provider: row.provider,
    auth_mode: row.auth_mode,
    // The public API's end-user shape (absent fields as null).
    end_user: present(row, providerConfigKey, undefined).end_user,
    connection_config: row.connection_config,
    metadata: row.metadata,
    tags: row.tags,
    scopes: row.scopes,
    refresh_state: row.refresh_state,
    refresh_attempts: row.refresh_attempts,
    last_error: row.last_refresh_error,
    failed_operation_id: failedOperationId,
    expires_at: iso(row.expires_at),
    last_refresh_success_at: iso(row.last_refresh_success_at),
    last_refresh_failure_at: iso(row.last_refresh_failure_at),
    last_fetched_at: iso(row.last_fetched_at),
    webhook_url_override: row.webhook_url_override,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}
