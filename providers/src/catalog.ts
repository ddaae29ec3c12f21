/**
 * The shipped catalog: one JSON file per provider in `providers/catalog/`, validated against the schema and the rules
 * when loaded. A broken entry stops the load (and CI) rather than reaching a user.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkProviderRules } from './provider.rules';
import {
  PROVIDER_NAME_PATTERN,
  type Provider,
  type ProviderDefinition,
  providerDefinitionSchema,
} from './provider.schema';

export const CATALOG_DIR = fileURLToPath(new URL('../catalog/', import.meta.url));

export class CatalogError extends Error {
  constructor(readonly problems: string[]) {
    super(`Provider catalog is invalid:\n  ${problems.join('\n  ')}`);
    this.name = 'CatalogError';
  }
}

export interface Catalog {
  get(name: string): Provider | undefined;
  list(): Provider[];
}

/** Reads and checks every entry of a catalog directory. */
export function loadCatalog(dir: string = CATALOG_DIR): Catalog {
  const problems: string[] = [];
  const definitions = new Map<string, ProviderDefinition>();
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const name = file.slice(0, -'.json'.length);
    if (!PROVIDER_NAME_PATTERN.test(name)) {
      problems.push(`${file}: the file name is not a valid provider name`);
      continue;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
    } catch (error) {
      problems.push(`${file}: ${(error as Error).message}`);
      continue;
    }
    const parsed = providerDefinitionSchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        problems.push(`${name}.${issue.path.join('.')}: ${issue.message}`);
      continue;
    }
    definitions.set(name, parsed.data);
  }

  const providers = new Map<string, Provider>();
  for (const [name, definition] of definitions) {
    const resolved = resolveAlias(name, definition, (target) => definitions.get(target));
    if (typeof resolved === 'string') {
      problems.push(`${name}: ${resolved}`);
      continue;
    }
    for (const problem of checkProviderRules(resolved)) problems.push(`${name}.${problem}`);
    providers.set(name, resolved);
  }
  if (problems.length > 0) throw new CatalogError(problems);

  const sorted = [...providers.values()].sort((a, b) => a.name.localeCompare(b.name));
  return { get: (name) => providers.get(name), list: () => sorted };
}

/**
 * Applies `alias` the way Nango does: a shallow merge in which the alias's own fields win, following chains (an alias
 * of an alias). `lookup` finds a target's definition. Returns the resolved provider, or why it cannot be resolved
 * as `path: message` (a missing target, a cycle, no auth mode).
 */
export function resolveAlias(
  name: string,
  definition: ProviderDefinition,
  lookup: (name: string) => ProviderDefinition | undefined,
): Provider | string {
  let merged: ProviderDefinition = definition;
  const chain = [name];
  for (let target = definition.alias; target !== undefined; ) {
    if (chain.includes(target)) return `alias: a cycle, ${[...chain, target].join(' -> ')}`;
    const found = lookup(target);
    if (found === undefined) {
      return chain.length === 1
        ? `alias: ${target} names no provider`
        : `alias: ${target} (through ${chain.slice(1).join(', ')}) names no provider`;
    }
    chain.push(target);
    merged = { ...found, ...merged };
    target = found.alias;
  }
  if (merged.auth_mode === undefined) return 'auth_mode: required (directly or through alias)';
  return { ...merged, name, auth_mode: merged.auth_mode };
}
