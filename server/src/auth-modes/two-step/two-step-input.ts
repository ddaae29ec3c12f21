/**
 * What the end user sends to `POST /auth/two-step/:integration` (Nango's body: `{type: 'TWO_STEP', ...credentials,
 * assertionOption?}`), checked against the entry's `credentials` and `assertion_option` declarations, and the
 * values the integration fixes for every connection (`integration_config`).
 */
import type { FieldDeclaration, Provider } from '@latchkey/providers';
import { type FieldError, LatchkeyError } from '@latchkey/schema';
import { z } from 'zod';
import type { ModeIntegration } from '../auth-mode';

/** Long enough for a PEM private key. */
const MAX_VALUE_LENGTH = 16_384;
const value = z.string().max(MAX_VALUE_LENGTH);

/** The body: `type`, `assertionOption`, and credential fields as text. */
export interface TwoStepInput {
  type?: 'TWO_STEP' | undefined;
  assertionOption?: Record<string, string> | undefined;
  [field: string]: unknown;
}

/** The body's shape; which credential names it may hold depends on the entry (see {@link declaredCredentials}). */
export const twoStepInputSchema: z.ZodType<TwoStepInput> = z
  .object({
    type: z.literal('TWO_STEP').optional(),
    /** Inputs of the entry's signed assertion (a private key); used once, never stored. */
    assertionOption: z.record(z.string(), value).optional(),
  })
  .catchall(value);

export interface DeclaredCredentials {
  /** The end user's values, with the integration's fixed values over them. */
  credentials: Record<string, string>;
  assertionOption: Record<string, string> | undefined;
  /** Names the integration fixes; they are not stored with the connection. */
  preconfigured: Set<string>;
}

/**
 * The body's credentials, checked: every declared credential that is neither optional, automated (Latchkey fills
 * it) nor fixed by the integration must be given, and nothing undeclared may be.
 * @throws LatchkeyError `invalid_body` listing every problem by name (never a value).
 */
export function declaredCredentials(
  provider: Provider,
  input: TwoStepInput,
  integration: ModeIntegration,
): DeclaredCredentials {
  const { type: _type, assertionOption, ...given } = input;
  const preconfigured = preconfiguredValues(provider, integration);
  const errors: FieldError[] = [
    ...fieldProblems(
      provider.credentials ?? {},
      given as Record<string, string>,
      new Set(Object.keys(preconfigured)),
    ),
    ...(provider.assertion_option === undefined && assertionOption === undefined
      ? []
      : fieldProblems(provider.assertion_option ?? {}, assertionOption ?? {}, new Set(), [
          'assertionOption',
        ])),
  ];
  if (errors.length > 0) {
    const summary = errors.map((error) => `${error.path.join('.')}: ${error.message}`).join('; ');
    throw new LatchkeyError('invalid_body', `Invalid body: ${summary}`, { errors });
  }
  return {
    credentials: { ...(given as Record<string, string>), ...preconfigured },
    assertionOption,
    preconfigured: new Set(Object.keys(preconfigured)),
  };
}

/**
 * `integration_config` fields the integration holds a value for (Nango reads them from the integration's `custom`
 * map); they win over the end user's values and are not stored with the connection.
 */
export function preconfiguredValues(
  provider: Provider,
  integration: ModeIntegration,
): Record<string, string> {
  const fixed: Array<[string, string]> = [];
  for (const field of Object.keys(provider.integration_config ?? {})) {
    const found = integration.custom[field] || integration.integrationConfig[field];
    if (found) fixed.push([field, found]);
  }
  return Object.fromEntries(fixed);
}

function fieldProblems(
  declared: Record<string, FieldDeclaration>,
  given: Record<string, string>,
  fixed: Set<string>,
  prefix: string[] = [],
): FieldError[] {
  const errors: FieldError[] = [];
  for (const name of Object.keys(given)) {
    if (!Object.hasOwn(declared, name)) {
      errors.push({
        code: 'unrecognized_keys',
        message: 'is not a credential of this provider',
        path: [...prefix, name],
      });
    }
  }
  for (const [name, field] of Object.entries(declared)) {
    const absent = !Object.hasOwn(given, name) || given[name] === '';
    if (absent && field.optional !== true && field.automated !== true && !fixed.has(name)) {
      errors.push({ code: 'missing', message: 'is required', path: [...prefix, name] });
    }
  }
  return errors;
}
