/**
 * Integrations: an environment's configured use of a provider (its OAuth app, scopes, options). Client secrets and
 * other secret parts are sealed in the vault; they leave the service only when asked for by a key with the
 * `environment:integrations:read_credentials` scope.
 */
import { randomUUID } from 'node:crypto';
import type { Provider } from '@latchkey/providers';
import {
  ConflictError,
  type CreateIntegrationInput,
  type Integration,
  type IntegrationInclude,
  NotFoundError,
  type UpdateIntegrationInput,
  ValidationError,
} from '@latchkey/schema';
import { type AuditService, auditTrailFor } from '../audit/audit.service';
import { type AuthContext, integrationVisible, requireScope } from '../auth/auth-context';
import type { Vault } from '../platform/crypto/vault';
import type { Db } from '../platform/database/database';
import type { ProviderService } from '../providers/provider.service';
import {
  deleteIntegrationRow,
  findIntegrationRow,
  insertIntegrationRow,
  listIntegrationRows,
  updateIntegrationRow,
} from './integration.repository';
import type { IntegrationRow } from './integration.table';

/** The secret parts of an integration, sealed together in one column. */
interface IntegrationSecrets {
  client_secret?: string;
  webhook_secret?: string;
  private_key?: string;
}

/** What an auth flow needs of an integration, secrets opened. Internal: never returned by an API as it is. */
export interface IntegrationForFlow {
  id: string;
  uniqueKey: string;
  provider: string;
  clientId: string | null;
  clientSecret: string | null;
  scopes: string[];
}

export interface IntegrationService {
  loadForFlow(environmentId: string, uniqueKey: string): Promise<IntegrationForFlow | undefined>;
  list(auth: AuthContext): Promise<Integration[]>;
  get(auth: AuthContext, uniqueKey: string, include?: readonly IntegrationInclude[]): Promise<Integration>;
  create(auth: AuthContext, input: CreateIntegrationInput): Promise<Integration>;
  update(auth: AuthContext, uniqueKey: string, input: UpdateIntegrationInput): Promise<Integration>;
  delete(auth: AuthContext, uniqueKey: string): Promise<void>;
}

export interface IntegrationServiceDeps {
  db: Db;
  vault: Vault;
  providers: ProviderService;
  publicUrl: string;
  /** Operator actions go to the audit log. */
  audit?: Pick<AuditService, 'record'> | undefined;
}

const OAUTH_TYPES = new Set(['OAUTH1', 'OAUTH2']);

export function createIntegrationService(deps: IntegrationServiceDeps): IntegrationService {
  const { db, vault, providers } = deps;
  const secretsContext = (id: string) => `integrations.secrets:${id}`;
  const customContext = (id: string) => `integrations.custom:${id}`;
  const audit = auditTrailFor(deps.audit, 'integration');

  async function findOrThrow(environmentId: string, uniqueKey: string): Promise<IntegrationRow> {
    const row = await findIntegrationRow(db, environmentId, uniqueKey);
    if (row === undefined) throw new NotFoundError('not_found', `Integration ${uniqueKey} does not exist.`);
    return row;
  }

  async function providerOrThrow(environmentId: string, name: string): Promise<Provider> {
    const provider = await providers.resolve(environmentId, name);
    if (provider === undefined) {
      throw new ValidationError('invalid_body', `Unknown provider ${name}.`, {
        errors: [{ code: 'unknown_provider', message: `Unknown provider ${name}`, path: ['provider'] }],
      });
    }
    return provider;
  }

  function checkCredentialsType(provider: Provider, type: string): void {
    const expected =
      provider.auth_mode === 'APP' ? 'APP' : OAUTH_TYPES.has(provider.auth_mode) ? provider.auth_mode : null;
    if (type !== expected) {
      const message =
        expected === null
          ? `Provider ${provider.name} uses ${provider.auth_mode}: its end users bring their own credentials, so the integration takes none.`
          : `Provider ${provider.name} uses ${provider.auth_mode}: credentials must have type ${expected}.`;
      throw new ValidationError('invalid_body', message, {
        errors: [{ code: 'invalid_credentials_type', message, path: ['credentials', 'type'] }],
      });
    }
  }

  function present(
    row: IntegrationRow,
    provider: Provider | undefined,
    include: readonly IntegrationInclude[],
  ): Integration {
    const integration: Integration = {
      unique_key: row.unique_key,
      provider: row.provider,
      display_name: row.display_name ?? provider?.display_name ?? row.provider,
      logo: `${deps.publicUrl}/images/template-logos/${row.provider}.svg`,
      forward_webhooks: row.forward_webhooks,
      created_at: row.created_at.toISOString(),
      updated_at: row.updated_at.toISOString(),
    };
    if (include.includes('webhook')) {
      integration.webhook_url = `${deps.publicUrl}/webhook/${row.environment_id}/${encodeURIComponent(row.unique_key)}`;
    }
    if (include.includes('credentials')) {
      const secrets = openSecrets(row);
      if (row.credentials_type === 'APP') {
        integration.credentials = {
          type: 'APP',
          app_id: row.app_id ?? '',
          app_link: row.app_link ?? '',
          private_key: secrets.private_key ?? '',
        };
      } else if (row.credentials_type === 'OAUTH1' || row.credentials_type === 'OAUTH2') {
        integration.credentials = {
          type: row.credentials_type,
          client_id: row.client_id,
          client_secret: secrets.client_secret ?? null,
          scopes: row.scopes.join(','),
          webhook_secret: secrets.webhook_secret ?? null,
        };
      } else {
        integration.credentials = null;
      }
    }
    return integration;
  }

  function openSecrets(row: IntegrationRow): IntegrationSecrets {
    return row.secrets_sealed === null
      ? {}
      : vault.openJson<IntegrationSecrets>(row.secrets_sealed, secretsContext(row.id));
  }

  function sealSecrets(id: string, secrets: IntegrationSecrets): string | null {
    const present = Object.fromEntries(Object.entries(secrets).filter(([, value]) => value !== undefined));
    return Object.keys(present).length === 0 ? null : vault.sealJson(present, secretsContext(id));
  }

  function includesFor(
    auth: AuthContext,
    include: readonly IntegrationInclude[],
  ): readonly IntegrationInclude[] {
    if (include.includes('credentials')) requireScope(auth, 'environment:integrations:read_credentials');
    return include;
  }

  return {
    async loadForFlow(environmentId, uniqueKey) {
      const row = await findIntegrationRow(db, environmentId, uniqueKey);
      if (row === undefined) return undefined;
      return {
        id: row.id,
        uniqueKey: row.unique_key,
        provider: row.provider,
        clientId: row.client_id,
        clientSecret: openSecrets(row).client_secret ?? null,
        scopes: row.scopes,
      };
    },

    async list(auth) {
      requireScope(auth, 'environment:integrations:read');
      const rows = await listIntegrationRows(db, auth.environment.id);
      const cache = new Map<string, Provider | undefined>();
      const result: Integration[] = [];
      for (const row of rows) {
        if (!integrationVisible(auth, row.unique_key)) continue;
        if (!cache.has(row.provider))
          cache.set(row.provider, await providers.resolve(auth.environment.id, row.provider));
        result.push(present(row, cache.get(row.provider), []));
      }
      return result;
    },

    async get(auth, uniqueKey, include = []) {
      requireScope(auth, 'environment:integrations:read');
      const includes = includesFor(auth, include);
      if (!integrationVisible(auth, uniqueKey))
        throw new NotFoundError('not_found', `Integration ${uniqueKey} does not exist.`);
      const row = await findOrThrow(auth.environment.id, uniqueKey);
      return present(row, await providers.resolve(auth.environment.id, row.provider), includes);
    },

    async create(auth, input) {
      requireScope(auth, 'environment:integrations:write');
      const provider = await providerOrThrow(auth.environment.id, input.provider);
      const credentials = input.credentials;
      if (credentials !== undefined) checkCredentialsType(provider, credentials.type);
      const id = randomUUID();
      const oauth = credentials !== undefined && credentials.type !== 'APP' ? credentials : undefined;
      const app = credentials?.type === 'APP' ? credentials : undefined;
      const row = await insertIntegrationRow(db, {
        id,
        environment_id: auth.environment.id,
        unique_key: input.unique_key,
        provider: provider.name,
        display_name: input.display_name ?? null,
        credentials_type: credentials?.type ?? null,
        client_id: oauth?.client_id ?? null,
        secrets_sealed: sealSecrets(id, {
          client_secret: oauth?.client_secret,
          webhook_secret: oauth?.webhook_secret,
          private_key: app?.private_key,
        }),
        // An integration created without scopes starts with the provider's defaults, as in Nango.
        scopes: JSON.stringify(oauth?.scopes ?? provider.default_scopes ?? []),
        app_id: app?.app_id ?? null,
        app_link: app?.app_link ?? null,
        forward_webhooks: input.forward_webhooks ?? true,
        integration_config: JSON.stringify(input.integration_config ?? {}),
        custom_sealed: input.custom === undefined ? null : vault.sealJson(input.custom, customContext(id)),
      });
      if (row === undefined) {
        throw new ConflictError(
          'integration_already_exists',
          `Integration ${input.unique_key} already exists.`,
        );
      }
      await audit(auth, 'integration.create', row.unique_key, { provider: provider.name });
      return present(row, provider, []);
    },

    async update(auth, uniqueKey, input) {
      requireScope(auth, 'environment:integrations:write');
      const row = await findOrThrow(auth.environment.id, uniqueKey);
      const provider = await providers.resolve(auth.environment.id, row.provider);
      const update: Parameters<typeof updateIntegrationRow>[2] = { updated_at: new Date() };

      if (input.unique_key !== undefined && input.unique_key !== row.unique_key) {
        if ((await findIntegrationRow(db, auth.environment.id, input.unique_key)) !== undefined) {
          throw new ConflictError(
            'integration_already_exists',
            `Integration ${input.unique_key} already exists.`,
          );
        }
        update.unique_key = input.unique_key;
      }
      if (input.display_name !== undefined) update.display_name = input.display_name;
      if (input.forward_webhooks !== undefined) update.forward_webhooks = input.forward_webhooks;
      if (input.integration_config !== undefined)
        update.integration_config = JSON.stringify(input.integration_config);
      if (input.custom !== undefined)
        update.custom_sealed = vault.sealJson(input.custom, customContext(row.id));

      const credentials = input.credentials;
      if (credentials !== undefined) {
        if (provider !== undefined) checkCredentialsType(provider, credentials.type);
        // Fields left out keep their stored values, so rotating only the secret (or only scopes) is one small PATCH.
        const stored = row.credentials_type === credentials.type ? openSecrets(row) : {};
        if (credentials.type === 'APP') {
          update.app_id = credentials.app_id ?? row.app_id;
          update.app_link = credentials.app_link ?? row.app_link;
          update.secrets_sealed = sealSecrets(row.id, {
            private_key: credentials.private_key ?? stored.private_key,
          });
        } else {
          update.client_id =
            credentials.client_id ?? (row.credentials_type === credentials.type ? row.client_id : null);
          update.secrets_sealed = sealSecrets(row.id, {
            client_secret: credentials.client_secret ?? stored.client_secret,
            webhook_secret: credentials.webhook_secret ?? stored.webhook_secret,
          });
          if (credentials.scopes !== undefined) update.scopes = JSON.stringify(credentials.scopes);
        }
        update.credentials_type = credentials.type;
      }

      let updated: IntegrationRow;
      try {
        updated = await updateIntegrationRow(db, row.id, update);
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw new ConflictError(
            'integration_already_exists',
            `Integration ${input.unique_key} already exists.`,
          );
        }
        throw error;
      }
      // Field names only: the input may hold a client secret.
      await audit(auth, 'integration.update', uniqueKey, {
        fields: Object.keys(input),
        ...(updated.unique_key === uniqueKey ? {} : { renamed_to: updated.unique_key }),
      });
      return present(updated, provider, []);
    },

    async delete(auth, uniqueKey) {
      requireScope(auth, 'environment:integrations:write');
      const row = await findOrThrow(auth.environment.id, uniqueKey);
      await deleteIntegrationRow(db, row.id);
      await audit(auth, 'integration.delete', uniqueKey);
    },
  };
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}
