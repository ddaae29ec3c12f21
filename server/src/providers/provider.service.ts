/**
 * Providers an environment can use: the shipped catalog plus the custom providers it registered, which may alias each
 * other or a shipped provider, and (through an import with `override`) replace a shipped one for the environment.
 * Custom definitions go through the same schema and rules as the catalog; their URLs may be plain-http loopback only
 * when the instance allows private URLs (local test servers).
 */
import { randomUUID } from 'node:crypto';
import {
  type Catalog,
  checkProviderRules,
  checkProvidersFile,
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
  type ProvidersImportReport,
  ValidationError,
} from '@latchkey/schema';
import { type AuditService, auditTrailFor } from '../audit/audit.service';
import { type AuthContext, requireScope } from '../auth/auth-context';
import type { Db } from '../platform/database/database';
import {
  deleteCustomProviderRow,
  findCustomProviderRow,
  insertCustomProviderRow,
  notifyCustomProvidersChanged,
  updateCustomProviderRow,
  upsertCustomProviderRows,
} from './custom-provider.repository';
import {
  type CustomDefinitions,
  type CustomProviderCache,
  readCustomDefinitions,
} from './custom-provider-cache';
import { compileProviderSearch } from './provider-search';

export interface ProviderService {
  list(auth: AuthContext, search?: string): Promise<ProviderOutput[]>;
  get(auth: AuthContext, name: string): Promise<ProviderOutput>;
  /** The resolved provider for internal use (integrations, flows); undefined when unknown. */
  resolve(environmentId: string, name: string): Promise<Provider | undefined>;
  createCustom(auth: AuthContext, input: unknown): Promise<ProviderOutput>;
  updateCustom(auth: AuthContext, name: string, patch: unknown): Promise<ProviderOutput>;
  deleteCustom(auth: AuthContext, name: string): Promise<void>;
  /**
   * Imports a providers file (Nango's format: a map of name to entry) into the environment. Each entry is checked on
   * its own; shipped names are skipped unless `override` (the environment's definition then replaces the shipped one).
   */
  importFile(
    auth: AuthContext,
    entries: unknown,
    options: { override: boolean },
  ): Promise<ProvidersImportReport>;
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
  /** Keeps custom definitions in memory; latchkey.ts passes one that hears other instances. Absent: read each time. */
  cache?: CustomProviderCache | undefined;
}

export function createProviderService(deps: ProviderServiceDeps): ProviderService {
  const { db, catalog } = deps;
  const audit = auditTrailFor(deps.audit, 'provider');

  function present(provider: Provider, custom: boolean): ProviderOutput {
    return { ...provider, logo_url: `${deps.publicUrl}/images/template-logos/${provider.name}.svg`, custom };
  }

  /**
   * The environment's definitions by name: alias targets are looked up there first, then in the catalog. Reads go
   * through the cache; checks before a write read the database.
   */
  function customDefinitions(environmentId: string, fresh = false): Promise<CustomDefinitions> {
    return fresh || deps.cache === undefined
      ? readCustomDefinitions(db, environmentId)
      : deps.cache.definitions(environmentId);
  }

  function resolveIn(definitions: CustomDefinitions, name: string, definition: ProviderDefinition) {
    return resolveAlias(name, definition, (target) => definitions.get(target) ?? catalog.get(target));
  }

  function validationFailed(problems: string[]): ValidationError {
    return new ValidationError('invalid_provider_definition', problems.join('; '), {
      errors: problems.map((problem) => ({
        code: 'provider_rule',
        message: problem,
        path: [problem.split(/[:. ]/, 1)[0]!],
      })),
    });
  }

  /** Validates a definition (schema, alias, rules) and returns it ready to store. */
  async function validateDefinition(
    environmentId: string,
    name: string,
    definition: unknown,
  ): Promise<ProviderDefinition> {
    const parsed = providerDefinitionSchema.safeParse(definition);
    if (!parsed.success) {
      throw new ValidationError('invalid_body', 'The provider definition does not match the schema.', {
        errors: fieldErrorsFromZod(parsed.error),
      });
    }
    const resolved = resolveIn(await customDefinitions(environmentId, true), name, parsed.data);
    const problems =
      typeof resolved === 'string'
        ? [resolved]
        : checkProviderRules(resolved, { allowHttpLoopback: deps.allowPrivateUrls });
    if (problems.length > 0) throw validationFailed(problems);
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
      const definitions = await customDefinitions(auth.environment.id);
      const custom = [...definitions].flatMap(([name, definition]) => {
        const resolved = resolveIn(definitions, name, definition);
        return typeof resolved === 'string' ? [] : [present(resolved, true)];
      });
      const all = [
        ...catalog
          .list()
          .filter((p) => !definitions.has(p.name))
          .map((p) => present(p, false)),
        ...custom,
      ];
      return all
        .filter((p) => pattern === undefined || pattern.test(p.name))
        .sort((a, b) => a.name.localeCompare(b.name));
    },

    async get(auth, name) {
      requireScope(auth, 'environment:providers:read');
      const provider = await service.resolve(auth.environment.id, name);
      if (provider === undefined) throw new NotFoundError('not_found', `Unknown provider ${name}`);
      return present(provider, provider !== catalog.get(name));
    },

    async resolve(environmentId, name) {
      if (!providerNameSchema.safeParse(name).success) return catalog.get(name);
      const definitions = await customDefinitions(environmentId);
      const definition = definitions.get(name);
      if (definition === undefined) return catalog.get(name);
      const resolved = resolveIn(definitions, name, definition);
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
      const valid = await validateDefinition(auth.environment.id, name, definition);
      const row = await db.transaction().execute(async (trx) => {
        const inserted = await insertCustomProviderRow(trx, {
          id: randomUUID(),
          environment_id: auth.environment.id,
          name,
          definition: valid,
        });
        if (inserted !== undefined) await notifyCustomProvidersChanged(trx, auth.environment.id);
        return inserted;
      });
      if (row === undefined)
        throw new ConflictError('provider_already_exists', `Provider ${name} already exists.`);
      deps.cache?.invalidate(auth.environment.id);
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
      await updateCustomProviderRow(db, row.id, await validateDefinition(auth.environment.id, name, merged));
      deps.cache?.invalidate(auth.environment.id);
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
      // Without it, custom aliases of this provider would point at nothing (an override falls back to the catalog).
      if (catalog.get(name) === undefined) {
        const aliases = [...(await customDefinitions(auth.environment.id, true))]
          .filter(([, definition]) => definition.alias === name)
          .map(([alias]) => alias);
        if (aliases.length > 0) {
          throw new ConflictError(
            'provider_in_use',
            `Provider ${name} is the alias target of ${aliases.join(', ')}; delete or change them first.`,
          );
        }
      }
      await deleteCustomProviderRow(db, row.id);
      deps.cache?.invalidate(auth.environment.id);
      await audit(auth, 'provider.delete', name);
    },

    async importFile(auth, entries, options) {
      requireScope(auth, 'environment:providers:write');
      if (entries === null || typeof entries !== 'object' || Array.isArray(entries)) {
        throw new ValidationError(
          'invalid_body',
          'A providers file is a map of provider name to provider entry.',
        );
      }
      const environmentId = auth.environment.id;
      const existing = await customDefinitions(environmentId, true);
      const check = checkProvidersFile(entries as Record<string, unknown>, {
        skip: (name) => !options.override && catalog.get(name) !== undefined,
        lookup: (name) => existing.get(name) ?? catalog.get(name),
        allowHttpLoopback: deps.allowPrivateUrls,
      });
      const imported = check.accepted.filter(({ name }) => !existing.has(name)).map(({ name }) => name);
      const updated = check.accepted.filter(({ name }) => existing.has(name)).map(({ name }) => name);
      const rows = check.accepted.map(({ name, definition }) => ({ id: randomUUID(), name, definition }));
      await db.transaction().execute(async (trx) => {
        await upsertCustomProviderRows(trx, environmentId, rows);
        if (rows.length > 0) await notifyCustomProvidersChanged(trx, environmentId);
      });
      deps.cache?.invalidate(environmentId);
      for (const name of imported) await audit(auth, 'provider.create', name, { via: 'import' });
      for (const name of updated) await audit(auth, 'provider.update', name, { via: 'import' });
      return { imported, updated, skipped: check.skipped, refused: check.refused };
    },
  };
  return service;
}
