/**
 * A whole providers file in Nango's format (`providers.yaml`, or the same map as JSON): parsing it safely, then
 * checking each entry on its own so that one bad entry does not stop the others. The server's import endpoint and
 * the CLI share both steps.
 */
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { resolveAlias } from './catalog';
import { checkProviderRules, type RuleOptions } from './provider.rules';
import {
  type Provider,
  type ProviderDefinition,
  providerDefinitionSchema,
  providerNameSchema,
} from './provider.schema';

export type ProvidersFileFormat = 'yaml' | 'json';

/** Aliases expanded past this count are refused (YAML "billion laughs"); Nango's file has none. */
const MAX_ALIAS_COUNT = 100;

export class ProvidersFileError extends Error {
  constructor(
    readonly format: ProvidersFileFormat,
    message: string,
  ) {
    super(message);
    this.name = 'ProvidersFileError';
  }
}

/**
 * The file's map of provider name to entry. YAML is read with the core schema only: no custom tags (an unknown tag
 * is an error, not a string), unique keys, one document, anchors and merge keys allowed but their expansion bounded.
 */
export function parseProvidersFile(text: string, format: ProvidersFileFormat): Record<string, unknown> {
  let value: unknown;
  if (format === 'json') {
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new ProvidersFileError(format, (error as Error).message);
    }
  } else {
    const document = parseDocument(text, {
      schema: 'core',
      merge: true,
      uniqueKeys: true,
      strict: true,
    });
    const problem = document.errors[0] ?? document.warnings.find((w) => w.code === 'TAG_RESOLVE_FAILED');
    if (problem !== undefined) throw new ProvidersFileError(format, firstLine(problem.message));
    try {
      value = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
      throw new ProvidersFileError(format, (error as Error).message);
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ProvidersFileError(format, 'A providers file is a map of provider name to provider entry.');
  }
  return value as Record<string, unknown>;
}

export interface ProvidersFileCheckOptions extends RuleOptions {
  /** Names left out of the check and reported as skipped (shipped providers the file does not override). */
  skip?: (name: string) => boolean;
  /** Alias targets outside the file (the environment's custom providers, then the catalog). */
  lookup?: (name: string) => ProviderDefinition | undefined;
}

export interface ProvidersFileCheck {
  /** Entries that pass, as they are to be stored (aliases unresolved) and resolved. */
  accepted: Array<{ name: string; definition: ProviderDefinition; provider: Provider }>;
  refused: Array<{ name: string; reason: string }>;
  skipped: string[];
}

/**
 * Checks every entry: its name, the schema, its alias (a target in the file first, else outside it; chains resolve)
 * and the rules. A refusal reads `path: message`. An alias of an entry of the file that is refused is refused too.
 */
export function checkProvidersFile(
  entries: Record<string, unknown>,
  options: ProvidersFileCheckOptions = {},
): ProvidersFileCheck {
  const skipped: string[] = [];
  const refused = new Map<string, string>();
  const definitions = new Map<string, ProviderDefinition>();
  for (const [name, entry] of Object.entries(entries)) {
    if (options.skip?.(name) === true) {
      skipped.push(name);
      continue;
    }
    const validName = providerNameSchema.safeParse(name);
    if (!validName.success) {
      refused.set(name, `name: ${validName.error.issues[0]?.message ?? 'invalid'}`);
      continue;
    }
    const parsed = providerDefinitionSchema.safeParse(entry);
    if (parsed.success) definitions.set(name, parsed.data);
    else refused.set(name, parsed.error.issues.map(describeIssue).join('; '));
  }

  const inFile = (name: string) => Object.hasOwn(entries, name) && options.skip?.(name) !== true;
  const lookup = (name: string) => (inFile(name) ? definitions.get(name) : options.lookup?.(name));
  const resolved = new Map<string, Provider>();
  for (const [name, definition] of definitions) {
    const provider = resolveAlias(name, definition, lookup);
    const problems =
      typeof provider === 'string'
        ? [aliasProblem(provider, refused)]
        : checkProviderRules(provider, options);
    if (typeof provider === 'string' || problems.length > 0) refused.set(name, problems.join('; '));
    else resolved.set(name, provider);
  }
  // An alias whose target in the file was refused would be stored pointing at nothing.
  for (let changed = true; changed; ) {
    changed = false;
    for (const [name, provider] of resolved) {
      const target = provider.alias;
      if (target !== undefined && inFile(target) && refused.has(target)) {
        refused.set(name, `alias: ${target} is refused in this file`);
        resolved.delete(name);
        changed = true;
      }
    }
  }

  return {
    accepted: [...resolved].map(([name, provider]) => ({
      name,
      definition: definitions.get(name)!,
      provider,
    })),
    refused: [...refused].map(([name, reason]) => ({ name, reason })),
    skipped,
  };
}

/** The format a file name or content type stands for: JSON for `.json` / `application/json`, else YAML. */
export function providersFileFormat(nameOrType: string): ProvidersFileFormat {
  return /(^|[./+])json\b/i.test(nameOrType) ? 'json' : 'yaml';
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const at = (path: PropertyKey[]) => path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => `${at([...issue.path, key])}: not a known field`).join('; ');
  }
  return issue.path.length > 0 ? `${at(issue.path)}: ${issue.message}` : issue.message;
}

function aliasProblem(problem: string, refused: Map<string, string>): string {
  const missing = /^alias: (\S+)/.exec(problem)?.[1];
  return missing !== undefined && refused.has(missing)
    ? `alias: ${missing} is refused in this file`
    : problem;
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/:$/, '');
}
