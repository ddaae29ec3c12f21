/**
 * The connections API besides reading one connection (compat doc 2.2, 2.4): list, patch, delete, metadata, import.
 * Scopes are checked here, so every transport enforces the same ones; the work is in one module per operation.
 */
import {
  type ConnectionListItem,
  type ConnectionOutput,
  type ImportConnectionInput,
  type ListConnectionsQuery,
  type MetadataInput,
  NotFoundError,
  type PatchConnectionInput,
} from '@latchkey/schema';
import { type AuditService, auditTrailFor } from '../audit/audit.service';
import { type AuthContext, requireScope } from '../auth/auth-context';
import { endUserOf, sessionTags } from '../connect-sessions/connect-session.service';
import { findIntegrationRow } from '../integrations/integration.repository';
import { findConnectionRowByKey, updateConnectionRow } from './connection.repository';
import type { ConnectionUpdate } from './connection.table';
import { type ConnectionDeletionDeps, deleteConnection } from './connection-deletion';
import { importConnection } from './connection-import';
import { listConnectionRows, presentListItem } from './connection-list';
import { type MetadataMode, writeMetadata } from './connection-metadata';
import { checkWebhookUrlOverride } from './webhook-url-override';

export interface ConnectionAdminService {
  list(auth: AuthContext, query: ListConnectionsQuery): Promise<ConnectionListItem[]>;
  patch(
    auth: AuthContext,
    connectionId: string,
    providerConfigKey: string,
    input: PatchConnectionInput,
  ): Promise<void>;
  delete(auth: AuthContext, connectionId: string, providerConfigKey: string): Promise<void>;
  writeMetadata(auth: AuthContext, input: MetadataInput, mode: MetadataMode): Promise<void>;
  import(auth: AuthContext, input: ImportConnectionInput): Promise<ConnectionOutput>;
}

export type ConnectionAdminDeps = ConnectionDeletionDeps & {
  /** Operator actions go to the audit log. */
  audit?: Pick<AuditService, 'record'> | undefined;
};

export function createConnectionAdminService(deps: ConnectionAdminDeps): ConnectionAdminService {
  const { db } = deps;
  const audit = auditTrailFor(deps.audit, 'connection');
  return {
    async list(auth, query) {
      requireScope(auth, 'environment:connections:read');
      const rows = await listConnectionRows(db, auth.environment.id, query);
      return rows.map(presentListItem);
    },

    async patch(auth, connectionId, providerConfigKey, input) {
      requireScope(auth, 'environment:connections:write');
      const integration = await findIntegrationRow(db, auth.environment.id, providerConfigKey);
      if (integration === undefined) {
        throw new NotFoundError('unknown_provider_config', 'Provider does not exists');
      }
      const row = await findConnectionRowByKey(db, integration.id, connectionId);
      if (row === undefined) throw new NotFoundError('not_found', 'Failed to find connection');
      const update: ConnectionUpdate = {};
      if (input.end_user !== undefined) {
        // The body cannot name an organization; the one the connect session recorded stays.
        const endUser = endUserOf(input.end_user, undefined)!;
        update.end_user = JSON.stringify({ ...endUser, organization: row.end_user?.organization ?? null });
      }
      // As Nango: given tags replace the tags, over the automatic end-user ones; an end user alone refreshes those.
      const automatic = sessionTags({ end_user: input.end_user });
      if (input.tags !== undefined) update.tags = JSON.stringify({ ...automatic, ...input.tags });
      else if (input.end_user !== undefined) update.tags = JSON.stringify({ ...row.tags, ...automatic });
      const webhookUrlOverride = checkWebhookUrlOverride(input.webhook_url_override, deps.allowPrivateUrls);
      if (webhookUrlOverride !== undefined) update.webhook_url_override = webhookUrlOverride;
      if (Object.keys(update).length > 0) await updateConnectionRow(db, row.id, update);
      await audit(auth, 'connection.update', `${providerConfigKey}/${connectionId}`, {
        fields: Object.keys(input),
      });
    },

    async delete(auth, connectionId, providerConfigKey) {
      requireScope(auth, 'environment:connections:write');
      await deleteConnection(deps, auth.environment.id, providerConfigKey, connectionId);
      await audit(auth, 'connection.delete', `${providerConfigKey}/${connectionId}`);
    },

    async writeMetadata(auth, input, mode) {
      requireScope(auth, 'environment:connections:write');
      await writeMetadata(db, auth.environment.id, input, mode);
      // One entry for a bulk write: its connection ids go in the details.
      const ids = Array.isArray(input.connection_id) ? input.connection_id : [input.connection_id];
      await audit(
        auth,
        'connection.metadata_update',
        ids.length === 1 ? `${input.provider_config_key}/${ids[0]}` : input.provider_config_key,
        { mode, ...(ids.length === 1 ? {} : { connection_ids: ids }) },
      );
    },

    async import(auth, input) {
      requireScope(auth, 'environment:connections:write');
      return importConnection(deps, auth.environment.id, input);
    },
  };
}
