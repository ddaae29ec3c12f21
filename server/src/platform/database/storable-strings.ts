/**
 * Strings PostgreSQL cannot store: `text` and `jsonb` refuse U+0000, and a lone UTF-16 surrogate has no UTF-8 form
 * (`\ud800` in a JSON body fails as `invalid input syntax for type json`). Every transport refuses them where it
 * parses a request, so no service ever hands one to the database.
 */
import { ERROR_CODES, ValidationError } from '@latchkey/schema';

// biome-ignore lint/suspicious/noControlCharactersInRegex: U+0000 is exactly what is looked for
const SUSPECT = /[\u0000\ud800-\udfff]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: U+0000 is exactly what is looked for
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, 'g');

/** True when PostgreSQL cannot store the string (a NUL or an unpaired surrogate). */
export function isUnstorableString(value: string): boolean {
  return SUSPECT.test(value) && UNSTORABLE.test(value);
}

interface Pending {
  value: unknown;
  parent: Pending | undefined;
  key: string | undefined;
}

/**
 * The path to the first string (value or object key) in a JSON-like value that PostgreSQL cannot store, or
 * undefined when there is none. Walks without recursion: a parsed body may be nested deeper than the call stack.
 */
export function findUnstorableString(value: unknown): string[] | undefined {
  const stack: Pending[] = [{ value, parent: undefined, key: undefined }];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const current = next.value;
    if (typeof current === 'string') {
      if (isUnstorableString(current)) return pathOf(next);
    } else if (Array.isArray(current)) {
      for (let index = current.length - 1; index >= 0; index--) {
        stack.push({ value: current[index], parent: next, key: String(index) });
      }
    } else if (typeof current === 'object' && current !== null) {
      const keys = Object.keys(current);
      for (let index = keys.length - 1; index >= 0; index--) {
        const key = keys[index]!;
        const child: Pending = { value: (current as Record<string, unknown>)[key], parent: next, key };
        if (isUnstorableString(key)) return pathOf(child);
        stack.push(child);
      }
    }
  }
  return undefined;
}

function pathOf(pending: Pending): string[] {
  const path: string[] = [];
  for (let at: Pending | undefined = pending; at?.key !== undefined; at = at.parent)
    path.push(printable(at.key));
  return path.reverse();
}

/** A key as it can be shown: its unstorable characters would be refused by whatever logs or stores the answer. */
function printable(key: string): string {
  return isUnstorableString(key) ? key.replace(UNSTORABLE_ALL, '\ufffd') : key;
}

export type RequestPart = 'invalid_body' | 'invalid_query_params' | 'invalid_uri_params' | 'invalid_headers';

const PROBLEM = 'contains U+0000 or an unpaired UTF-16 surrogate, which cannot be stored';

/** Throws the 400 of `part` naming the first unstorable string in `value`; does nothing when there is none. */
export function refuseUnstorableStrings(part: RequestPart, value: unknown): void {
  const path = findUnstorableString(value);
  if (path === undefined) return;
  const where = path.length > 0 ? `${path.join('.')}:` : 'It';
  throw new ValidationError(part, `${ERROR_CODES[part].message} ${where} ${PROBLEM}.`, {
    errors: [{ code: 'unstorable_string', message: PROBLEM, path }],
  });
}
