/**
 * Filling a TWO_STEP token request's templates (`token_url`, `token_params`, `token_headers`, and those of the
 * additional steps) from the end user's credentials (`${credentials.x}` or bare `${x}`), the connection config
 * (`${connectionConfig.x}`) and the earlier answers (`${step1.path}`). A value nothing fills is an error, never sent
 * half-filled: Nango sends the placeholder text itself.
 */
import type { FieldDeclaration, TokenParams, TokenParamValue } from '@latchkey/providers';
import { LatchkeyError } from '@latchkey/schema';
import { buildProviderUrl } from '../../provider-requests/provider-url';
import {
  interpolateTemplate,
  parseTemplate,
  resolveExpression,
  type TemplateValues,
} from '../../provider-requests/template-interpolation';

/** What a step's templates may use. `credentials` also holds the `stepN` answers and `random`. */
export interface TemplateScope {
  connectionConfig: Record<string, string>;
  credentials: Record<string, unknown>;
  /** The request's clock (`${now}`, `${now:FORMAT}`, `${now+7:days:YYYY-MM-DD}`). */
  now: Date;
  /** Names the entry's `integration_config` declares: a missing one is the integration's to set, not the user's. */
  integrationFields: readonly string[];
}

/**
 * The scope of one token request. Declared optional fields the end user left out are filled as empty text, as the
 * widget sends them; `now` and `random` are fixed for the whole request so every header that uses them agrees.
 */
export function templateScope(input: {
  connectionConfig: Record<string, string>;
  credentials: Record<string, unknown>;
  declared: {
    connectionConfig?: Record<string, FieldDeclaration> | undefined;
    credentials?: Record<string, FieldDeclaration> | undefined;
    integrationConfig?: Record<string, FieldDeclaration> | undefined;
  };
  steps: readonly unknown[];
  now: Date;
  random: string;
}): TemplateScope {
  const steps = Object.fromEntries(input.steps.map((answer, index) => [`step${index + 1}`, answer]));
  return {
    connectionConfig: { ...optionalBlanks(input.declared.connectionConfig), ...input.connectionConfig },
    now: input.now,
    integrationFields: Object.keys(input.declared.integrationConfig ?? {}),
    credentials: {
      random: input.random,
      ...optionalBlanks(input.declared.credentials),
      ...input.credentials,
      ...steps,
    },
  };
}

/** `token_params` filled; nested objects (JSON bodies) are filled throughout, numbers and booleans kept. */
export function fillTokenParams(
  params: TokenParams | undefined,
  scope: TemplateScope,
): Record<string, TokenParamValue> {
  const missing: string[] = [];
  const fillValue = (value: TokenParamValue): TokenParamValue => {
    if (typeof value === 'string') return fillText(value, scope, missing);
    if (typeof value !== 'object') return value;
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, fillValue(inner)]));
  };
  const filled = Object.fromEntries(
    Object.entries(params ?? {}).map(([key, value]) => [key, fillValue(value)]),
  );
  if (missing.length > 0) throw unfilled(missing, scope.integrationFields);
  return filled;
}

/** `token_headers` filled (`Basic ${base64(...)}`, `Bearer ${credentials.apiKey}`, `Bearer ${step1.access_token}`). */
export function fillTokenHeaders(
  headers: Record<string, string> | undefined,
  scope: TemplateScope,
): Record<string, string> {
  const missing: string[] = [];
  const filled = Object.fromEntries(
    Object.entries(headers ?? {}).map(([name, value]) => [
      name.toLowerCase(),
      fillText(value, scope, missing),
    ]),
  );
  if (missing.length > 0) throw unfilled(missing, scope.integrationFields);
  return filled;
}

/**
 * The token URL. Connection-config values and earlier answers go through buildProviderUrl's checks (an answer that
 * stands for the whole base URL, `${step1.instance_url}/token`, must be an https URL); credential values are
 * percent-encoded into the template first, so they can only ever be text inside the URL.
 */
export function fillTokenUrl(
  template: string,
  scope: TemplateScope,
  options: { allowHttp: boolean; fields?: Record<string, FieldDeclaration> | undefined },
): URL {
  const config: Record<string, string> = { ...scope.connectionConfig };
  const missing: string[] = [];
  let rewritten = '';
  for (const part of parseTemplate(template)) {
    if (typeof part === 'string') {
      rewritten += part;
    } else if (part.expression.startsWith('connectionConfig.')) {
      rewritten += `\${${part.expression}}`;
    } else if (/^step\d+\./.test(part.expression)) {
      const value = resolveExpression(part.expression, { credentials: scope.credentials, now: scope.now });
      if (typeof value !== 'string') missing.push(part.expression);
      else config[part.expression] = value;
      rewritten += `\${connectionConfig.${part.expression}}`;
    } else {
      const value = resolveExpression(part.expression, { credentials: scope.credentials, now: scope.now });
      if (typeof value !== 'string') missing.push(part.expression);
      else rewritten += encodeURIComponent(value);
    }
  }
  if (missing.length > 0) throw unfilled(missing, scope.integrationFields);
  return buildProviderUrl(rewritten, config, { allowHttp: options.allowHttp, fields: options.fields });
}

function fillText(template: string, scope: TemplateScope, missing: string[]): string {
  const values: TemplateValues = scope;
  const result = interpolateTemplate(template, values);
  missing.push(...result.missing);
  return result.value;
}

function optionalBlanks(declared: Record<string, FieldDeclaration> | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(declared ?? {})
      .filter(([, field]) => field.optional === true)
      .map(([name]) => [name, '']),
  );
}

/**
 * What to answer when a template names a value nobody supplied: the end user's missing connection config, an
 * earlier answer that lacked a value, or an entry Latchkey cannot fill (an undeclared credential, an unknown
 * function such as `${sha256Hex(...)}`).
 */
export function unfilled(missing: string[], integrationFields: readonly string[] = []): LatchkeyError {
  const names = [...new Set(missing)];
  const unset = names.filter((name) => integrationFields.includes(name.replace(/^credentials\./, '')));
  if (unset.length > 0) {
    return new LatchkeyError(
      'integration_not_configured',
      `The integration has no ${unset.map((name) => name.replace(/^credentials\./, '')).join(', ')}; set it in the integration's config.`,
    );
  }
  const config = names.filter((name) => name.startsWith('connectionConfig.'));
  if (config.length === names.length) {
    const fields = config.map((name) => name.slice('connectionConfig.'.length));
    return new LatchkeyError(
      'invalid_connection_config',
      `Invalid connection configuration: ${fields.map((field) => `${field}: is missing`).join('; ')}`,
      {
        errors: fields.map((field) => ({ code: 'missing', message: 'is missing', path: ['params', field] })),
      },
    );
  }
  const step = names.find((name) => /^step\d+\./.test(name));
  if (step !== undefined) {
    const [stepName, ...path] = step.split('.');
    return new LatchkeyError(
      'token_exchange_failed',
      `The provider's answer to ${stepName} has no ${path.join('.')} for the next token request.`,
    );
  }
  return new LatchkeyError(
    'unsupported_auth_mode',
    `The provider's token request uses values Latchkey cannot fill: ${names.map((name) => `\${${name}}`).join(', ')}.`,
  );
}
