/** Two-factor recovery codes: 10 random codes shown once, stored as SHA-256 hashes, each usable once. */
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { hashTokenSecret } from './session-token';

export const RECOVERY_CODE_COUNT = 10;

/** `xxxx-xxxx-xxxx-xxxx`: 80 random bits. */
export function generateRecoveryCode(): string {
  const bytes = new Uint8Array(10);
  crypto.getRandomValues(bytes);
  return encodeBase32LowerCaseNoPadding(bytes).match(/.{4}/g)!.join('-');
}

/** Case, spaces and dashes do not matter when a code is typed back. */
export function hashRecoveryCode(code: string): string {
  return hashTokenSecret(code.toLowerCase().replace(/[^a-z2-7]/g, ''));
}
