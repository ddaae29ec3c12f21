/**
 * A token bucket per key, in this process's memory: each key may spend `perMinute` requests at once (the burst) and
 * earns them back at `perMinute` a minute. Memory stays bounded: a bucket idle long enough to be full again is the same
 * as no bucket and is dropped by a sweep every few seconds, and a new key past `maxKeys` first sweeps, then pushes out
 * the least recently used bucket (recency kept to the second, so a busy key does not churn the map on every request).
 * The clock is injected, so the arithmetic is tested without waiting.
 */

export interface RateLimiterOptions {
  /** Requests a key may make in a minute, and at once. */
  perMinute: number;
  /** Most keys tracked at once (default 50,000: about 10 MB). */
  maxKeys?: number;
  /** Milliseconds since some fixed point; `Date.now` unless a test drives the clock. */
  now?: () => number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

export interface RateLimiter {
  /** Spends one request of `key`'s bucket, or says how long until one is available again. */
  take(key: string): RateDecision;
  /** Keys currently tracked (for tests and metrics). */
  readonly size: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
  /** When the bucket last moved to the end of the map (its recency order). */
  movedAt: number;
}

const DEFAULT_MAX_KEYS = 50_000;
/** How often idle buckets are looked for: a pass over the map, so not on every request. */
const SWEEP_INTERVAL_MS = 10_000;
/** A used bucket moves to the end of the map at most this often. */
const RECENCY_MS = 1000;
/** A bucket empty for a minute is full again, the same as none (whatever the rate: the burst is a minute's worth). */
const REFILL_MS = 60_000;
// Fractions of a request accumulate in floating point: 0.4 + 0.6 may land a hair below 1.
const EPSILON = 1e-9;

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const capacity = options.perMinute;
  if (!(capacity > 0)) throw new RangeError('perMinute must be positive');
  const maxKeys = options.maxKeys ?? DEFAULT_MAX_KEYS;
  const now = options.now ?? Date.now;
  const perMs = capacity / REFILL_MS;
  const buckets = new Map<string, Bucket>();
  let sweptAt = now();
  // Kept between evictions: a fresh iterator would step over every deleted slot at the map's front each time, while
  // this one (Map iterators see deletions and appends) resumes where the last eviction left off.
  let oldest = buckets.keys();

  function evictLeastRecentlyUsed(): void {
    let next = oldest.next();
    if (next.done === true) {
      oldest = buckets.keys();
      next = oldest.next();
    }
    if (next.done !== true) buckets.delete(next.value);
  }

  function sweep(at: number): void {
    sweptAt = at;
    for (const [key, bucket] of buckets) if (at - bucket.updatedAt >= REFILL_MS) buckets.delete(key);
  }

  function bucketOf(key: string, at: number): Bucket {
    const found = buckets.get(key);
    if (found !== undefined) {
      found.tokens = Math.min(capacity, found.tokens + Math.max(0, at - found.updatedAt) * perMs);
      found.updatedAt = at;
      if (at - found.movedAt >= RECENCY_MS) {
        buckets.delete(key);
        buckets.set(key, found);
        found.movedAt = at;
      }
      return found;
    }
    if (buckets.size >= maxKeys) {
      // A sweep is a pass over the whole map: at most once a second, or a flood of new keys would pay it each time.
      if (at - sweptAt >= RECENCY_MS) sweep(at);
      // Still full: the least recently used bucket goes (its key, coming back, starts full again).
      if (buckets.size >= maxKeys) evictLeastRecentlyUsed();
    }
    const created = { tokens: capacity, updatedAt: at, movedAt: at };
    buckets.set(key, created);
    return created;
  }

  return {
    take(key) {
      const at = now();
      if (at - sweptAt >= SWEEP_INTERVAL_MS) sweep(at);
      const bucket = bucketOf(key, at);
      if (bucket.tokens >= 1 - EPSILON) {
        bucket.tokens = Math.max(0, bucket.tokens - 1);
        return { allowed: true };
      }
      return { allowed: false, retryAfterMs: Math.ceil((1 - bucket.tokens) / perMs - EPSILON) };
    },
    get size() {
      return buckets.size;
    },
  };
}
