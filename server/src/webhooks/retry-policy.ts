/**
 * What one delivery attempt's result means for the delivery: delivered, retried later, or given up. Nango retries only
 * network errors and 5xx, twice (compat doc 6.4); we also retry timeouts, 408 and 429, honour `Retry-After`, and keep
 * trying with exponential backoff and full jitter until a horizon has passed since the first attempt.
 */
import { LatchkeyError } from '@latchkey/schema';

export type AttemptVerdict =
  | { kind: 'delivered' }
  | { kind: 'retry'; retryAfterMs?: number }
  | { kind: 'failed' };

export interface RetryPolicy {
  /** First retry waits up to this long; each retry doubles it. */
  backoffBaseMs: number;
  /** No wait exceeds this, `Retry-After` included. */
  backoffMaxMs: number;
  /** Retries stop once the next one would start this long after the first attempt; the delivery is then dead. */
  horizonMs: number;
}

export type DeliveryTransition =
  | { status: 'delivered' }
  | { status: 'failed' }
  | { status: 'dead' }
  | { status: 'pending'; nextAttemptAt: Date };

/** 2xx delivers; 408, 429 and 5xx are worth another try; anything else (3xx included: no redirects) will not change. */
export function verdictOfStatus(status: number, retryAfter: string | null, now: Date): AttemptVerdict {
  if (status >= 200 && status < 300) return { kind: 'delivered' };
  if (status === 408 || status === 429 || status >= 500) {
    const retryAfterMs = retryAfter === null ? undefined : parseRetryAfter(retryAfter, now);
    return retryAfterMs === undefined ? { kind: 'retry' } : { kind: 'retry', retryAfterMs };
  }
  return { kind: 'failed' };
}

/** A refused URL will be refused again; timeouts and unreachable hosts may recover. */
export function verdictOfError(error: unknown): AttemptVerdict {
  if (error instanceof LatchkeyError && error.code === 'url_not_allowed') return { kind: 'failed' };
  return { kind: 'retry' };
}

/** `Retry-After` as delay-seconds or an HTTP date (RFC 9110 §10.2.3); undefined when unreadable. */
export function parseRetryAfter(value: string, now: Date): number | undefined {
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now.getTime());
}

/** Full jitter (a random wait up to the exponential bound) spreads retries of many deliveries that failed together. */
export function backoffDelayMs(
  attempts: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const bound = Math.min(policy.backoffMaxMs, policy.backoffBaseMs * 2 ** Math.max(0, attempts - 1));
  return Math.floor(random() * bound);
}

export function nextTransition(
  verdict: AttemptVerdict,
  context: { attempts: number; firstAttemptAt: Date; now: Date },
  policy: RetryPolicy,
  random?: () => number,
): DeliveryTransition {
  if (verdict.kind !== 'retry') return { status: verdict.kind };
  const jittered = backoffDelayMs(context.attempts, policy, random);
  const delay = Math.min(policy.backoffMaxMs, Math.max(jittered, verdict.retryAfterMs ?? 0));
  const nextAttemptAt = new Date(context.now.getTime() + delay);
  if (nextAttemptAt.getTime() - context.firstAttemptAt.getTime() > policy.horizonMs)
    return { status: 'dead' };
  return { status: 'pending', nextAttemptAt };
}
