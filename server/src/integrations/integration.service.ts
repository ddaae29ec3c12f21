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
import type { ModeIntegration } from '../auth-modes/auth-mode';
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

/**
 * An integration as a flow, a refresh or the proxy uses it: the auth mode's view, secrets opened. Internal: never
 * returned by an API as it is.
 */
export interface IntegrationForFlow extends ModeIntegration {
  provider: string;
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

/** Auth modes whose integration holds the app's own client id and secret, under the mode's name. */
const CLIENT_TYPES = new Set(['OAUTH1', 'OAUTH2', 'TBA']);

/**
 * An integration's settings: `integration_config` is stored in the clear, so values the provider declares secret
 * there (AWS SigV4's `awsSecretAccessKey`) move to the sealed `custom` map, where the auth modes look first.
 */
function splitSettings(
  provider: Provider | undefined,
  config: Record<string, string>,
  custom: Record<string, string> | undefined,
): { plain: Record<string, string>; sealed: Record<string, string> | undefined } {
  const declared = provider?.integration_config ?? {};
  const plain: Record<string, string> = {};
  const secret: Record<string, string> = {};
  for (const [name, value] of Object.entries(config)) {
    if (declared[name]?.secret === true) secret[name] = value;
    else plain[name] = value;
  }
  if (Object.keys(secret).length === 0) return { plain, sealed: custom };
  return { plain, sealed: { ...custom, ...secret } };
}

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
      provider.auth_mode === 'APP' || provider.auth_mode === 'CUSTOM' || CLIENT_TYPES.has(provider.auth_mode)
        ? provider.auth_mode
        : null;
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
      } else if (row.credentials_type === 'CUSTOM') {
        integration.credentials = {
          type: 'CUSTOM',
          client_id: row.client_id,
          client_secret: secrets.client_secret ?? null,
          app_id: row.app_id ?? '',
          app_link: row.app_link ?? '',
          private_key: secrets.private_key ?? '',
          scopes: row.scopes.join(','),
        };
      } else if (
        row.credentials_type === 'OAUTH1' ||
        row.credentials_type === 'OAUTH2' ||
        row.credentials_type === 'TBA'
      ) {
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
      const secrets = openSecrets(row);
      return {
        id: row.id,
        uniqueKey: row.unique_key,
        provider: row.provider,
        clientId: row.client_id,
        clientSecret: secrets.client_secret ?? null,
        scopes: row.scopes,
        appId: row.app_id,
        appLink: row.app_link,
        privateKey: secrets.private_key ?? null,
        integrationConfig: row.integration_config,
        custom:
          row.custom_sealed === null
            ? {}
            : vault.openJson<Record<string, string>>(row.custom_sealed, customContext(row.id)),
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
      const settings = splitSettings(provider, input.integration_config ?? {}, input.custom);
      const oauth = credentials !== undefined && credentials.type !== 'APP' ? credentials : undefined;
      const app = credentials?.type === 'APP' || credentials?.type === 'CUSTOM' ? credentials : undefined;
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
          webhook_secret: oauth !== undefined && 'webhook_secret' in oauth ? oauth.webhook_secret : undefined,
          private_key: app?.private_key,
        }),
        // An integration created without scopes starts with the provider's defaults, as in Nango.
        scopes: JSON.stringify(oauth?.scopes ?? provider.default_scopes ?? []),
        app_id: app?.app_id ?? null,
        app_link: app?.app_link ?? null,
        forward_webhooks: input.forward_webhooks ?? true,
        integration_config: JSON.stringify(settings.plain),
        custom_sealed:
          settings.sealed === undefined ? null : vault.sealJson(settings.sealed, customContext(id)),
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
      if (input.integration_config !== undefined || input.custom !== undefined) {
        // Secret settings typed into integration_config join the sealed custom map (kept, unless custom is replaced).
        const stored =
          input.custom ??
          (row.custom_sealed === null
            ? undefined
            : vault.openJson<Record<string, string>>(row.custom_sealed, customContext(row.id)));
        const settings = splitSettings(provider, input.integration_config ?? row.integration_config, stored);
        if (input.integration_config !== undefined)
          update.integration_config = JSON.stringify(settings.plain);
        if (settings.sealed !== undefined)
          update.custom_sealed = vault.sealJson(settings.sealed, customContext(row.id));
      }

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
        } else if (credentials.type === 'CUSTOM') {
          const same = row.credentials_type === 'CUSTOM';
          update.client_id = credentials.client_id ?? (same ? row.client_id : null);
          update.app_id = credentials.app_id ?? (same ? row.app_id : null);
          update.app_link = credentials.app_link ?? (same ? row.app_link : null);
          update.secrets_sealed = sealSecrets(row.id, {
            client_secret: credentials.client_secret ?? stored.client_secret,
            private_key: credentials.private_key ?? stored.private_key,
          });
          if (credentials.scopes !== undefined) update.scopes = JSON.stringify(credentials.scopes);
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
