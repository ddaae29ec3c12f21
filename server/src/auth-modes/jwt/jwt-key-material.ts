/**
 * The end user's key material for a JWT entry: the body of `POST /auth/jwt/:integration` (Nango's frontend sends
 * the credentials as they are, with or without `type: 'JWT'`), checked against the entry's `credentials`
 * declarations.
 */
import type { Provider } from '@latchkey/providers';
import { LatchkeyError } from '@latchkey/schema';
import { z } from 'zod';

const keyText = z.string().max(16_384);
/** A declared credential is text; Ghost's `privateKey` may also arrive as `{ id, secret }`. */
const keyMaterialValue = z.union([keyText, z.record(z.string(), keyText)]);

export const jwtAuthInputSchema = z
  .object({ type: z.literal('JWT').optional() })
  .catchall(keyMaterialValue)
  .refine((body) => Object.keys(body).length <= 64, 'at most 64 credentials');
export type JwtAuthInput = z.infer<typeof jwtAuthInputSchema>;

export type KeyMaterial = Record<string, unknown>;

/**
 * The credentials to store and sign with: `type` dropped, an `id:secret` text split into `{ id, secret }` where the
 * recipe reads `${credentials.<name>.id}` / `.secret` (a Ghost Admin API key, which Nango's frontend may send whole).
 * @throws LatchkeyError `invalid_body` naming each declared credential that is missing.
 */
export function keyMaterialOf(input: JwtAuthInput, provider: Provider): KeyMaterial {
  const { type: _type, ...material } = input as Record<string, unknown>;
  for (const name of splitKeyNames(provider)) {
    const value = material[name];
    if (typeof value !== 'string') continue;
    const at = value.indexOf(':');
    if (at > 0) material[name] = { id: value.slice(0, at), secret: value.slice(at + 1) };
  }
  const missing = Object.entries(provider.credentials ?? {})
    .filter(([name, field]) => field.optional !== true && isEmpty(material[name]))
    .map(([name]) => name);
  if (missing.length > 0) {
    const message = 'A credential the provider declares is missing';
    throw new LatchkeyError(
      'invalid_body',
      `The request body is invalid. ${missing.join(', ')}: ${message}.`,
      {
        errors: missing.map((name) => ({ code: 'missing_credential', message, path: [name] })),
      },
    );
  }
  return material;
}

/** Credentials the recipe reads as `{ id, secret }`. */
function splitKeyNames(provider: Provider): Set<string> {
  const recipe = JSON.stringify(provider.token ?? {});
  return new Set(
    [...recipe.matchAll(/\$\{\s*(?:credentials\.)?([A-Za-z0-9_-]+)\.(?:id|secret)\s*\}/g)].map((m) => m[1]!),
  );
}

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === '') return true;
  return typeof value === 'object' && value !== null && Object.keys(value).length === 0;
}
