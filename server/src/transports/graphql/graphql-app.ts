/**
 * The GraphQL transport at `/graphql` (Yoga): queries and mutations over HTTP, subscriptions over Server-Sent Events
 * (Yoga's default) here and over graphql-ws on the same path (graphql-ws.ts). Every request is authenticated before
 * it executes; GraphiQL is served only in development.
 */
import type { IncomingMessage } from 'node:http';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { Logger } from '../../platform/logging/logger';
import type { Services } from '../../services';
import { type GraphqlCaller, type GraphqlContext, resolveRequestCaller } from './graphql-context';
import { createErrorMasker } from './graphql-errors';
import { queryLimitsPlugin } from './query-limits';
import { graphqlSchema } from './schema';
import { storableInputPlugin } from './storable-input';

export const GRAPHQL_PATH = '/graphql';

/** What the server hands Yoga: nothing over HTTP (the request is enough); over graphql-ws, the socket's caller. */
export interface GraphqlServerContext {
  caller?: GraphqlCaller;
  req?: IncomingMessage;
}

export type GraphqlApp = YogaServerInstance<GraphqlServerContext, GraphqlContext>;

export function createGraphqlApp(deps: {
  services: Services;
  logger: Logger;
  graphiql: boolean;
}): GraphqlApp {
  const logger = deps.logger.child({ transport: 'graphql' });
  return createYoga<GraphqlServerContext, GraphqlContext>({
    schema: graphqlSchema,
    graphqlEndpoint: GRAPHQL_PATH,
    graphiql: deps.graphiql,
    landingPage: false,
    // The REST app's CORS middleware already answers for every path, and http-app.ts limits the body size.
    cors: false,
    maxRequestBodySize: false,
    logging: {
      debug: () => {},
      info: () => {},
      warn: (...args: unknown[]) => logger.warn({ detail: args.map(String) }, 'graphql'),
      error: (...args: unknown[]) => logger.error({ detail: args.map(String) }, 'graphql'),
    },
    maskedErrors: { maskError: createErrorMasker(logger) },
    plugins: [queryLimitsPlugin(), storableInputPlugin()],
    context: async ({ caller, request, req }) => {
      // Over graphql-ws the socket authenticated once (graphql-ws.ts) and there is no fetch Request.
      const resolved =
        caller ??
        (await resolveRequestCaller(deps.services, request.headers, req?.socket.remoteAddress ?? null));
      return { services: deps.services, caller: resolved, auth: resolved.auth };
    },
  });
}
