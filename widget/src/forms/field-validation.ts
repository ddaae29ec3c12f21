/**
 * Checks a form's values before submit, with the same rules the server applies to connection config
 * (`server/src/provider-requests/connection-config.ts`): length, control characters, whitespace, the declared pattern,
 * format and enum. The server stays the authority; this saves the end user a round trip. Kept apart from
 * `@latchkey/schema` on purpose: importing it would pull zod into the widget bundle.
 */
import type { FieldDeclaration } from '../core/types';

export type FieldProblem =
  | 'missing'
  | 'too_long'
  | 'invalid_characters'
  | 'invalid_format'
  | 'invalid_enum_value';

const MAX_LENGTH = 1024;
/** Credentials may be PEM private keys (JWT, TWO_STEP assertions), far longer than a connection-config value. */
const MAX_CREDENTIAL_LENGTH = 16384;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this looks for.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?';
const HOSTNAME = new RegExp(`^(?=[^:]{1,253}(?::|$))${LABEL}(?:\\.${LABEL})*$`);
const FORMATS: Record<NonNullable<FieldDeclaration['format']>, (value: string) => boolean> = {
  hostname: (value) => HOSTNAME.test(value),
  uri: isHttpsUrl,
  uuid: (value) => /^[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$/i.test(value),
  email: (value) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value),
};

/** Whether a field is shown, given the other values (`visible_when`). */
export function isFieldVisible(declaration: FieldDeclaration, values: Record<string, string>): boolean {
  const when = declaration.visible_when;
  return when === undefined || (values[when.field] ?? '') === when.equals;
}

/** Declared fields in display order (`order`, then declaration order). */
export function orderedFields(fields: Record<string, FieldDeclaration>): Array<[string, FieldDeclaration]> {
  return Object.entries(fields)
    .map((entry, index) => ({ entry, rank: entry[1].order ?? 1000 + index }))
    .sort((a, b) => a.rank - b.rank)
    .map(({ entry }) => entry);
}

/** The first problem of one connection-config value, or undefined. Empty counts as absent. */
export function configFieldProblem(value: string, declaration: FieldDeclaration): FieldProblem | undefined {
  const trimmed = value.trim();
  if (trimmed === '') return isRequired(declaration) ? 'missing' : undefined;
  if (trimmed.length > MAX_LENGTH) return 'too_long';
  if (CONTROL_CHARACTERS.test(trimmed)) return 'invalid_characters';
  // Whitespace inside a value is refused by the server only where the value goes into a URL, which the session's
  // field list does not say: the declared pattern or format catches it for the fields that forbid it.
  // The pattern is used as written: the catalog's patterns carry their own anchors (as on the server).
  if (declaration.pattern !== undefined && !safeTest(declaration.pattern, trimmed)) return 'invalid_format';
  if (declaration.format !== undefined && !FORMATS[declaration.format](trimmed)) return 'invalid_format';
  if (declaration.enum && !declaration.enum.includes(trimmed)) return 'invalid_enum_value';
  return undefined;
}

/**
 * A typed credential (API key, password, private key): present unless optional, not too long, and of the declared
 * pattern, format and values. Kept as typed: no trimming, spaces allowed.
 */
export function credentialFieldProblem(
  value: string,
  declaration: FieldDeclaration,
): FieldProblem | undefined {
  if (value === '') return declaration.optional === true ? undefined : 'missing';
  if (value.length > MAX_CREDENTIAL_LENGTH) return 'too_long';
  if (declaration.pattern !== undefined && !safeTest(declaration.pattern, value)) return 'invalid_format';
  if (declaration.format !== undefined && !FORMATS[declaration.format](value)) return 'invalid_format';
  if (declaration.enum && !declaration.enum.includes(value)) return 'invalid_enum_value';
  return undefined;
}

/** Every visible field's problem, by field name; empty when the form may be submitted. */
export function validateForm(
  configFields: Record<string, FieldDeclaration>,
  credentialFields: Record<string, FieldDeclaration>,
  values: Record<string, string>,
): Record<string, FieldProblem> {
  const problems: Record<string, FieldProblem> = {};
  for (const [name, declaration] of Object.entries(configFields)) {
    if (!isFieldVisible(declaration, values)) continue;
    const problem = configFieldProblem(values[name] ?? '', declaration);
    if (problem) problems[name] = problem;
  }
  for (const [name, declaration] of Object.entries(credentialFields)) {
    if (!isFieldVisible(declaration, values)) continue;
    const problem = credentialFieldProblem(values[name] ?? '', declaration);
    if (problem) problems[name] = problem;
  }
  return problems;
}

function isRequired(declaration: FieldDeclaration): boolean {
  return declaration.optional !== true && declaration.default_value === undefined;
}

function safeTest(pattern: string, value: string): boolean {
  try {
    return new RegExp(pattern).test(value);
  } catch {
    return true; // a pattern this browser cannot compile is left to the server
  }
}

function isHttpsUrl(value: string): boolean {
  if (/\s/.test(value) || !/^https:\/\//i.test(value)) return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}
