/**
 * Importing a connection whose credentials were obtained elsewhere (`POST /connections`, compat doc 2.2). The input
 * becomes the stored credential shape and is saved as a flow saves it (sealed in the vault, upserted, with its
 * `creation` or `override` event), so an imported connection refreshes, proxies and is deleted like any other.
 */
import { randomUUID } from 'node:crypto';
import type { Provider } from '@latchkey/providers';
import {
  type ConnectionOutput,
  type Credentials,
  type ImportConnectionInput,
  type ImportedCredentials,
  LatchkeyError,
  NotFoundError,
  ValidationError,
} from '@latchkey/schema';
import { endUserOf, sessionTags } from '../connect-sessions/connect-session.service';
import { findIntegrationRow } from '../integrations/integration.repository';
import type { Db } from '../platform/database/database';
import { validateConnectionConfig } from '../provider-requests/connection-config';
import type { ProviderService } from '../providers/provider.service';
import { findConnectionRowByKey } from './connection.repository';
import { type ConnectionService, present } from './connection.service';
import { checkWebhookUrlOverride } from './webhook-url-override';

export interface ConnectionImportDeps {
  db: Db;
  connections: ConnectionService;
  providers: ProviderService;
  allowPrivateUrls: boolean;
}

/** The full connection (compat doc 2.3), with the credentials as given: the caller sent them. */
export async function importConnection(
  deps: ConnectionImportDeps,
  environmentId: string,
  input: ImportConnectionInput,
): Promise<ConnectionOutput> {
  const integration = await findIntegrationRow(deps.db, environmentId, input.provider_config_key);
  if (integration === undefined) throw new NotFoundError('not_found', 'Integration does not exist');
  const provider = await deps.providers.resolve(environmentId, integration.provider);
  if (provider === undefined) throw new NotFoundError('not_found', 'Provider does not exist');
  if (provider.auth_mode !== input.credentials.type) {
    const message = `Provider ${provider.auth_mode} does not support ${input.credentials.type} auth`;
    throw new ValidationError('invalid_body', message, {
      errors: [{ code: 'invalid_credentials_type', message, path: ['credentials', 'type'] }],
    });
  }
  const credentials = storedCredentials(input.credentials);
  const webhookUrlOverride = checkWebhookUrlOverride(input.webhook_url_override, deps.allowPrivateUrls);
  const connectionConfig = importedConfig(provider, input.connection_config ?? {});
  const connectionId = input.connection_id ?? randomUUID();
  const existing = await findConnectionRowByKey(deps.db, integration.id, connectionId);
  const scopeOverride = connectionConfig.oauth_scopes_override;

  const saved = await deps.connections.save({
    environmentId,
    providerConfigKey: integration.unique_key,
    integrationId: integration.id,
    connectionId,
    provider: provider.name,
    credentials,
    expiresAt:
      'expires_at' in credentials && credentials.expires_at ? new Date(credentials.expires_at) : null,
    connectionConfig,
    scopes: scopeOverride === undefined ? integration.scopes : scopeOverride.split(/[\s,]+/).filter(Boolean),
    endUser: endUserOf(input.end_user, undefined),
    tags: sessionTags({ end_user: input.end_user, tags: input.tags }),
    // Nango answers `metadata: {}` for a new import without any; an override keeps what was there.
    metadata: input.metadata ?? (existing?.metadata == null ? {} : undefined),
    webhookUrlOverride,
  });
  return {
    ...present(saved.row, integration.unique_key, undefined),
    credentials: credentials.type === 'NONE' ? {} : credentials,
  };
}

/** OAuth credentials keep the input as `raw`, as Nango does; the others are stored as they came. */
function storedCredentials(input: ImportedCredentials): Credentials {
  switch (input.type) {
    case 'OAUTH2':
    case 'OAUTH2_CC':
    case 'OAUTH1':
      return { ...input, raw: { ...input } };
    case 'API_KEY':
    case 'BASIC':
    case 'NONE':
    case 'TBA':
      return input;
    default:
      // APP is valid Nango input, but an imported installation has no token yet: connect it through the app flow.
      throw new LatchkeyError(
        'invalid_auth_mode',
        `Latchkey does not run ${input.type} connections, so they cannot be imported.`,
      );
  }
}

/** Imported config ends up in provider URLs like a flow's, so it passes the same value checks (not required ones). */
function importedConfig(provider: Provider, config: Record<string, string>): Record<string, string> {
  try {
    return validateConnectionConfig(provider, config, { partial: true });
  } catch (error) {
    if (!(error instanceof LatchkeyError) || error.errors === undefined) throw error;
    const errors = error.errors.map((item) => ({
      ...item,
      path: ['connection_config', ...item.path.slice(1)],
    }));
    throw new ValidationError('invalid_body', error.message, { errors });
  }
}
