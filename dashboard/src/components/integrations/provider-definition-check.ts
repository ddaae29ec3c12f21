/**
 * Live validation of a custom provider definition, with the very schema and rules the server applies
 * (providers/src). This module pulls in zod, so the editor imports it lazily: it never reaches the first-load bundle.
 */
import { checkProviderRules } from '../../../../providers/src/provider.rules';
import {
  namedProviderDefinitionSchema,
  type Provider,
  providerDefinitionSchema,
} from '../../../../providers/src/provider.schema';

export interface DefinitionProblem {
  /** Dotted path into the definition (`proxy.base_url`), empty for the whole document. */
  path: string;
  message: string;
}

export type DefinitionCheck =
  | { ok: true; definition: Record<string, unknown> }
  | { ok: false; problems: DefinitionProblem[] };

/**
 * `named`: a new provider, whose `name` is part of the document. Editing one: the name is fixed and the document is
 * the rest of the definition.
 */
export function checkProviderDefinition(text: string, options: { named: boolean }): DefinitionCheck {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, problems: [{ path: '', message: jsonErrorMessage(text, error) }] };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, problems: [{ path: '', message: 'The definition must be a JSON object.' }] };
  }
  const schema = options.named ? namedProviderDefinitionSchema : providerDefinitionSchema;
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.flatMap((issue) =>
        // An unknown key is reported on its parent; listing it at its own path is what a person looks for.
        issue.code === 'unrecognized_keys'
          ? issue.keys.map((key) => ({
              path: [...issue.path, key].map(String).join('.'),
              message: 'Unknown key.',
            }))
          : [{ path: issue.path.map(String).join('.'), message: issue.message }],
      ),
    };
  }
  const definition = parsed.data as Record<string, unknown>;
  // An alias is resolved against the catalog by the server; without one the catalog rules can be checked here.
  if (definition.alias === undefined && definition.auth_mode !== undefined) {
    const name = typeof definition.name === 'string' ? definition.name : 'custom';
    // Plain-http loopback URLs depend on the instance's setting; the server decides those.
    const problems = checkProviderRules({ ...definition, name } as Provider, { allowHttpLoopback: true });
    if (problems.length > 0) {
      return {
        ok: false,
        problems: problems.map((problem) => {
          const colon = problem.indexOf(': ');
          return colon === -1
            ? { path: '', message: problem }
            : { path: problem.slice(0, colon), message: problem.slice(colon + 2) };
        }),
      };
    }
  }
  return { ok: true, definition: value as Record<string, unknown> };
}

/** JSON.parse's message with the line and column of its position, which is what a person looks for. */
function jsonErrorMessage(text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : 'Invalid JSON.';
  const position = /position (\d+)/.exec(message);
  if (position === null) return message;
  const offset = Number(position[1]);
  const before = text.slice(0, offset).split('\n');
  return `${message.replace(/ in JSON at position \d+.*$/, '')} (line ${before.length}, column ${before.at(-1)!.length + 1})`;
}
