/** The code an authenticator app would show for a secret as the Account page displays it (base32, maybe spaced). */
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { generateTOTP } from '@oslojs/otp';

const PERIOD_S = 30;

export function totpCode(shownSecret: string): string {
  return generateTOTP(
    decodeBase32IgnorePadding(shownSecret.replace(/[\s-]/g, '').toUpperCase()),
    PERIOD_S,
    6,
  );
}

/** The current 30 s window's number. */
export function totpStep(): number {
  return Math.floor(Date.now() / 1000 / PERIOD_S);
}

/**
 * Waits for a window whose code can be typed: later than `after` (a server refuses a code twice, so the sign-in after
 * enrolment needs the next one), with at least `marginS` seconds left so the code is not stale on arrival.
 */
export async function usableWindow(after = -1, marginS = 5): Promise<void> {
  for (;;) {
    const left = PERIOD_S - ((Date.now() / 1000) % PERIOD_S);
    if (totpStep() > after && left >= marginS) return;
    await new Promise((resolve) => setTimeout(resolve, left * 1000 + 200));
  }
}
