/**
 * TOTP (RFC 6238) with `@oslojs/otp`: 30-second steps, 6 digits, one step of drift either way. The step a code
 * matched is returned so the caller can refuse the same code (or an older one) a second time.
 */

import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { createTOTPKeyURI, generateHOTP } from '@oslojs/otp';

export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;

export function generateTotpKey(): Uint8Array {
  const key = new Uint8Array(20);
  crypto.getRandomValues(key);
  return key;
}

export function totpKeyUri(accountName: string, key: Uint8Array): string {
  return createTOTPKeyURI('Latchkey', accountName, key, TOTP_PERIOD_SECONDS, TOTP_DIGITS);
}

/** The time step `code` is valid for (now, one before or one after), or null. */
export function matchTotpStep(key: Uint8Array, code: string, now = Date.now()): bigint | null {
  if (!/^\d{6}$/.test(code)) return null;
  const current = BigInt(Math.floor(now / 1000 / TOTP_PERIOD_SECONDS));
  const given = new TextEncoder().encode(code);
  let matched: bigint | null = null;
  // Every candidate is computed and compared, so timing does not tell which step matched.
  for (const step of [current - 1n, current, current + 1n]) {
    const expected = new TextEncoder().encode(generateHOTP(key, step, TOTP_DIGITS));
    if (constantTimeEqual(expected, given)) matched = step;
  }
  return matched;
}
