/**
 * Endpoints of Nango's sync/functions product that `@nangohq/node` can call but Latchkey does not serve. They answer
 * a clear 404 `not_supported` naming what is missing, rather than the generic `route_not_found`, so a migrating
 * caller learns at once that the feature is absent and not that a path is mistyped.
 */
import { LatchkeyError } from '@latchkey/schema';
import { Hono, type MiddlewareHandler } from 'hono';
import type { Services } from '../../../services';
import { secretKeyAuth } from '../middleware/secret-key-auth';
import type { RestEnv } from '../rest-env';

export interface NotSupportedRoute {
  /** Hono paths, each also served with any sub-path when it ends in `/*`. */
  paths: string[];
  /** Only this method; every method when absent. */
  method?: 'GET' | 'POST';
  /** What the caller asked for, as the message names it. */
  what: string;
  message?: string;
}

const productMessage = (what: string) =>
  `Latchkey implements Nango's auth product; ${what} is part of Nango's sync/functions product and is not available.`;

/** The paths come from the SDK methods outside the auth surface (`listRecords`, `triggerSync`, `triggerAction`, …). */
export const NOT_SUPPORTED_ROUTES: NotSupportedRoute[] = [
  { paths: ['/records', '/records/*'], what: 'records (listRecords, pruneRecords)' },
  {
    paths: ['/sync', '/sync/*'],
    what: 'syncs (triggerSync, startSync, pauseSync, syncStatus, sync variants)',
  },
  {
    paths: ['/action', '/action/*'],
    what: 'actions (triggerAction, triggerActionAsync, getAsyncActionResult)',
  },
  { paths: ['/scripts', '/scripts/*'], what: 'scripts (getScriptsConfig)' },
  { paths: ['/flow', '/flow/*'], what: 'flows' },
  { paths: ['/v1', '/v1/*'], what: 'the functions API (/v1)' },
  { paths: ['/environment-variables'], what: 'environment variables (getEnvironmentVariables)' },
  {
    paths: ['/integrations/:uniqueKey/functions', '/integrations/:uniqueKey/functions/*'],
    what: 'deployed functions (listFunctions, getFunction, getFunctionCode, deleteFunction)',
  },
  {
    paths: ['/providers/:provider/templates'],
    method: 'GET',
    what: 'function templates (getProviderTemplates)',
  },
  {
    // POST only: `GET /integrations/quickstart` reads an integration whose key is `quickstart`.
    paths: ['/integrations/quickstart'],
    method: 'POST',
    what: 'quickstart integrations',
    message:
      "Latchkey implements Nango's auth product; quickstart integrations run on Nango's shared developer apps and " +
      'are not available. Create the integration with your own client credentials (POST /integrations).',
  },
];

export function notSupportedRoutes(services: Services) {
  const app = new Hono<RestEnv>({ strict: false });
  // Authenticated like the rest of the API (the groups rest-app.ts already authenticates are not checked twice).
  const secretKey = secretKeyAuth(services.apiKeys, services.connectSessions);
  const auth: MiddlewareHandler<RestEnv> = (c, next) =>
    c.get('auth') === undefined ? secretKey(c, next) : next();
  for (const route of NOT_SUPPORTED_ROUTES) {
    const answer = () => {
      throw new LatchkeyError('not_supported', route.message ?? productMessage(route.what));
    };
    for (const path of route.paths) {
      app.on(route.method ?? 'ALL', path, auth, answer);
    }
  }
  return app;
}
