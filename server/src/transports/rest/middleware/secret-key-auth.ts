/**
 * `Authorization: Bearer <secret key>` (scheme case-insensitive) → the caller's environment and scopes. Where Nango
 * lets its Connect UI read with a connect session token (integration and provider lists), that token is accepted too,
 * with read scopes limited to the session's allowed integrations.
 */
import { AuthenticationError, CONNECT_SESSION_TOKEN_PATTERN } from '@latchkey/schema';
import type { Context, MiddlewareHandler } from 'hono';
import type { ApiKeyService } from '../../../api-keys/api-key.service';
import type { ConnectSessionService } from '../../../connect-sessions/connect-session.service';
import type { RestEnv } from '../rest-env';

export function bearerToken(c: Context<RestEnv>): string {
  const header = c.req.header('authorization');
  if (header === undefined || header.trim() === '') {
    throw new AuthenticationError('missing_auth_header', undefined, { payload: {} });
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header.trim());
  if (match === null) throw new AuthenticationError('malformed_auth_header');
  return match[1]!;
}

export function secretKeyAuth(
  apiKeys: ApiKeyService,
  connectSessions?: ConnectSessionService,
): MiddlewareHandler<RestEnv> {
  return async (c, next) => {
    const token = bearerToken(c);
    if (
      connectSessions !== undefined &&
      c.req.method === 'GET' &&
      CONNECT_SESSION_TOKEN_PATTERN.test(token)
    ) {
      const session = await connectSessions.authenticate(token);
      c.set('auth', {
        environment: session.environment,
        scopes: ['environment:integrations:read', 'environment:providers:read'],
        allowedIntegrations: session.allowedIntegrations,
      });
    } else {
      const key = await apiKeys.authenticate(token);
      c.set('auth', { environment: key.environment, scopes: key.scopes });
    }
    await next();
  };
}
