/**
 * `Authorization: Bearer <secret key>` (scheme case-insensitive) → the caller's environment and scopes. Where Nango
 * lets its Connect UI read with a connect session token (integration and provider lists), that token is accepted too,
 * with read scopes limited to the session's allowed integrations.
 */
import { CONNECT_SESSION_TOKEN_PATTERN } from '@latchkey/schema';
import type { Context, MiddlewareHandler } from 'hono';
import type { ApiKeyService } from '../../../api-keys/api-key.service';
import type { AuthContext } from '../../../auth/auth-context';
import { parseBearerHeader } from '../../../auth/bearer-token';
import type { SessionBrowser } from '../../../connect-sessions/browser-binding';
import type { ConnectSessionService } from '../../../connect-sessions/connect-session.service';
import { connectSessionAuth } from '../../../connect-sessions/session-auth';
import type { RestEnv } from '../rest-env';
import { sessionBrowser } from '../session-browser';

export function bearerToken(c: Context<RestEnv>): string {
  return parseBearerHeader(c.req.header('authorization'));
}

/** Who a bearer token is: a secret key, or on reads a connect session token with its narrow read scopes. */
export async function authenticateBearer(
  apiKeys: ApiKeyService,
  connectSessions: ConnectSessionService | undefined,
  token: string,
  method: string,
  browser: SessionBrowser,
): Promise<AuthContext> {
  if (connectSessions !== undefined && method === 'GET' && CONNECT_SESSION_TOKEN_PATTERN.test(token)) {
    return connectSessionAuth(await connectSessions.authenticate(token, browser));
  }
  const key = await apiKeys.authenticate(token);
  return { environment: key.environment, scopes: key.scopes };
}

export function secretKeyAuth(
  apiKeys: ApiKeyService,
  connectSessions?: ConnectSessionService,
): MiddlewareHandler<RestEnv> {
  return async (c, next) => {
    c.set(
      'auth',
      await authenticateBearer(apiKeys, connectSessions, bearerToken(c), c.req.method, sessionBrowser(c)),
    );
    await next();
  };
}
