/** The pure parts of delivery: which answers are retried, how long the waits are, when a delivery dies. */
import { LatchkeyError } from '@latchkey/schema';
import { describe, expect, it } from 'vitest';
import {
  backoffDelayMs,
  nextTransition,
  parseRetryAfter,
  verdictOfError,
  verdictOfStatus,
} from '../src/webhooks/retry-policy';
import { stableStringify } from '../src/webhooks/stable-stringify';

const NOW = new Date('2026-11-23T12:00:00Z');
const POLICY = { backoffBaseMs: 1000, backoffMaxMs: 60_000, horizonMs: 86_400_000 };

describe('webhook retry policy', () => {
  it('retries network errors, timeouts, 408, 429 and 5xx; settles 2xx and other answers', () => {
    expect(verdictOfStatus(204, null, NOW)).toEqual({ kind: 'delivered' });
    for (const status of [408, 429, 500, 502, 503])
      expect(verdictOfStatus(status, null, NOW).kind).toBe('retry');
    for (const status of [301, 400, 401, 404, 410, 422])
      expect(verdictOfStatus(status, null, NOW).kind).toBe('failed');
    expect(verdictOfError(new LatchkeyError('upstream_timeout')).kind).toBe('retry');
    expect(verdictOfError(new LatchkeyError('upstream_unreachable')).kind).toBe('retry');
    expect(verdictOfError(new LatchkeyError('url_not_allowed')).kind).toBe('failed');
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('3', NOW)).toBe(3000);
    expect(parseRetryAfter('Mon, 23 Nov 2026 12:00:05 GMT', NOW)).toBe(5000);
    expect(parseRetryAfter('Mon, 23 Nov 2026 11:00:00 GMT', NOW)).toBe(0);
    expect(parseRetryAfter('soon', NOW)).toBeUndefined();
    expect(verdictOfStatus(429, '2', NOW)).toEqual({ kind: 'retry', retryAfterMs: 2000 });
  });

  it('backs off exponentially with full jitter, capped', () => {
    expect(backoffDelayMs(1, POLICY, () => 0.999)).toBe(999);
    expect(backoffDelayMs(4, POLICY, () => 0.5)).toBe(4000);
    expect(backoffDelayMs(30, POLICY, () => 0.999)).toBe(59_940);
    expect(backoffDelayMs(3, POLICY, () => 0)).toBe(0);
  });

  it('waits at least Retry-After (capped), and dies past the horizon', () => {
    const context = { attempts: 1, firstAttemptAt: NOW, now: NOW };
    expect(nextTransition({ kind: 'retry', retryAfterMs: 10_000 }, context, POLICY, () => 0)).toEqual({
      status: 'pending',
      nextAttemptAt: new Date(NOW.getTime() + 10_000),
    });
    expect(nextTransition({ kind: 'retry', retryAfterMs: 7_200_000 }, context, POLICY, () => 0)).toEqual({
      status: 'pending',
      nextAttemptAt: new Date(NOW.getTime() + 60_000),
    });
    const late = { attempts: 9, firstAttemptAt: new Date(NOW.getTime() - 86_399_000), now: NOW };
    expect(nextTransition({ kind: 'retry' }, late, POLICY, () => 0.5)).toEqual({ status: 'dead' });
    expect(nextTransition({ kind: 'failed' }, context, POLICY)).toEqual({ status: 'failed' });
  });

  it('serialises bodies with keys sorted at every depth', () => {
    expect(stableStringify({ b: 1, a: { d: [{ z: 1, y: 2 }], c: null }, u: undefined })).toBe(
      '{"a":{"c":null,"d":[{"y":2,"z":1}]},"b":1}',
    );
  });
});
