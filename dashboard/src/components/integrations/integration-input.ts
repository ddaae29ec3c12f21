/**
 * Client-side checks of the integration form, the same rules as `uniqueKeySchema` and `scopesInputSchema` in
 * schema/src/api/integrations.ts. Repeated here (not imported) so the first-load bundle carries no zod; the server
 * still validates, and its field errors are shown next to the fields.
 */
const UNIQUE_KEY_PATTERN = /^[a-zA-Z0-9~:.@ _-]+$/;
const SCOPE_PATTERN = /^[0-9a-zA-Z:/_.*-]+$/;

/** A problem with an integration ID, or null when the server will accept it. */
export function integrationKeyProblem(value: string): string | null {
  if (value.length === 0) return 'Required.';
  if (value.length > 255) return 'At most 255 characters.';
  if (!UNIQUE_KEY_PATTERN.test(value)) return 'Letters, digits, spaces and ~ : . @ _ - only.';
  return null;
}

/** "a, b ,c" → ["a","b","c"]; spaces around commas and empty items are forgiven. */
export function splitScopes(value: string): string[] {
  return value
    .split(',')
    .map((scope) => scope.trim())
    .filter((scope) => scope.length > 0);
}

/** A problem with a scopes list, or null. */
export function scopesProblem(value: string): string | null {
  const invalid = splitScopes(value).find((scope) => !SCOPE_PATTERN.test(scope));
  return invalid === undefined
    ? null
    : `"${invalid}" is not a valid scope (letters, digits and : / _ . * - only).`;
}

/** The normalized comma-separated string the API takes. */
export function joinScopes(value: string): string {
  return splitScopes(value).join(',');
}

/** Props of a text field holding a machine value (ids, secrets, scopes): monospace, no autocomplete or spellcheck. */
export const MACHINE_VALUE = { autoComplete: 'off', spellCheck: false, className: 'mono' } as const;
