/** `Authorization: Bearer <secret key>` (scheme case-insensitive) → the caller's environment and scopes. */
import { AuthenticationError } from '@latchkey/schema';
import type { MiddlewareHandler } from 'hono';
import type { ApiKeyService } from '../../../api-keys/api-key.service';
import type { RestEnv } from '../rest-env';

export function secretKeyAuth(apiKeys: ApiKeyService): MiddlewareHandler<RestEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    if (header === undefined || header.trim() === '') {
      throw new AuthenticationError('missing_auth_header', undefined, { payload: {} });
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header.trim());
    if (match === null) throw new AuthenticationError('malformed_auth_header');
    const key = await apiKeys.authenticate(match[1]!);
    c.set('auth', { environment: key.environment, scopes: key.scopes });
    await next();
  };
}
