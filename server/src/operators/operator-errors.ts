/** The typed errors of operator sign-in and management (codes in `@latchkey/schema`'s error-codes.ts). */
import { LatchkeyError } from '@latchkey/schema';

export class InvalidSignInError extends LatchkeyError {
  constructor() {
    super('invalid_credentials_login', 'The email or password is incorrect. Check both and try again.');
  }
}

export class TooManyAttemptsError extends LatchkeyError {
  constructor(retryAfterMinutes: number) {
    super(
      'too_many_attempts',
      `Too many failed sign-in attempts. Wait ${retryAfterMinutes} minutes and try again.`,
      { payload: { retry_after_seconds: retryAfterMinutes * 60 } },
    );
  }
}

export class LastAdminError extends LatchkeyError {
  constructor(action: 'remove' | 'demote') {
    super(
      'last_admin',
      `This is the last admin: ${action === 'remove' ? 'removing' : 'demoting'} them would leave nobody able to manage operators. Promote another operator first.`,
    );
  }
}
