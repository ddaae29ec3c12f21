/**
 * Dashboard sign-in with OpenID Connect, as browser navigations: `GET /operator-auth/oidc/start?return_to=/dashboard`
 * sends the browser to the identity provider, `GET /operator-auth/oidc/callback` signs it in and sends it back. Every
 * failure lands on the sign-in page as `?error=<code>` (the page shows the code's message).
 */
import type { HttpBindings } from '@hono/node-server';
import { type Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { OidcSignInError, PENDING_SIGN_IN_TTL_MS } from '../../../operators/oidc-sign-in';
import type { RequestOrigin } from '../../../operators/operator.service';
import { OIDC_CALLBACK_PATH } from '../../../operators/operator-oidc.service';
import { sessionCookie } from '../../../operators/session-cookie';
import type { Services } from '../../../services';
import type { RestEnv } from '../rest-env';

const OIDC_START_PATH = '/operator-auth/oidc/start';
const SIGN_IN_PAGE = '/dashboard/sign-in';

/**
 * The sealed attempt (state, nonce, PKCE verifier, return_to) between start and callback. Lax, so the provider's
 * top-level redirect back carries it; scoped to these two routes and to the attempt's ten minutes.
 */
const ATTEMPT_COOKIE = 'latchkey_oidc_attempt';
const ATTEMPT_COOKIE_PATH = '/operator-auth/oidc';

export function operatorOidcRoutes(services: Services) {
  const { operatorOidc, operators } = services;
  const cookieOptions = {
    path: ATTEMPT_COOKIE_PATH,
    httpOnly: true,
    sameSite: 'Lax',
    secure: operators.secureCookies,
  } as const;

  const failed = (c: Context<RestEnv>, error: unknown) => {
    if (!(error instanceof OidcSignInError)) throw error;
    c.get('log').info({ code: error.code, detail: error.internal }, 'oidc sign-in refused');
    return c.redirect(`${SIGN_IN_PAGE}?error=${error.code}`, 302);
  };

  return new Hono<RestEnv>({ strict: false })
    .get(OIDC_START_PATH, async (c) => {
      c.header('Cache-Control', 'no-store');
      try {
        if (operatorOidc === undefined) throw new OidcSignInError('oidc_not_configured');
        const { authorizationUrl, sealedAttempt } = await operatorOidc.begin(c.req.query('return_to'));
        setCookie(c, ATTEMPT_COOKIE, sealedAttempt, {
          ...cookieOptions,
          maxAge: PENDING_SIGN_IN_TTL_MS / 1000,
        });
        return c.redirect(authorizationUrl, 302);
      } catch (error) {
        return failed(c, error);
      }
    })
    .get(OIDC_CALLBACK_PATH, async (c) => {
      c.header('Cache-Control', 'no-store');
      // Single use, whatever the outcome: the browser drops the attempt now.
      const sealedAttempt = getCookie(c, ATTEMPT_COOKIE);
      deleteCookie(c, ATTEMPT_COOKIE, cookieOptions);
      try {
        if (operatorOidc === undefined) throw new OidcSignInError('oidc_not_configured');
        const { session, returnTo } = await operatorOidc.finish(
          { callbackQuery: new URL(c.req.url).search, sealedAttempt },
          requestOrigin(c),
        );
        c.header('Set-Cookie', sessionCookie(session.token, session.expiresAt, operators.secureCookies), {
          append: true,
        });
        return c.redirect(returnTo, 302);
      } catch (error) {
        return failed(c, error);
      }
    });
}

/** The peer address of the socket (no proxy header is trusted: none is configured as trustworthy). */
function requestOrigin(c: Context<RestEnv>): RequestOrigin {
  const node = c.env as Partial<HttpBindings> | undefined;
  return {
    ip: node?.incoming?.socket.remoteAddress ?? null,
    userAgent: c.req.header('user-agent') ?? null,
  };
}
