/**
 * The JWT header and claims an entry's `token` recipe describes, filled with Nango's signer semantics:
 * `${credentials.x}` (or `${x}`) reads the end user's key material, `${connectionConfig.x}` the connection config,
 * `${fingerprint(…)}` a key's public fingerprint, `${random}` a UUID. A claim with an unfilled placeholder is left out
 * rather than sent half-filled; an array claim keeps its filled items, each split on commas (App Store Connect's
 * `scope: ['${connectionConfig.scope}']`). `a||b` is literal text here, as in Nango's signer.
 */
import { randomUUID } from 'node:crypto';
import { parseTemplate, resolveExpression } from '../../provider-requests/template-interpolation';
import { publicKeyFingerprint } from './jwt-signing-key';

export interface RecipeValues {
  credentials: Record<string, unknown>;
  connectionConfig: Record<string, string>;
}

/** One recipe string filled; undefined when a placeholder has no value. */
export function fillRecipeString(template: string, values: RecipeValues): string | undefined {
  let filled = '';
  for (const part of parseTemplate(template)) {
    if (typeof part === 'string') {
      filled += part;
      continue;
    }
    const value = fillExpression(part.expression, values);
    if (value === undefined) return undefined;
    filled += value;
  }
  return filled;
}

function fillExpression(expression: string, values: RecipeValues): string | undefined {
  const fingerprint = /^fingerprint\(([\s\S]*)\)$/.exec(expression);
  if (fingerprint !== null) {
    const key = fillRecipeString(fingerprint[1]!, values);
    return key === undefined ? undefined : publicKeyFingerprint(key);
  }
  if (expression === 'random') return randomUUID();
  const resolved = resolveExpression(expression, values);
  return typeof resolved === 'string' ? resolved : undefined;
}

/** A header or payload object from its recipe. Numbers, booleans and null are kept as written. */
export function buildClaims(
  recipe: Record<string, unknown> | undefined,
  values: RecipeValues,
): Record<string, unknown> {
  const claims: Record<string, unknown> = {};
  for (const [name, template] of Object.entries(recipe ?? {})) {
    const value = buildClaim(template, values);
    if (value !== undefined) claims[name] = value;
  }
  return claims;
}

function buildClaim(template: unknown, values: RecipeValues): unknown {
  if (typeof template === 'string') return fillRecipeString(template, values);
  if (Array.isArray(template)) {
    const items = template.flatMap((item) => {
      const filled = typeof item === 'string' ? fillRecipeString(item, values) : undefined;
      return filled === undefined ? [] : filled.split(',').map((part) => part.trim());
    });
    const kept = items.filter((item) => item !== '');
    return kept.length > 0 ? kept : undefined;
  }
  if (typeof template === 'object' && template !== null) {
    return buildClaims(template as Record<string, unknown>, values);
  }
  return template;
}

/** The credential a template reads first (`${credentials.privateKey.secret}` → `privateKey.secret`), to name it. */
export function credentialPathOf(template: string): string[] {
  for (const match of template.matchAll(/\$\{\s*(?:credentials\.)?([A-Za-z0-9_.-]+)\s*\}/g)) {
    if (!match[1]!.startsWith('connectionConfig.')) return match[1]!.split('.');
  }
  return [];
}
