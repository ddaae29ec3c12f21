/**
 * Getting new credentials from the provider, whatever the mode: the mode's renew step (a refresh grant, a new
 * client-credentials or two-step token, a new installation token, …). A pure step: it returns what happened and
 * never writes.
 */
import { type Credentials, LatchkeyError } from '@latchkey/schema';
import type { RenewInput } from '../auth-modes/auth-mode';
import { findAuthMode } from '../auth-modes/registry';

export type RenewResult =
  | {
      ok: true;
      credentials: Credentials;
      expiresAt: Date | null;
      connectionConfig: Record<string, string> | undefined;
    }
  | { ok: false; error: { type: string; description: string }; providerError: string | undefined };

/** What a renewal needs: the mode's own input (auth-mode.ts). */
export type { RenewInput };

export async function renewCredentials(input: RenewInput): Promise<RenewResult> {
  try {
    const mode = findAuthMode(input.credentials.type);
    if (mode?.renew === undefined) {
      throw new LatchkeyError(
        'invalid_credentials',
        `${input.credentials.type} credentials are not refreshed.`,
      );
    }
    const renewed = await mode.renew(input);
    return {
      ok: true,
      credentials: renewed.credentials,
      expiresAt: renewed.expiresAt,
      connectionConfig: renewed.connectionConfig,
    };
  } catch (error) {
    if (!(error instanceof LatchkeyError)) throw error;
    const providerError =
      typeof error.payload?.provider_error === 'string' ? error.payload.provider_error : undefined;
    return { ok: false, error: { type: error.code, description: error.message }, providerError };
  }
}
