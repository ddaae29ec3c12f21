import { z } from 'zod';

const TRUE_STRINGS = new Set(['true', '1', 'yes', 'on']);
const FALSE_STRINGS = new Set(['false', '0', 'no', 'off']);

/**
 * A boolean that travels as a query string. `Boolean("false")` is true, so strings are mapped explicitly; anything
 * else is a validation error rather than a silent default.
 */
export const booleanStringSchema = z.union([z.boolean(), z.string()]).transform((value, ctx) => {
  if (typeof value === 'boolean') return value;
  const lowered = value.trim().toLowerCase();
  if (TRUE_STRINGS.has(lowered)) return true;
  if (FALSE_STRINGS.has(lowered)) return false;
  ctx.addIssue({ code: 'custom', message: 'Expected a boolean (true/false)' });
  return z.NEVER;
});

/** `?include=a&include=b`, `?include=a,b` and `?include[]=a` all become `['a', 'b']`. */
export function listParamSchema<T extends string>(values: readonly [T, ...T[]]) {
  return z
    .union([z.string(), z.array(z.string())])
    .describe(`Any of ${values.join(', ')}: repeated, or comma-separated.`)
    .transform((value) => (Array.isArray(value) ? value : [value]).flatMap((item) => item.split(',')))
    .pipe(z.array(z.enum(values)));
}
