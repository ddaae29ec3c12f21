/**
 * Rate limits on the public flow surface, before anything reads the database: a token bucket per client address
 * (the socket's, as client-address.ts resolves it: X-Forwarded-For is not trusted) and one per connect session token.
 * Loopback addresses are counted like any other. The buckets live in this process (platform/rate-limiter.ts): each
 * instance counts its own requests. Past a limit: 429 `rate_limited` with `Retry-After` in whole seconds; the
 * browser-facing pages (`/oauth/connect`, the callbacks) answer with the callback page's error instead of JSON, as
 * their other errors do, unless only JSON is accepted.
 */
import { CONNECT_SESSION_TOKEN_PATTERN, LatchkeyError } from '@latchkey/schema';
import type { Context, MiddlewareHandler } from 'hono';
import { renderCallbackPage } from '../../../auth-flows/callback-page';
import { hashSecret } from '../../../platform/crypto/secret-hash';
import { createRateLimiter, type RateLimiter } from '../../../platform/rate-limiter';
import { clientAddress } from '../client-address';
import type { RestEnv } from '../rest-env';
import { callbackPage, wantsJson } from '../routes/callback-response';

/** Requests per minute (and burst); 0 turns a limit off. */
export interface RateLimits {
  perAddressPerMinute: number;
  perTokenPerMinute: number;
}

/**
 * Where the limits apply: the flow endpoints, the callbacks and the session's own routes (its events included). Hono's
 * `/x/*` also matches `/x` itself: listing both would count one request twice.
 */
export const RATE_LIMITED_PATHS = [
  '/oauth/connect/*',
  '/oauth/callback',
  '/oauth2/*',
  '/auth/*',
  '/api-auth/*',
  '/app-auth/*',
  '/connect/session/*',
];

/** The pages a person's browser navigates to, whose errors are the callback page rather than JSON. */
const PAGE_PATHS = /^\/(oauth\/connect\/|oauth\/callback\/?$|app-auth\/connect\/?$)/;

/** The middleware, or undefined when both limits are off. */
export function rateLimit(
  limits: RateLimits,
  options: { now?: () => number } = {},
): MiddlewareHandler<RestEnv> | undefined {
  const byAddress = limiterOf(limits.perAddressPerMinute, options.now);
  const byToken = limiterOf(limits.perTokenPerMinute, options.now);
  if (byAddress === undefined && byToken === undefined) return undefined;
  return async (c, next) => {
    const address = byAddress === undefined ? null : clientAddress(c);
    // Without a socket (in-process requests) there is no address to count.
    const decision = address === null ? undefined : byAddress!.take(address);
    if (decision?.allowed === false) return tooManyRequests(c, decision.retryAfterMs);
    const token = byToken === undefined ? undefined : sessionTokenOf(c);
    // Keyed by the token's hash: the buckets never hold a usable token.
    const tokenDecision = token === undefined ? undefined : byToken!.take(hashSecret(token));
    if (tokenDecision?.allowed === false) return tooManyRequests(c, tokenDecision.retryAfterMs);
    await next();
  };
}

function limiterOf(perMinute: number, now: (() => number) | undefined): RateLimiter | undefined {
  return perMinute > 0 ? createRateLimiter({ perMinute, ...(now === undefined ? {} : { now }) }) : undefined;
}

/** A well-formed session token, as Bearer or as the flow endpoints' query takes it; others cost nothing to refuse. */
function sessionTokenOf(c: Context<RestEnv>): string | undefined {
  const bearer = /^\s*Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '')?.[1];
  if (bearer !== undefined && CONNECT_SESSION_TOKEN_PATTERN.test(bearer)) return bearer;
  const queried = c.get('query').connect_session_token;
  return typeof queried === 'string' && CONNECT_SESSION_TOKEN_PATTERN.test(queried) ? queried : undefined;
}

function tooManyRequests(c: Context<RestEnv>, retryAfterMs: number): Response {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  const error = new LatchkeyError(
    'rate_limited',
    `Too many requests; retry in ${seconds} second${seconds === 1 ? '' : 's'}.`,
    { payload: { retry_after_seconds: seconds } },
  );
  c.header('Retry-After', String(seconds));
  if (c.req.method === 'GET' && PAGE_PATHS.test(c.req.path) && !wantsJson(c)) {
    return callbackPage(
      c,
      renderCallbackPage({
        ok: false,
        error,
        openerOrigin: undefined,
        providerConfigKey: undefined,
        connectionId: undefined,
      }),
    );
  }
  return c.json(error.toBody(), 429);
}
