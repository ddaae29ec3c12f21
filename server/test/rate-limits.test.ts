/**
 * Rate limits on the public flow surface (issue 14, secure default 7): the token bucket itself on an injected clock,
 * the REST middleware on a Hono app given socket addresses (per address, per session token, X-Forwarded-For ignored,
 * the callback page's 429), and a real server from loopback: the fixed interface's 300 requests to `/oauth/connect`
 * with a bad session token meet 429 with `Retry-After`; with the limits set to 0, none does.
 */
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/platform/logging/logger';
import { createRateLimiter } from '../src/platform/rate-limiter';
import { RATE_LIMITED_PATHS, type RateLimits, rateLimit } from '../src/transports/rest/middleware/rate-limit';
import { requestContext } from '../src/transports/rest/middleware/request-context';
import type { RestEnv } from '../src/transports/rest/rest-env';
import { type ServedLatchkey, serveTestLatchkey } from './support/served-latchkey';

const TOKEN_A = `nango_connect_session_${'a'.repeat(64)}`;
const TOKEN_B = `nango_connect_session_${'b'.repeat(64)}`;

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('the token bucket', () => {
  it('allows a burst of perMinute, then says when the next request is allowed', () => {
    const time = clock();
    const limiter = createRateLimiter({ perMinute: 60, now: time.now });
    for (let i = 0; i < 60; i++) expect(limiter.take('k')).toEqual({ allowed: true });
    expect(limiter.take('k')).toEqual({ allowed: false, retryAfterMs: 1000 });
    time.advance(400);
    expect(limiter.take('k')).toEqual({ allowed: false, retryAfterMs: 600 });
    time.advance(600);
    expect(limiter.take('k')).toEqual({ allowed: true });
    expect(limiter.take('k').allowed).toBe(false);
    // Other keys have their own buckets.
    expect(limiter.take('other')).toEqual({ allowed: true });
  });

  it('refills at perMinute a minute, never beyond the burst', () => {
    const time = clock();
    const limiter = createRateLimiter({ perMinute: 120, now: time.now });
    for (let i = 0; i < 120; i++) limiter.take('k');
    time.advance(10_000); // 20 requests earned back
    let allowed = 0;
    while (limiter.take('k').allowed) allowed++;
    expect(allowed).toBe(20);
    time.advance(3_600_000);
    allowed = 0;
    while (limiter.take('k').allowed) allowed++;
    expect(allowed).toBe(120);
  });

  it('forgets buckets idle long enough to be full again, looking every 10 seconds', () => {
    const time = clock();
    const limiter = createRateLimiter({ perMinute: 10, now: time.now });
    for (let i = 0; i < 1000; i++) limiter.take(`key-${i}`);
    expect(limiter.size).toBe(1000);
    time.advance(59_999);
    limiter.take('fresh');
    expect(limiter.size).toBe(1001); // swept, but none was idle for a minute yet
    time.advance(10_000);
    limiter.take('fresh');
    expect(limiter.size).toBe(1);
  });

  it('holds at most maxKeys buckets, dropping the least recently used', () => {
    const time = clock();
    const limiter = createRateLimiter({ perMinute: 2, maxKeys: 3, now: time.now });
    limiter.take('a');
    limiter.take('a');
    time.advance(1);
    limiter.take('b');
    limiter.take('c');
    time.advance(1500);
    expect(limiter.take('a').allowed).toBe(false); // still empty, and now the most recently used
    limiter.take('d');
    expect(limiter.size).toBe(3);
    expect(limiter.take('a').allowed).toBe(false); // kept, still empty: b went
    limiter.take('b');
    expect(limiter.size).toBe(3);
  });

  it('stays at maxKeys through a flood of new keys, keeping the latest', () => {
    const limiter = createRateLimiter({ perMinute: 1, maxKeys: 100, now: clock().now });
    for (let i = 0; i < 10_000; i++) expect(limiter.take(`flood-${i}`).allowed).toBe(true);
    expect(limiter.size).toBe(100);
    expect(limiter.take('flood-9999').allowed).toBe(false); // kept: its one request is spent
    expect(limiter.take('flood-0').allowed).toBe(true); // long gone: starts full
    expect(limiter.size).toBe(100);
  });
});

describe('the rate-limit middleware', () => {
  /** A REST app with the middleware where rest-app.ts puts it, and requests from a given socket address. */
  function limitedApp(limits: RateLimits) {
    const time = clock();
    const app = new Hono<RestEnv>({ strict: false });
    app.use(requestContext(createLogger('silent')));
    const limited = rateLimit(limits, { now: time.now })!;
    for (const path of RATE_LIMITED_PATHS) app.use(path, limited);
    app.get('/connect/session', (c) => c.json({ ok: true }));
    app.get('/connect/sessions', (c) => c.json({ ok: true }));
    app.get('/oauth/connect/:integration', (c) => c.json({ ok: true }));
    app.get('/oauth/callback', (c) => c.json({ ok: true }));
    app.post('/api-auth/api-key/:integration', (c) => c.json({ ok: true }));
    const from = (address: string, path: string, init: RequestInit = {}) =>
      app.request(path, init, { incoming: { socket: { remoteAddress: address } } });
    return { time, from };
  }

  it('counts each client address once per request, X-Forwarded-For ignored, loopback included', async () => {
    const { time, from } = limitedApp({ perAddressPerMinute: 120, perTokenPerMinute: 0 });
    for (let i = 0; i < 120; i++) {
      const path = ['/connect/session', '/oauth/connect/x', '/api-auth/api-key/x'][i % 3]!;
      const response = await from('127.0.0.1', path, {
        method: path.startsWith('/api-auth') ? 'POST' : 'GET',
        headers: { 'x-forwarded-for': `10.0.0.${i}` },
      });
      expect(response.status).toBe(200);
    }
    const refused = await from('127.0.0.1', '/connect/session');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await refused.json()).toEqual({
      error: {
        code: 'rate_limited',
        message: 'Too many requests; retry in 1 second.',
        payload: { retry_after_seconds: 1 },
      },
    });
    expect((await from('::1', '/connect/session')).status).toBe(200);
    // Routes outside the public flow surface are not counted.
    expect((await from('127.0.0.1', '/connect/sessions')).status).toBe(200);
    time.advance(500);
    expect((await from('127.0.0.1', '/connect/session')).status).toBe(200);
  });

  it('counts each session token, whether Bearer or in the query, across addresses', async () => {
    const { time, from } = limitedApp({ perAddressPerMinute: 0, perTokenPerMinute: 60 });
    for (let i = 0; i < 60; i++) {
      const response =
        i % 2 === 0
          ? await from(`10.0.${i}.1`, '/connect/session', { headers: { authorization: `Bearer ${TOKEN_A}` } })
          : await from(`10.0.${i}.1`, `/oauth/connect/x?connect_session_token=${TOKEN_A}`);
      expect(response.status).toBe(200);
    }
    const refused = await from('10.9.9.9', `/oauth/connect/x?connect_session_token=${TOKEN_A}`, {
      headers: { accept: 'application/json' },
    });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect((await from('10.9.9.9', `/oauth/connect/x?connect_session_token=${TOKEN_B}`)).status).toBe(200);
    time.advance(1000);
    expect((await from('10.9.9.9', `/oauth/connect/x?connect_session_token=${TOKEN_A}`)).status).toBe(200);
  });

  it('answers the pages a person sees with the callback page, JSON when only JSON is accepted', async () => {
    const { time, from } = limitedApp({ perAddressPerMinute: 2, perTokenPerMinute: 0 });
    await from('192.0.2.1', '/oauth/callback');
    await from('192.0.2.1', '/oauth/callback');
    const page = await from('192.0.2.1', '/oauth/callback?state=x', { headers: { accept: 'text/html' } });
    expect(page.status).toBe(429);
    expect(page.headers.get('retry-after')).toBe('30');
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('Too many requests; retry in 30 seconds.');
    expect(html).toContain('"errorType":"rate_limited"');
    time.advance(10_000);
    const json = await from('192.0.2.1', '/oauth/connect/x', { headers: { accept: 'application/json' } });
    expect(json.status).toBe(429);
    expect(json.headers.get('retry-after')).toBe('20');
    expect(((await json.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
  });

  it('is left out when both limits are 0', () => {
    expect(rateLimit({ perAddressPerMinute: 0, perTokenPerMinute: 0 })).toBeUndefined();
  });
});

describe('rate limits on a real server, from loopback', () => {
  let limited: ServedLatchkey;
  let unlimited: ServedLatchkey;

  /** 300 requests at once to `/oauth/connect` with a bad session token. */
  async function flood(url: string) {
    const started = performance.now();
    const answers = await Promise.all(
      Array.from({ length: 300 }, () =>
        fetch(`${url}/oauth/connect/any?connect_session_token=bad-token`, {
          headers: { accept: 'application/json' },
        }).then(async (response) => ({
          status: response.status,
          retryAfter: response.headers.get('retry-after'),
          body: (await response.json()) as { error: { code: string } },
        })),
      ),
    );
    return { answers, ms: Math.round(performance.now() - started) };
  }

  beforeAll(async () => {
    // Default limits (120 a minute per address, 60 per token); the other with both turned off.
    [limited, unlimited] = await Promise.all([
      serveTestLatchkey('pglite'),
      serveTestLatchkey('pglite', {
        LATCHKEY_RATE_LIMIT_PER_ADDRESS: '0',
        LATCHKEY_RATE_LIMIT_PER_TOKEN: '0',
      }),
    ]);
  });
  afterAll(async () => {
    await limited?.[Symbol.asyncDispose]();
    await unlimited?.[Symbol.asyncDispose]();
  });

  it('answers some of 300 requests with 429 and Retry-After, by default', async () => {
    const { answers, ms } = await flood(limited.url);
    const refused = answers.filter((answer) => answer.status === 429);
    console.info(`300 requests in ${ms} ms: ${refused.length} answered 429`);
    expect(refused.length).toBeGreaterThan(0);
    // The burst: the first 120 reach the route (401 for the malformed token).
    expect(answers.filter((answer) => answer.status === 401).length).toBeGreaterThanOrEqual(120);
    expect(answers.every((answer) => answer.status === 401 || answer.status === 429)).toBe(true);
    for (const answer of refused) {
      expect(answer.retryAfter).toMatch(/^[1-9]\d*$/);
      expect(answer.body.error.code).toBe('rate_limited');
    }
  });

  it('lets them all through when the limits are 0', async () => {
    const { answers } = await flood(unlimited.url);
    expect(answers.filter((answer) => answer.status === 429)).toEqual([]);
  });
});
