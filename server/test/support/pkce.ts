import { createHash, randomBytes } from 'node:crypto';

/** An RFC 7636 verifier and its S256 challenge, for tests that play the OAuth client themselves. */
export function createPkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: s256Challenge(verifier) };
}

export function s256Challenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}
