/**
 * The Nango-compatible REST transport: middleware order, route groups and the error mapping. Routes parse, call a
 * service, format; nothing here decides anything a service should.
 */
import type { Catalog } from '@latchkey/providers';
import { LatchkeyError } from '@latchkey/schema';
import { Hono } from 'hono';
import type { Db } from '../../platform/database/database';
import type { Logger } from '../../platform/logging/logger';
import type { Services } from '../../services';
import { createCors, REST_CORS } from './middleware/cors';
import { authenticatedSubject, BROWSER_PATHS, browserSubject } from './middleware/cors-subjects';
import { csrfProtection } from './middleware/csrf';
import { handleError } from './middleware/error-handler';
import { jsonBody } from './middleware/json-body';
import { RATE_LIMITED_PATHS, type RateLimits, rateLimit } from './middleware/rate-limit';
import { requestContext } from './middleware/request-context';
import { secretKeyAuth } from './middleware/secret-key-auth';
import { storableInput } from './middleware/storable-input';
import { openApiRoutes } from './openapi/openapi.routes';
import type { RestEnv } from './rest-env';
import { appAuthRoutes } from './routes/app-auth.routes';
import { authFlowRoutes } from './routes/auth-flows.routes';
import { connectSessionEventRoutes } from './routes/connect-session-events.routes';
import { connectSessionRoutes, connectSessionSelfRoutes } from './routes/connect-sessions.routes';
import { connectionAdminRoutes } from './routes/connection-admin.routes';
import { connectionRoutes } from './routes/connections.routes';
import { dashboardRoutes } from './routes/dashboard.routes';
import { environmentRoutes } from './routes/environment.routes';
import { eventRoutes } from './routes/events.routes';
import { healthRoutes } from './routes/health.routes';
import { hostedConnectRoutes } from './routes/hosted-connect.routes';
import { integrationRoutes } from './routes/integrations.routes';
import { logoRoutes } from './routes/logo.routes';
import { logRoutes } from './routes/logs.routes';
import { notSupportedRoutes } from './routes/not-supported.routes';
import { operatorOidcRoutes } from './routes/operator-oidc.routes';
import { providerRoutes } from './routes/providers.routes';
import { proxyRoutes } from './routes/proxy.routes';
import { webhookRoutes } from './routes/webhooks.routes';

export interface RestAppDeps {
  services: Services;
  db: Db;
  catalog: Catalog;
  logger: Logger;
  bodyLimit: number;
  rateLimits: RateLimits;
}

/** Route groups whose bodies are JSON (Nango's list, minus the ones we do not serve yet). */
const JSON_GROUPS = [
  '/integrations',
  '/providers',
  '/connections',
  '/connection',
  '/connect',
  '/environment',
  '/logs',
  '/oauth',
  '/oauth2',
  '/api-auth',
  '/auth',
  '/events',
  '/webhooks',
];
/**
 * Groups authenticated by a secret key (the flow endpoints and `/connect/session` authenticate themselves). `/proxy`
 * is here but not a JSON group: it forwards bodies of any type untouched.
 */
const SECRET_KEY_GROUPS = [
  '/integrations',
  '/providers',
  '/connections',
  '/connection',
  '/environment',
  '/logs',
  '/connect/sessions',
  '/proxy',
  '/events',
  '/webhooks',
];

export function createRestApp(deps: RestAppDeps): Hono<RestEnv> {
  const app = new Hono<RestEnv>({ strict: false });
  app.use(requestContext(deps.logger));
  const cors = createCors(REST_CORS, {
    origins: deps.services.allowedOrigins,
    publicUrl: deps.services.operators.publicUrl,
  });
  app.use(cors.preflight);
  // Before every route, the typed transports included: they are where the dashboard's cookie is used.
  app.use(csrfProtection(deps.services.operators.publicUrl));
  // Path and query strings PostgreSQL cannot store are refused here; bodies by jsonBody, as they are parsed.
  app.use(storableInput());
  // Before anything reads the database: a flood of the public flow routes is turned away from memory.
  const limited = rateLimit(deps.rateLimits);
  if (limited !== undefined) for (const path of RATE_LIMITED_PATHS) app.use(path, limited);

  app.route('/', healthRoutes(deps.db));
  app.route('/', logoRoutes(deps.catalog));
  // The public API description: any site's tools may read it.
  app.use('/openapi.json', async (c, next) => {
    c.header('Access-Control-Allow-Origin', '*');
    await next();
  });
  app.route('/', openApiRoutes());

  const body = jsonBody(deps.bodyLimit, { yamlPaths: ['/providers/import'] });
  for (const group of JSON_GROUPS) {
    app.use(group, body);
    app.use(`${group}/*`, body);
  }
  const auth = secretKeyAuth(deps.services.apiKeys, deps.services.connectSessions);
  const grantToCaller = cors.grant(authenticatedSubject);
  for (const group of SECRET_KEY_GROUPS) {
    app.use(group, auth, grantToCaller);
    app.use(`${group}/*`, auth, grantToCaller);
  }
  const grantToBrowser = cors.grant(browserSubject(deps.services));
  for (const path of BROWSER_PATHS) app.use(path, grantToBrowser);
  app.route('/', integrationRoutes(deps.services));
  app.route('/', providerRoutes(deps.services));
  app.route('/', connectSessionRoutes(deps.services));
  app.route('/', connectSessionSelfRoutes(deps.services));
  app.route('/', connectSessionEventRoutes(deps.services));
  app.route('/', hostedConnectRoutes());
  app.route('/', dashboardRoutes());
  app.route('/', authFlowRoutes(deps.services));
  app.route('/', appAuthRoutes(deps.services));
  app.route('/', operatorOidcRoutes(deps.services));
  app.route('/', connectionRoutes(deps.services));
  app.route('/', connectionAdminRoutes(deps.services));
  app.route('/', environmentRoutes(deps.services));
  app.route('/', logRoutes(deps.services));
  app.route('/', eventRoutes(deps.services));
  app.route('/', webhookRoutes(deps.services));
  app.route('/', proxyRoutes(deps.services, { bodyLimit: deps.bodyLimit }));
  app.route('/', notSupportedRoutes(deps.services));

  app.notFound((c) =>
    c.json(new LatchkeyError('route_not_found', `No endpoint ${c.req.method} ${c.req.path}.`).toBody(), 404),
  );
  app.onError(handleError);
  return app;
}
