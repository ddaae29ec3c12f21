/**
 * Session tokens as Lucia's session guide designs them (lucia-auth.com, "Sessions"): `<id>.<secret>`, two random
 * strings in lower-case base32; the id finds the row, and only SHA-256 of the secret is stored, compared in constant
 * time. The `lucia` package itself is deprecated upstream; this is its design on `@oslojs/crypto` and
 * `@oslojs/encoding`.
 */
import { sha256 } from '@oslojs/crypto/sha2';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { decodeHex, encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';

/** 120 bits of randomness, 24 characters. */
export function generateSecureRandomString(): string {
  const bytes = new Uint8Array(15);
  crypto.getRandomValues(bytes);
  return encodeBase32LowerCaseNoPadding(bytes);
}

export function hashTokenSecret(secret: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(secret)));
}

export function secretMatches(secret: string, storedHash: string): boolean {
  let stored: Uint8Array;
  try {
    stored = decodeHex(storedHash);
  } catch {
    return false;
  }
  return constantTimeEqual(sha256(new TextEncoder().encode(secret)), stored);
}

const TOKEN_PATTERN = /^([a-z2-7]{16,64})\.([a-z2-7]{16,64})$/;

export function parseSessionToken(token: string): { id: string; secret: string } | null {
  const match = TOKEN_PATTERN.exec(token);
  return match === null ? null : { id: match[1]!, secret: match[2]! };
}
