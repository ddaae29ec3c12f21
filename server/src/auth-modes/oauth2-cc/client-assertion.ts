/**
 * `private_key_jwt` client authentication (RFC 7523 §2.2, OpenID Connect Core §9) as Nango does it for OAUTH2_CC:
 * the end user's `client_private_key` is a private RSA JWK in JSON, the assertion is RS256 with the JWK's `kid`,
 * `iss = sub = client_id`, `aud` the token URL, five minutes of life and a random `jti`.
 */
import { randomUUID } from 'node:crypto';
import { LatchkeyError } from '@latchkey/schema';
import { importJWK, type JWK, SignJWT } from 'jose';

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const LIFETIME_SECONDS = 300;

/**
 * The private JWK from its JSON text.
 * @throws LatchkeyError `invalid_body` on `client_private_key` (never quoting the key).
 */
export function parsePrivateJwk(text: string): JWK {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const jwk = parsed as JWK | undefined;
  if (jwk === null || typeof jwk !== 'object' || jwk.kty !== 'RSA' || typeof jwk.d !== 'string') {
    throw new LatchkeyError(
      'invalid_body',
      'Invalid body: client_private_key: must be a private RSA JWK (JSON).',
      {
        errors: [
          {
            code: 'invalid_format',
            message: 'must be a private RSA JWK (JSON)',
            path: ['client_private_key'],
          },
        ],
      },
    );
  }
  return jwk;
}

/** Signs the client assertion for one token request. */
export async function signClientAssertion(input: {
  clientId: string;
  privateJwk: JWK;
  /** The token endpoint URL the assertion is for. */
  audience: string;
  now?: Date;
}): Promise<string> {
  let key: Awaited<ReturnType<typeof importJWK>>;
  try {
    key = await importJWK(input.privateJwk, 'RS256');
  } catch (error) {
    throw new LatchkeyError('invalid_body', 'Invalid body: client_private_key: is not a usable RSA key.', {
      errors: [{ code: 'invalid_format', message: 'is not a usable RSA key', path: ['client_private_key'] }],
      cause: error,
    });
  }
  const issuedAt = Math.floor((input.now ?? new Date()).getTime() / 1000);
  const header = {
    alg: 'RS256',
    typ: 'JWT',
    ...(typeof input.privateJwk.kid === 'string' ? { kid: input.privateJwk.kid } : {}),
  };
  return new SignJWT({ jti: randomUUID() })
    .setProtectedHeader(header)
    .setIssuer(input.clientId)
    .setSubject(input.clientId)
    .setAudience(input.audience)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + LIFETIME_SECONDS)
    .sign(key);
}
