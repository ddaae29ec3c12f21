/**
 * The whole HTTP surface of one instance: the REST transport at the root, with the typed transports mounted beside
 * it. Each transport is built from the same services and none calls another; this file only decides where each lives.
 */
import type { Hono } from 'hono';
import { GRAPHQL_PATH } from './graphql/graphql-app';
import { graphqlRoutes } from './graphql/graphql-routes';
import { createCors, REST_CORS } from './rest/middleware/cors';
import { bearerSubject } from './rest/middleware/cors-subjects';
import { createRestApp, type RestAppDeps } from './rest/rest-app';
import type { RestEnv } from './rest/rest-env';
import { TRPC_ENDPOINT, trpcRoutes } from './trpc/trpc-app';
import { createNangoFrontendSocket } from './websocket/nango-frontend-socket';
import type { WebSocketRoutes } from './websocket/websocket-routes';

export interface HttpAppDeps extends RestAppDeps {
  /** Transports that speak WebSocket register their upgrade handlers here; http-server.ts dispatches to them. */
  webSockets: WebSocketRoutes;
  /** Where the `@nangohq/frontend` WebSocket listens (`LATCHKEY_WEBSOCKET_PATH`). */
  websocketPath: string;
}

export function createHttpApp(deps: HttpAppDeps): Hono<RestEnv> {
  const app = createRestApp(deps);
  // The REST app answers preflights; a secret key or session token in Authorization earns its environment's grant.
  const grantToCaller = createCors(REST_CORS, {
    origins: deps.services.allowedOrigins,
    publicUrl: deps.services.operators.publicUrl,
  }).grant(bearerSubject(deps.services));
  app.use(GRAPHQL_PATH, grantToCaller);
  app.use(`${TRPC_ENDPOINT}/*`, grantToCaller);
  app.route('/', trpcRoutes(deps));
  app.route('/', graphqlRoutes(deps));
  const frontendSocket = createNangoFrontendSocket({
    flowResults: deps.services.flowResults,
    logger: deps.logger,
  });
  deps.webSockets.register(deps.websocketPath, frontendSocket.handleUpgrade, frontendSocket.close);
  return app;
}
