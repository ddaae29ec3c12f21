/**
 * The whole HTTP surface of one instance: the REST transport at the root, with the typed transports mounted beside
 * it. Each transport is built from the same services and none calls another; this file only decides where each lives.
 */
import type { Hono } from 'hono';
import { createRestApp, type RestAppDeps } from './rest/rest-app';
import type { RestEnv } from './rest/rest-env';
import type { WebSocketRoutes } from './websocket/websocket-routes';

export interface HttpAppDeps extends RestAppDeps {
  /** Transports that speak WebSocket register their upgrade handlers here; http-server.ts dispatches to them. */
  webSockets: WebSocketRoutes;
}

export function createHttpApp(deps: HttpAppDeps): Hono<RestEnv> {
  const app = createRestApp(deps);
  return app;
}
