/** Reading a connection (compat doc 2.3). Refresh on read and the rest of the connections API come with the lifecycle. */
import { booleanStringSchema } from '@latchkey/schema';
import { Hono } from 'hono';
import { z } from 'zod';
import type { Services } from '../../../services';
import { readParam, readQuery } from '../request-input';
import type { RestEnv } from '../rest-env';

export const getConnectionQuery = z
  .object({
    provider_config_key: z.string().min(1).max(255),
    force_refresh: booleanStringSchema.optional(),
    refresh_token: booleanStringSchema.optional(),
    refresh_github_app_jwt_token: booleanStringSchema.optional(),
  })
  .strict();
export const connectionIdSchema = z.string().min(1).max(255);

export function connectionRoutes(services: Services) {
  // `/connection/:id` is the legacy singular alias Nango still routes (compat doc 1.4).
  return new Hono<RestEnv>({ strict: false }).on(
    'GET',
    ['/connections/:connectionId', '/connection/:connectionId'],
    async (c) => {
      const connectionId = readParam(c, 'connectionId', connectionIdSchema);
      const query = readQuery(c, getConnectionQuery);
      return c.json(
        await services.connections.get(c.get('auth'), connectionId, query.provider_config_key, {
          forceRefresh: query.force_refresh === true,
          includeRefreshToken: query.refresh_token === true,
          refreshGithubAppJwtToken: query.refresh_github_app_jwt_token === true,
        }),
      );
    },
  );
}
