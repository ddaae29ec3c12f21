/**
 * API keys and session tokens are high-entropy random values, so a plain SHA-256 is enough to store them (no slow
 * KDF needed: there is nothing to brute-force). Lookups go by hash; the final comparison is constant-time.
 */
import { hash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

export function hashSecret(secret: string): string {
  // The one-shot form: every authenticated request hashes its key, and it skips the Hash object.
  return hash('sha256', secret, 'hex');
}

export function hashesEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Secret keys are UUID v4 (122 random bits), the shape Nango's keys have, so existing tooling accepts them. */
export function generateSecretKey(): string {
  return randomUUID();
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('hex');
}
