/**
 * The GitHub App's own JWT, which authenticates the app (not an installation) when it asks for an installation
 * access token: RS256, signed with the app's private key, `iss` the app id, `iat` backdated against clock drift and
 * `exp` under GitHub's ten-minute limit ("Generating a JSON Web Token (JWT) for a GitHub App").
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { LatchkeyError } from '@latchkey/schema';
import { SignJWT } from 'jose';

/** GitHub's advice: issue the JWT 60 seconds in the past, so a clock behind GitHub's still makes it valid. */
export const APP_JWT_BACKDATE_SECONDS = 60;
/** Nine minutes ahead: under GitHub's ten even when our clock runs a little ahead of GitHub's. */
export const APP_JWT_LIFETIME_SECONDS = 9 * 60;

export interface AppJwtClaims {
  iss: string;
  iat: number;
  exp: number;
}

export function appJwtClaims(appId: string, now: Date): AppJwtClaims {
  const seconds = Math.floor(now.getTime() / 1000);
  return {
    iss: appId,
    iat: seconds - APP_JWT_BACKDATE_SECONDS,
    exp: seconds + APP_JWT_LIFETIME_SECONDS,
  };
}

export async function signAppJwt(
  appId: string,
  privateKey: KeyObject,
  now: Date = new Date(),
): Promise<string> {
  const claims = appJwtClaims(appId, now);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
    .setIssuer(claims.iss)
    .setIssuedAt(claims.iat)
    .setExpirationTime(claims.exp)
    .sign(privateKey);
}

const PEM = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/;

/**
 * The app's private key as GitHub hands it out (PKCS#1 `RSA PRIVATE KEY`) or converted (PKCS#8). Also accepted:
 * the PEM base64-encoded as a whole (how Nango keeps it, so imported integrations work), `\n` typed as two
 * characters, and line breaks lost to a single-line form field.
 * @throws LatchkeyError `integration_not_configured` (the key itself never appears in the error).
 */
export function appPrivateKey(value: string, integrationKey: string): KeyObject {
  const refuse = () =>
    new LatchkeyError(
      'integration_not_configured',
      `The private key of integration ${integrationKey} is not a PEM-encoded RSA private key.`,
    );
  let text = value.trim().replace(/\\n/g, '\n');
  if (!text.includes('-----BEGIN')) {
    const decoded = Buffer.from(text, 'base64').toString('utf8');
    if (!decoded.includes('-----BEGIN')) throw refuse();
    text = decoded.trim();
  }
  const match = PEM.exec(text);
  if (match === null) throw refuse();
  const [, label, body] = match as unknown as [string, string, string];
  const base64 = body.replace(/\s+/g, '');
  const lines = base64.match(/.{1,64}/g) ?? [];
  let key: KeyObject;
  try {
    key = createPrivateKey({
      key: `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`,
      format: 'pem',
    });
  } catch {
    throw refuse();
  }
  if (key.asymmetricKeyType !== 'rsa') throw refuse();
  return key;
}
