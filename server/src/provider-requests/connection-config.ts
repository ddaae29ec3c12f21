/**
 * The connection config an end user supplies (`params[...]`) and the part a provider returns with the token. These
 * values end up in provider URLs, so they are checked here first; `buildProviderUrl` checks the host again.
 */
import { compileFieldPattern, type FieldDeclaration, type Provider } from '@latchkey/providers';
import { type FieldError, LatchkeyError } from '@latchkey/schema';
import { hostFieldsOfUrlTemplate, isHostname, requiredFieldsOfTemplate } from './provider-url';
import { valueAtPath } from './template-interpolation';

/** Options of {@link validateConnectionConfig}. */
export interface ConnectionConfigOptions {
  /** Required fields may be absent (the rest arrives later, e.g. from the connect session). */
  partial?: boolean;
}

const MAX_LENGTH = 1024;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this looks for.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;
const HOST_BREAKING = /[/\\?#@%]/;
const FORMATS: Record<
  NonNullable<FieldDeclaration['format']>,
  { test: (value: string) => boolean; name: string }
> = {
  hostname: { test: isHostname, name: 'host name' },
  uri: { test: isHttpsUrl, name: 'https URL' },
  uuid: { test: (value) => /^[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$/i.test(value), name: 'UUID' },
  email: { test: (value) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value), name: 'email address' },
};

/**
 * Checks the end user's connection config against the provider's `connection_config` declarations and returns the
 * trimmed string values. `webhook_url` is dropped as Nango does; undeclared keys are kept (Nango keeps them, e.g.
 * `oauth_scopes_override`) when they are plain short strings. Empty values count as absent.
 * @throws LatchkeyError `invalid_connection_config` listing every problem; messages name fields, never values.
 */
export function validateConnectionConfig(
  provider: Provider,
  input: Record<string, unknown>,
  options: ConnectionConfigOptions = {},
): Record<string, string> {
  const declared = provider.connection_config ?? {};
  const hostFields = new Set(urlTemplatesOf(provider).flatMap(hostFieldsOfUrlTemplate));
  // Whitespace is refused in values that go into URLs; a value used only in a claim or a header (App Store's
  // `scope: GET /v1/apps`) may have spaces, as Nango's entries expect.
  const urlFields = new Set(
    urlTemplatesOf(provider).flatMap((template) =>
      [...template.matchAll(/\$\{\s*connectionConfig\.([^}\s]+)\s*\}/g)].map((match) => match[1]!),
    ),
  );
  const kept: Array<[string, string]> = [];
  const errors: FieldError[] = [];
  const report = (field: string, code: string, message: string) =>
    errors.push({ code, message, path: ['params', field] });

  for (const [field, raw] of Object.entries(input)) {
    if (field === 'webhook_url') continue;
    if (typeof raw !== 'string') {
      report(field, 'invalid_type', 'must be a string');
      continue;
    }
    const value = raw.trim();
    if (value === '') continue;
    const declaration = Object.hasOwn(declared, field) ? declared[field] : undefined;
    const problems = [
      ...commonProblems(value),
      ...(declaration
        ? declaredProblems(value, declaration, hostFields.has(field), urlFields.has(field))
        : []),
    ];
    for (const [code, message] of problems) report(field, code, message);
    if (problems.length === 0) kept.push([field, value]);
  }

  if (!options.partial) {
    for (const [field, declaration] of Object.entries(declared)) {
      const given = kept.some(([name]) => name === field) || errors.some((error) => error.path[1] === field);
      if (!given && declaration.default_value !== undefined) kept.push([field, declaration.default_value]);
    }
    const present = new Set(kept.map(([field]) => field));
    for (const field of requiredFields(provider)) {
      if (!present.has(field) && !errors.some((error) => error.path[1] === field)) {
        report(field, 'missing', 'is missing');
      }
    }
  }

  if (errors.length > 0) {
    const summary = errors.map((error) => `${error.path[1]}: ${error.message}`).join('; ');
    throw new LatchkeyError('invalid_connection_config', `Invalid connection configuration: ${summary}`, {
      errors,
    });
  }
  // fromEntries defines own properties, so a key such as `__proto__` stays a plain key.
  return Object.fromEntries(kept);
}

/**
 * The `token_response_metadata` values of a token response (dot paths allowed), for the connection config. Only
 * strings and booleans are kept; booleans become `'true'` / `'false'`.
 */
export function extractTokenResponseMetadata(
  provider: Provider,
  tokenResponse: Record<string, unknown>,
): Record<string, string> {
  const found: Array<[string, string]> = [];
  for (const key of provider.token_response_metadata ?? []) {
    const value = valueAtPath(tokenResponse, key, isStringOrBoolean);
    if (isStringOrBoolean(value)) found.push([key, String(value)]);
  }
  return Object.fromEntries(found);
}

type Problem = [code: string, message: string];

function commonProblems(value: string): Problem[] {
  const problems: Problem[] = [];
  if (value.length > MAX_LENGTH) problems.push(['too_long', `is longer than ${MAX_LENGTH} characters`]);
  if (CONTROL_CHARACTERS.test(value)) problems.push(['invalid_characters', 'contains control characters']);
  return problems;
}

function declaredProblems(
  value: string,
  declaration: FieldDeclaration,
  inHost: boolean,
  inUrl: boolean,
): Problem[] {
  const problems: Problem[] = [];
  const patternAllowsWhitespace = declaration.pattern !== undefined && /\\s| /.test(declaration.pattern);
  if (inUrl && /\s/.test(value) && !patternAllowsWhitespace)
    problems.push(['invalid_characters', 'contains whitespace']);
  // A value from the field's enum was written by the provider entry (ModMed's `host/path` environments).
  if (inHost && HOST_BREAKING.test(value) && declaration.enum?.includes(value) !== true) {
    problems.push(['invalid_characters', 'contains a character not allowed in a host name']);
  }
  if (inHost && /[^\x20-\x7e]/.test(value))
    problems.push(['invalid_characters', 'contains non-ASCII characters']);
  // The pattern is used as written: the catalog's patterns carry their own anchors.
  // A pattern JavaScript cannot compile (Nango's freshteam entry has one) is not applied, never a 500.
  const pattern = declaration.pattern === undefined ? undefined : compileFieldPattern(declaration.pattern);
  if (pattern !== undefined && !pattern.test(value)) {
    problems.push(['invalid_format', 'does not match the expected pattern']);
  }
  const format = declaration.format && FORMATS[declaration.format];
  if (format && !format.test(value)) problems.push(['invalid_format', `is not a valid ${format.name}`]);
  if (declaration.enum && !declaration.enum.includes(value)) {
    problems.push(['invalid_enum_value', 'is not one of the allowed values']);
  }
  return problems;
}

/**
 * Declared, neither optional nor automated, and used outside a `||` fallback by a URL of the authorization step or
 * by the API base URL (an API-key connection without its subdomain could never be used).
 */
function requiredFields(provider: Provider): string[] {
  const used = new Set(
    [provider.authorization_url, ...tokenUrls(provider), provider.request_url, provider.proxy?.base_url]
      .filter((template) => template !== undefined)
      .flatMap(requiredFieldsOfTemplate),
  );
  return Object.entries(provider.connection_config ?? {})
    .filter(([field, declaration]) => used.has(field) && !declaration.optional && !declaration.automated)
    .map(([field]) => field);
}

function urlTemplatesOf(provider: Provider): string[] {
  return [
    provider.authorization_url,
    ...tokenUrls(provider),
    provider.refresh_url,
    provider.request_url,
    provider.proxy?.base_url,
  ].filter((template) => template !== undefined);
}

/** `token_url` may be one URL or one per grant type. */
function tokenUrls(provider: Provider): string[] {
  const { token_url: tokenUrl } = provider;
  if (tokenUrl === undefined) return [];
  return typeof tokenUrl === 'string' ? [tokenUrl] : Object.values(tokenUrl);
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

function isStringOrBoolean(value: unknown): value is string | boolean {
  return typeof value === 'string' || typeof value === 'boolean';
}

/** `redirect_uri_metadata`: callback query values the provider declares as connection config (e.g. a merchant id). */
export function callbackMetadata(provider: Provider, query: URLSearchParams): Record<string, string> {
  const result: Record<string, string> = {};
  for (const key of provider.redirect_uri_metadata ?? []) {
    const value = query.get(key);
    if (value !== null && value.length <= 1024) result[key] = value;
  }
  return result;
}
