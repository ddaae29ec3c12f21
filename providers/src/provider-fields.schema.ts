/**
 * The building blocks of a provider entry: form field declarations (Nango's small JSON-schema-like objects) and the
 * parameter, header and method values that several parts of an entry share.
 */
import { z } from 'zod';

/**
 * One form field (connection config, credentials, integration config, assertion options). Nango allows an empty
 * title or description, and a `pattern` is kept even when JavaScript cannot compile it (one Nango entry has such a
 * pattern): whoever tests a value against it skips a pattern that does not compile.
 */
export const fieldDeclarationSchema = z
  .object({
    type: z.literal('string'),
    title: z.string(),
    description: z.string(),
    example: z.string().optional(),
    pattern: z.string().optional(),
    format: z.enum(['hostname', 'uri', 'uuid', 'email']).optional(),
    enum: z.array(z.string()).min(1).optional(),
    order: z.number().optional(),
    secret: z.boolean().optional(),
    prefix: z.string().optional(),
    suffix: z.string().optional(),
    optional: z.boolean().optional(),
    doc_section: z
      .string()
      .regex(/^#[a-z0-9-]+$/)
      .optional(),
    automated: z.boolean().optional(),
    default_value: z.string().optional(),
    hidden: z.boolean().optional(),
    warnings: z.record(z.string(), z.string()).optional(),
    visible_when: z.object({ field: z.string(), equals: z.string() }).strict().optional(),
  })
  .strict();
export type FieldDeclaration = z.infer<typeof fieldDeclarationSchema>;

/** Field names: Nango's `^[a-zA-Z_.-]+$` (config maps) and `^[a-zA-Z_]+$` (credentials), plus digits. */
export const fieldMapSchema = z.record(z.string().regex(/^[A-Za-z0-9_.-]+$/), fieldDeclarationSchema);
export type FieldMap = z.infer<typeof fieldMapSchema>;

/** Compiles a declared `pattern`; undefined when this engine cannot compile it (the pattern is then not applied). */
export function compileFieldPattern(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern);
  } catch {
    return undefined;
  }
}

export const stringMapSchema = z.record(z.string(), z.string());
/**
 * Header-like maps where Nango's schema takes any value (`token_headers`, `proxy.query`, …): a number or boolean
 * written without quotes in YAML is kept as its text, so readers always get strings.
 */
export const textMapSchema = z.record(
  z.string(),
  z.union([z.string(), z.number().transform(String), z.boolean().transform(String)]),
);

export type ParamScalar = string | number | boolean;
/** Scalar parameter maps (`authorization_params`, `refresh_params`, …): `access_type: offline` next to `max_age: 0`. */
export const paramMapSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));

/** A token parameter: a scalar, or a nested object for JSON and XML token bodies (Sage Intacct's `request`). */
export type TokenParamValue = ParamScalar | { [key: string]: TokenParamValue };
export const tokenParamValueSchema: z.ZodType<TokenParamValue> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.record(z.string(), tokenParamValueSchema)]),
);
export const tokenParamMapSchema = z.record(z.string(), tokenParamValueSchema);
export type TokenParams = z.infer<typeof tokenParamMapSchema>;

export const httpMethodSchema = z.enum([
  'GET',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'get',
  'post',
  'put',
  'patch',
  'delete',
]);
export const stringOrListSchema = z.union([z.string(), z.array(z.string())]);
