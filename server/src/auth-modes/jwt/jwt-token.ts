/**
 * Signing a JWT from a provider entry's `token` recipe and `signature` settings (RFC 7519): the recipe's header and
 * payload, `iat` now and `exp` after `token.expires_in_ms`, signed with the end user's key. Pure apart from the
 * clock; the JWT mode stores the result, and any mode with a signed-token recipe can use it.
 */
import type { SignatureSettings, TokenRecipe } from '@latchkey/providers';
import { LatchkeyError } from '@latchkey/schema';
import { SignJWT } from 'jose';
import { buildClaims, credentialPathOf, fillRecipeString, type RecipeValues } from './jwt-claims';
import { defaultAlgorithm, KeyMaterialError, signingKey } from './jwt-signing-key';

/** What `jose` signs with; `none` and unknown names are refused up front. */
const ALGORITHMS: Record<SignatureSettings['protocol'], readonly string[]> = {
  HMAC: ['HS256', 'HS384', 'HS512'],
  RSA: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'],
  EC: ['ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'],
  WSSE: [],
};

export interface SignedRecipeToken {
  token: string;
  alg: string;
  /** The token's `exp`, as a date. */
  expiresAt: Date;
}

/** A recipe that names everything a signature needs. */
export interface SigningRecipe {
  signature: SignatureSettings;
  signingKey: string;
  expiresInMs: number;
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
}

/**
 * The entry's recipe, or a clear refusal naming what it lacks.
 * @throws LatchkeyError `unsupported_auth_mode`
 */
export function signingRecipeOf(
  providerName: string,
  token: TokenRecipe | undefined,
  signature: SignatureSettings | undefined,
): SigningRecipe {
  const lacking = (what: string) =>
    new LatchkeyError(
      'unsupported_auth_mode',
      `Provider ${providerName} declares no ${what} to sign its JWT with.`,
    );
  if (signature === undefined || signature.protocol === 'WSSE')
    throw lacking('signature.protocol (HMAC, RSA or EC)');
  if (token?.signing_key === undefined) throw lacking('token.signing_key');
  if (token.expires_in_ms === undefined || token.expires_in_ms <= 0) throw lacking('token.expires_in_ms');
  return {
    signature,
    signingKey: token.signing_key,
    expiresInMs: token.expires_in_ms,
    header: token.header ?? {},
    payload: token.payload ?? {},
  };
}

/**
 * Signs the recipe's token for these credentials.
 * @throws KeyMaterialError when the key is missing or unusable (its `path` names the credential);
 * LatchkeyError `unsupported_auth_mode` for an algorithm that does not suit the entry's protocol.
 */
export async function signRecipeToken(
  recipe: SigningRecipe,
  values: RecipeValues,
  now: Date = new Date(),
): Promise<SignedRecipeToken> {
  const keyPath = credentialPathOf(recipe.signingKey);
  const keyText = fillRecipeString(recipe.signingKey, values);
  if (keyText === undefined || keyText === '') {
    throw new KeyMaterialError(
      `The credential ${keyPath.join('.') || 'holding the key'} is missing.`,
      keyPath,
    );
  }
  const header = buildClaims(recipe.header, values);
  const alg = typeof header.alg === 'string' ? header.alg : defaultAlgorithm(recipe.signature.protocol);
  if (!ALGORITHMS[recipe.signature.protocol].includes(alg)) {
    throw new LatchkeyError(
      'unsupported_auth_mode',
      `Algorithm ${alg} does not suit signature protocol ${recipe.signature.protocol}.`,
    );
  }
  const key = withPath(keyPath, () => signingKey(recipe.signature, keyText));
  const issuedAt = Math.floor(now.getTime() / 1000);
  const expiry = issuedAt + Math.floor(recipe.expiresInMs / 1000);
  const payload = { ...buildClaims(recipe.payload, values), iat: issuedAt, exp: expiry };
  try {
    const token = await new SignJWT(payload).setProtectedHeader({ typ: 'JWT', ...header, alg }).sign(key);
    return { token, alg, expiresAt: new Date(expiry * 1000) };
  } catch {
    // jose refuses a key of another type than the algorithm's (an RSA key for ES256), or too short for it.
    throw new KeyMaterialError(`The key does not suit algorithm ${alg}.`, keyPath);
  }
}

function withPath<T>(path: string[], step: () => T): T {
  try {
    return step();
  } catch (error) {
    if (error instanceof KeyMaterialError && error.path.length === 0)
      throw new KeyMaterialError(error.message, path);
    throw error;
  }
}
