/**
 * What every tRPC procedure is called with: the services and the caller behind `Authorization: Bearer <secret key |
 * connect session token>`, resolved as GraphQL resolves it, or without that header the dashboard operator behind the
 * `latchkey_session` cookie. The caller is resolved on first use and shared by the calls of one batch; a request for
 * an unknown procedure never resolves it, so it gets tRPC's NOT_FOUND, not a 401. The context can also set and clear
 * the session cookie on the response (sign-in, sign-out, sliding expiry).
 */
import { AuthenticationError, LatchkeyError } from '@latchkey/schema';
import { authenticateBearer, type BearerCaller } from '../../auth/bearer-caller';
import {
  assertUnrestricted,
  ENVIRONMENT_HEADER,
  type OperatorCaller,
  operatorCaller,
} from '../../auth/operator-caller';
import { bindingCookieFrom, type SessionBrowser } from '../../connect-sessions/browser-binding';
import type { RequestOrigin } from '../../operators/operator.service';
import type { ValidatedSession } from '../../operators/operator-session';
import {
  clearedSessionCookie,
  sessionCookie,
  sessionTokenFromCookieHeader,
} from '../../operators/session-cookie';
import type { Logger } from '../../platform/logging/logger';
import type { Services } from '../../services';

export type TrpcCaller = BearerCaller;

export interface TrpcContext {
  services: Services;
  logger: Logger;
  /** The socket's address (never X-Forwarded-For) and the user agent: sign-in rate limits and the audit log. */
  origin: RequestOrigin;
  /** Rejects with the same 401 `LatchkeyError`s REST answers; an operator must have finished signing in. */
  resolveCaller(): Promise<TrpcCaller>;
  /** The operator session behind the cookie; null without one or when it is not live. */
  resolveSession(): Promise<ValidatedSession | null>;
  /** The cookie's operator even before two-factor is done (401 `session_expired` without a live session). */
  resolveOperatorCaller(): Promise<OperatorCaller>;
  setSessionCookie(session: { token: string; expiresAt: Date }): void;
  clearSessionCookie(): void;
}

export interface TrpcRequestOptions {
  /** The response headers tRPC sends (fetchRequestHandler's `resHeaders`). */
  resHeaders?: Headers;
  ip?: string | null;
  /** The environment named in the connection params, used when the request has no environment header. */
  environment?: string | undefined;
}

export function createTrpcContext(
  services: Services,
  logger: Logger,
  request: Request,
  options: TrpcRequestOptions = {},
): TrpcContext {
  const authorization = request.headers.get('authorization');
  const hasAuthorization = authorization !== null && authorization.trim() !== '';
  const cookieToken = hasAuthorization ? null : sessionTokenFromCookieHeader(request.headers.get('cookie'));
  const origin: RequestOrigin = {
    ip: options.ip ?? null,
    userAgent: request.headers.get('user-agent'),
  };
  const secure = services.operators.secureCookies;
  // tRPC sets no binding cookie (as GraphQL): a browser-bound session is usable from the browser that opened it.
  const browser: SessionBrowser = { cookie: bindingCookieFrom(request.headers.get('cookie')) };
  const setCookie = (value: string) => options.resHeaders?.append('set-cookie', value);

  let session: Promise<ValidatedSession | null> | undefined;
  let operator: Promise<OperatorCaller> | undefined;
  let resolved: Promise<TrpcCaller> | undefined;

  const context: TrpcContext = {
    services,
    logger,
    origin,
    resolveSession() {
      session ??= (async () => {
        if (cookieToken === null) return null;
        const validated = await services.operators.sessions.validate(cookieToken);
        if (validated === null) setCookie(clearedSessionCookie(secure));
        else if (validated.renewed) setCookie(sessionCookie(cookieToken, validated.expiresAt, secure));
        return validated;
      })();
      return session;
    },
    resolveOperatorCaller() {
      operator ??= (async () => {
        const validated = await context.resolveSession();
        if (validated === null) {
          if (cookieToken !== null) throw new AuthenticationError('session_expired');
          // No cookie: a missing or bad key gets the 401 REST answers; a good one is not an operator.
          await authenticateBearer(services, authorization, browser);
          throw new LatchkeyError('forbidden', 'Only a signed-in dashboard operator can do this.');
        }
        return operatorCaller(services, validated, {
          environment: request.headers.get(ENVIRONMENT_HEADER) ?? options.environment ?? null,
          ip: origin.ip,
        });
      })();
      return operator;
    },
    resolveCaller() {
      resolved ??= (async () => {
        if (cookieToken === null) return authenticateBearer(services, authorization, browser);
        const caller = await context.resolveOperatorCaller();
        assertUnrestricted(caller);
        return caller;
      })();
      return resolved;
    },
    setSessionCookie(created) {
      setCookie(sessionCookie(created.token, created.expiresAt, secure));
    },
    clearSessionCookie() {
      setCookie(clearedSessionCookie(secure));
    },
  };
  return context;
}
