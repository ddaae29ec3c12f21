/**
 * Providers an environment can use: the shipped catalog plus the custom providers it registered. Custom definitions
 * go through the same schema and rules as the catalog; their URLs may be plain-http loopback only when the instance
 * allows private URLs (local test servers).
 */
import { randomUUID } from 'node:crypto';
import {
  type Catalog,
  checkProviderRules,
  namedProviderDefinitionSchema,
  type Provider,
  type ProviderDefinition,
  providerDefinitionSchema,
  providerNameSchema,
  resolveAlias,
} from '@latchkey/providers';
import {
  ConflictError,
  fieldErrorsFromZod,
  NotFoundError,
  type ProviderOutput,
  ValidationError,
} from '@latchkey/schema';
import { type AuditService, auditTrailFor } from '../audit/audit.service';
import { type AuthContext, requireScope } from '../auth/auth-context';
import type { Db } from '../platform/database/database';
import {
  deleteCustomProviderRow,
  findCustomProviderRow,
  insertCustomProviderRow,
  listCustomProviderRows,
  updateCustomProviderRow,
} from './custom-provider.repository';
import { compileProviderSearch } from './provider-search';

export interface ProviderService {
  list(auth: AuthContext, search?: string): Promise<ProviderOutput[]>;
  get(auth: AuthContext, name: string): Promise<ProviderOutput>;
  /** The resolved provider for internal use (integrations, flows); undefined when unknown. */
  resolve(environmentId: string, name: string): Promise<Provider | undefined>;
  createCustom(auth: AuthContext, input: unknown): Promise<ProviderOutput>;
  updateCustom(auth: AuthContext, name: string, patch: unknown): Promise<ProviderOutput>;
  deleteCustom(auth: AuthContext, name: string): Promise<void>;
}

export interface ProviderServiceDeps {
  db: Db;
  catalog: Catalog;
  publicUrl: string;
  allowPrivateUrls: boolean;
  /** Whether integrations of this environment use the provider (a custom provider in use cannot be deleted). */
  isProviderInUse: (environmentId: string, name: string) => Promise<boolean>;
  /** Operator actions go to the audit log. */
  audit?: Pick<AuditService, 'record'> | undefined;
}

export function createProviderService(deps: ProviderServiceDeps): ProviderService {
  const { db, catalog } = deps;
  const audit = auditTrailFor(deps.audit, 'provider');

  function present(provider: Provider, custom: boolean): ProviderOutput {
    return { ...provider, logo_url: `${deps.publicUrl}/images/template-logos/${provider.name}.svg`, custom };
  }

  async function customProviders(environmentId: string): Promise<Provider[]> {
    const rows = await listCustomProviderRows(db, environmentId);
    return rows.flatMap((row) => {
      const resolved = resolveAlias(row.name, row.definition, (target) => catalog.get(target));
      return typeof resolved === 'string' ? [] : [resolved];
    });
  }

  /** Validates a definition (schema, alias, rules) and returns it ready to store. */
  function validateDefinition(name: string, definition: unknown): ProviderDefinition {
    const parsed = providerDefinitionSchema.safeParse(definition);
    if (!parsed.success) {
      throw new ValidationError('invalid_body', 'The provider definition does not match the schema.', {
        errors: fieldErrorsFromZod(parsed.error),
      });
    }
    const resolved = resolveAlias(name, parsed.data, (target) => catalog.get(target));
    const problems =
      typeof resolved === 'string'
        ? [resolved]
        : checkProviderRules(resolved, { allowHttpLoopback: deps.allowPrivateUrls });
    if (problems.length > 0) {
      throw new ValidationError('invalid_provider_definition', problems.join('; '), {
        errors: problems.map((problem) => ({
          code: 'provider_rule',
          message: problem,
          path: [problem.split(/[:. ]/, 1)[0]!],
        })),
      });
    }
    return parsed.data;
  }

  async function findCustom(environmentId: string, name: string) {
    const row = await findCustomProviderRow(db, environmentId, name);
    if (row === undefined) {
      const message = catalog.get(name)
        ? `Provider ${name} is part of the catalog and cannot be changed; register a custom provider under another name.`
        : `Unknown custom provider ${name}`;
      throw new NotFoundError('unknown_provider', message);
    }
    return row;
  }

  const service: ProviderService = {
    async list(auth, search) {
      requireScope(auth, 'environment:providers:read');
      const pattern = search === undefined || search === '' ? undefined : compileProviderSearch(search);
      const all = [
        ...catalog.list().map((p) => present(p, false)),
        ...(await customProviders(auth.environment.id)).map((p) => present(p, true)),
      ];
      return all
        .filter((p) => pattern === undefined || pattern.test(p.name))
        .sort((a, b) => a.name.localeCompare(b.name));
    },

    async get(auth, name) {
      requireScope(auth, 'environment:providers:read');
      const fromCatalog = catalog.get(name);
      if (fromCatalog !== undefined) return present(fromCatalog, false);
      const provider = await service.resolve(auth.environment.id, name);
      if (provider === undefined) throw new NotFoundError('not_found', `Unknown provider ${name}`);
      return present(provider, true);
    },

    async resolve(environmentId, name) {
      const fromCatalog = catalog.get(name);
      if (fromCatalog !== undefined) return fromCatalog;
      if (!providerNameSchema.safeParse(name).success) return undefined;
      const row = await findCustomProviderRow(db, environmentId, name);
      if (row === undefined) return undefined;
      const resolved = resolveAlias(row.name, row.definition, (target) => catalog.get(target));
      return typeof resolved === 'string' ? undefined : resolved;
    },

    async createCustom(auth, input) {
      requireScope(auth, 'environment:providers:write');
      const parsed = namedProviderDefinitionSchema.safeParse(input);
      if (!parsed.success) {
        throw new ValidationError('invalid_body', 'The provider definition does not match the schema.', {
          errors: fieldErrorsFromZod(parsed.error),
        });
      }
      const { name, ...definition } = parsed.data;
      if (catalog.get(name) !== undefined) {
        throw new ConflictError(
          'provider_already_exists',
          `Provider ${name} is part of the catalog; register a custom provider under another name.`,
        );
      }
      const valid = validateDefinition(name, definition);
      const row = await insertCustomProviderRow(db, {
        id: randomUUID(),
        environment_id: auth.environment.id,
        name,
        definition: valid,
      });
      if (row === undefined)
        throw new ConflictError('provider_already_exists', `Provider ${name} already exists.`);
      await audit(auth, 'provider.create', name);
      return service.get(auth, name);
    },

    async updateCustom(auth, name, patch) {
      requireScope(auth, 'environment:providers:write');
      if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) {
        throw new ValidationError('invalid_body', 'The body must be a JSON object of fields to change.');
      }
      const row = await findCustom(auth.environment.id, name);
      // JSON merge patch on the top level: a field set to null is removed.
      const merged: Record<string, unknown> = { ...row.definition };
      for (const [key, value] of Object.entries(patch)) {
        if (key === 'name') {
          if (value !== name) throw new ValidationError('invalid_body', 'A provider cannot be renamed.');
          continue;
        }
        if (value === null) delete merged[key];
        else merged[key] = value;
      }
      await updateCustomProviderRow(db, row.id, validateDefinition(name, merged));
      await audit(auth, 'provider.update', name, { fields: Object.keys(patch) });
      return service.get(auth, name);
    },

    async deleteCustom(auth, name) {
      requireScope(auth, 'environment:providers:write');
      const row = await findCustom(auth.environment.id, name);
      if (await deps.isProviderInUse(auth.environment.id, name)) {
        throw new ConflictError(
          'provider_in_use',
          `Provider ${name} is used by integrations; delete them first.`,
        );
      }
      await deleteCustomProviderRow(db, row.id);
      await audit(auth, 'provider.delete', name);
    },
  };
  return service;
}
