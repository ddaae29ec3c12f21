/** The tRPC transport at `/trpc` (fetch adapter): batched queries and mutations, subscriptions over SSE. */
import { LatchkeyError } from '@latchkey/schema';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { refuseUnstorableStrings } from '../../platform/database/storable-strings';
import type { Logger } from '../../platform/logging/logger';
import type { Services } from '../../services';
import { clientAddress } from '../rest/client-address';
import type { RestEnv } from '../rest/rest-env';
import { appRouter } from './routers/app.router';
import { createTrpcContext } from './trpc-context';
import { latchkeyErrorOf, toTrpcError } from './trpc-errors';

export const TRPC_ENDPOINT = '/trpc';

export function createTrpcHandler(deps: { services: Services; logger: Logger }) {
  return (request: Request, log: Logger = deps.logger, ip: string | null = null): Promise<Response> =>
    fetchRequestHandler({
      endpoint: TRPC_ENDPOINT,
      req: request,
      router: appRouter,
      createContext: ({ resHeaders, info }) => {
        // Subscriptions name their environment here, which is looked up: refused like any other input.
        refuseUnstorableConnectionParams(info.connectionParams);
        return createTrpcContext(deps.services, log, request, {
          resHeaders,
          ip,
          // EventSource cannot send headers: subscriptions name their environment in tRPC's connection params.
          environment: info.connectionParams?.environment,
        });
      },
      onError: ({ error, path }) => {
        const problem = latchkeyErrorOf(error);
        if (problem.status >= 500) {
          log.error(
            { path, code: problem.code, internal: problem.internal, err: error.cause ?? error },
            'tRPC error',
          );
        }
      },
    });
}

function refuseUnstorableConnectionParams(params: unknown): void {
  try {
    refuseUnstorableStrings('invalid_query_params', params);
  } catch (error) {
    throw error instanceof LatchkeyError ? toTrpcError(error) : error;
  }
}

/** `/trpc/*` for the HTTP app, under the same body limit as REST; the REST middleware (request id, CORS) applies. */
export function trpcRoutes(deps: { services: Services; logger: Logger; bodyLimit: number }): Hono<RestEnv> {
  const handle = createTrpcHandler(deps);
  return new Hono<RestEnv>()
    .use(
      `${TRPC_ENDPOINT}/*`,
      bodyLimit({
        maxSize: deps.bodyLimit,
        onError: (c) => c.json(new LatchkeyError('payload_too_large').toBody(), 413),
      }),
    )
    .all(`${TRPC_ENDPOINT}/*`, async (c) => {
      const response = await handle(c.req.raw, c.get('log'), clientAddress(c));
      // Rebuilt through the context, as GraphQL's are, so the headers the REST middleware set (CORS, X-Request-Id)
      // go out with it; tRPC's Vary joins the middleware's instead of replacing it.
      const vary = response.headers.get('vary');
      if (vary !== null) {
        c.header('Vary', vary, { append: true });
        response.headers.delete('vary');
      }
      return c.newResponse(response.body, response);
    });
}
