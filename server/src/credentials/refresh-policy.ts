/**
 * When a stored credential must be refreshed, and how long to wait after a failure (compat doc 5.1-5.3, with the
 * IMPROVE items: invalid_grant is terminal at once, backoff grows instead of a flat 30 s, states are explicit).
 */
import type { Provider } from '@latchkey/providers';
import { findAuthMode } from '../auth-modes/registry';
import type { ConnectionRow } from '../connections/connection.table';

export interface RefreshPolicy {
  /** Refresh when the access token expires within this many seconds (a provider's token_expiration_buffer wins). */
  marginSeconds: number;
  /** First cooldown after a failure; doubles with each consecutive failure up to maxCooldownMs. */
  baseCooldownMs: number;
  maxCooldownMs: number;
  /** Consecutive retryable failures after which the connection needs the end user again. */
  maxAttempts: number;
}

export const DEFAULT_REFRESH_POLICY: RefreshPolicy = {
  marginSeconds: 15 * 60,
  baseCooldownMs: 30_000,
  maxCooldownMs: 60 * 60_000,
  maxAttempts: 5,
};

/** Modes whose credentials Latchkey can renew by itself (the mode has a renew step). */
export function isRefreshable(row: Pick<ConnectionRow, 'auth_mode'>): boolean {
  return findAuthMode(row.auth_mode)?.renew !== undefined;
}

export function isDue(
  row: Pick<ConnectionRow, 'expires_at'>,
  provider: Provider,
  policy: RefreshPolicy,
  now = Date.now(),
): boolean {
  if (row.expires_at === null) return false;
  const margin = provider.token_expiration_buffer ?? policy.marginSeconds;
  return row.expires_at.getTime() - now <= margin * 1000;
}

export function cooldownMs(attempts: number, policy: RefreshPolicy): number {
  return Math.min(policy.baseCooldownMs * 2 ** Math.max(0, attempts - 1), policy.maxCooldownMs);
}

/** Milliseconds until the next refresh may be tried; 0 when it may be tried now. */
export function backoffRemainingMs(row: ConnectionRow, policy: RefreshPolicy, now = Date.now()): number {
  if (row.refresh_state !== 'refresh_failed' || row.last_refresh_failure_at === null) return 0;
  return Math.max(0, row.last_refresh_failure_at.getTime() + cooldownMs(row.refresh_attempts, policy) - now);
}

/**
 * A refresh failure's consequence: it may work later (`refresh_failed`, retried after the cooldown), or the grant is
 * gone (`needs_reauth`: the user must reconnect). RFC 6749 §5.2 `invalid_grant` means the refresh token is invalid,
 * expired or revoked; one such answer can still be a provider's hiccup, two in a row are not, so the second one (or
 * too many failures of any kind) ends the retries.
 */
export function stateAfterFailure(
  providerError: string | undefined,
  previousProviderError: string | undefined,
  attempts: number,
  policy: RefreshPolicy,
) {
  const revoked = providerError === 'invalid_grant' && previousProviderError === 'invalid_grant';
  return revoked || attempts >= policy.maxAttempts ? ('needs_reauth' as const) : ('refresh_failed' as const);
}
