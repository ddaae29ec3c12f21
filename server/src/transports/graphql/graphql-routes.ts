/**
 * `/graphql` in the HTTP app: Yoga behind the REST middleware (request id, CORS, logging), and graphql-ws on the same
 * path through the upgrade router.
 */
import type { HttpBindings } from '@hono/node-server';
import { LatchkeyError } from '@latchkey/schema';
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Logger } from '../../platform/logging/logger';
import type { Services } from '../../services';
import type { RestEnv } from '../rest/rest-env';
import type { WebSocketRoutes } from '../websocket/websocket-routes';
import { createGraphqlApp, GRAPHQL_PATH } from './graphql-app';
import { createGraphqlWebSocket } from './graphql-ws';

export function graphqlRoutes(deps: {
  services: Services;
  logger: Logger;
  bodyLimit: number;
  webSockets: WebSocketRoutes;
}): Hono<RestEnv> {
  // GraphiQL in development only: it is an open page that runs whatever a visitor pastes with the key they give it.
  const yoga = createGraphqlApp({
    services: deps.services,
    logger: deps.logger,
    graphiql: process.env.NODE_ENV === 'development',
  });
  const socket = createGraphqlWebSocket({ yoga, services: deps.services, logger: deps.logger });
  deps.webSockets.register(GRAPHQL_PATH, socket.handleUpgrade, socket.close);

  // The body limit from Content-Length alone when there is one (Node has checked its syntax); only a chunked body is
  // counted as it streams. Yoga's own limit (off) and Hono's both build a fetch Request for every call to do it.
  const tooLarge = (c: Context<RestEnv>) => c.json(new LatchkeyError('payload_too_large').toBody(), 413);
  const countedLimit = bodyLimit({ maxSize: deps.bodyLimit, onError: tooLarge });

  return new Hono<RestEnv>()
    .use(GRAPHQL_PATH, async (c, next) => {
      if (c.req.method === 'GET') return next();
      const length = c.req.header('content-length');
      if (length === undefined || c.req.header('transfer-encoding') !== undefined)
        return countedLimit(c, next);
      return Number(length) > deps.bodyLimit ? tooLarge(c) : next();
    })
    .on(['GET', 'POST'], GRAPHQL_PATH, async (c) => {
      // Served from Node's own request when there is one: Yoga reads body and abort signal from it directly, where
      // a fetch Request built for it costs more than the whole GraphQL execution of a small query.
      const node = c.env as Partial<HttpBindings> | undefined;
      const response =
        node?.incoming !== undefined && node.outgoing !== undefined
          ? await yoga.handleNodeRequestAndResponse(node.incoming, node.outgoing)
          : await yoga.fetch(c.req.raw);
      // Rebuilt through the context, so the headers the REST middleware set (CORS, X-Request-Id) go out with it.
      // Only event streams stay streams: a buffered body is sent with its length in one write.
      const streaming = response.headers.get('content-type')?.startsWith('text/event-stream') === true;
      return c.newResponse(streaming ? response.body : await response.arrayBuffer(), response);
    });
}
