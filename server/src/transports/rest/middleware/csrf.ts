/**
 * CSRF protection for the dashboard's cookie: a state-changing request (anything but GET, HEAD, OPTIONS) that carries
 * the `latchkey_session` cookie must come from this origin, by `Origin` (the public URL's origin or the request's
 * own) or `Sec-Fetch-Site: same-origin`. SameSite=Lax already keeps the cookie off most cross-site POSTs; this also
 * covers same-site subdomains and older browsers. Requests without the cookie (secret keys, widgets) are untouched.
 */
import { LatchkeyError } from '@latchkey/schema';
import type { MiddlewareHandler } from 'hono';
import { sessionTokenFromCookieHeader } from '../../../operators/session-cookie';
import type { RestEnv } from '../rest-env';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function csrfProtection(publicUrl: string): MiddlewareHandler<RestEnv> {
  const publicOrigin = new URL(publicUrl).origin;
  return async (c, next) => {
    if (SAFE_METHODS.has(c.req.method) || sessionTokenFromCookieHeader(c.req.header('cookie')) === null) {
      return next();
    }
    const origin = c.req.header('origin');
    const sameOrigin =
      c.req.header('sec-fetch-site') === 'same-origin' ||
      (origin !== undefined && (origin === publicOrigin || origin === new URL(c.req.url).origin));
    if (!sameOrigin) return c.json(new LatchkeyError('csrf_rejected').toBody(), 403);
    return next();
  };
}
