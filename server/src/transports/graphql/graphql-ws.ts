/**
 * GraphQL over WebSocket (the graphql-ws protocol) on `/graphql`, beside Yoga's SSE. The caller authenticates once
 * per socket, with `Authorization` on the upgrade request or, for browsers that cannot set headers, an
 * `authorization` connection parameter; an unknown caller's socket is closed with 4401. Operations then run through
 * Yoga's envelop (same schema, limits, masking and context) as HTTP requests do.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type DocumentNode, type ExecutionArgs, GraphQLError } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Logger } from '../../platform/logging/logger';
import type { Services } from '../../services';
import type { GraphqlApp } from './graphql-app';
import { type GraphqlCaller, resolveCaller } from './graphql-context';

/** Not in graphql-ws's table: the HTTP status, as a close code (its 4403 means "forbidden", not "who are you"). */
const UNAUTHENTICATED = 4401;
/** A connect session bound to another browser. */
const FORBIDDEN = 4403;

interface Envelope {
  execute: (args: ExecutionArgs) => unknown;
  subscribe: (args: ExecutionArgs) => unknown;
}

export function createGraphqlWebSocket(deps: { yoga: GraphqlApp; services: Services; logger: Logger }) {
  const wss = new WebSocketServer({ noServer: true });
  const callers = new WeakMap<object, GraphqlCaller>();
  useServer(
    {
      execute: (args) => (args.rootValue as Envelope).execute(args) as never,
      subscribe: (args) => (args.rootValue as Envelope).subscribe(args) as never,
      onConnect: async (ctx) => {
        const fromParams = ctx.connectionParams?.authorization;
        const header =
          ctx.extra.request.headers.authorization ??
          (typeof fromParams === 'string' ? fromParams : undefined);
        try {
          callers.set(ctx, await resolveCaller(deps.services, header, ctx.extra.request.headers.cookie));
          return true;
        } catch (error) {
          if (error instanceof GraphQLError && error.extensions.code === 'UNAUTHENTICATED') {
            ctx.extra.socket.close(UNAUTHENTICATED, error.message.slice(0, 120));
          } else if (error instanceof GraphQLError && error.extensions.code === 'FORBIDDEN') {
            ctx.extra.socket.close(FORBIDDEN, error.message.slice(0, 120));
          } else {
            deps.logger.error({ err: error }, 'graphql-ws authentication failed');
            ctx.extra.socket.close(1011, 'Internal error');
          }
          return false;
        }
      },
      onSubscribe: async (ctx, _id, payload) => {
        const { schema, execute, subscribe, contextFactory, parse, validate } = deps.yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          caller: callers.get(ctx),
          params: payload,
        });
        let document: DocumentNode;
        try {
          document = parse(payload.query);
        } catch (error) {
          // A syntax error is the client's, answered on its operation; anything else closes the socket.
          if (error instanceof GraphQLError) return [error];
          throw error;
        }
        const args: ExecutionArgs = {
          schema,
          operationName: payload.operationName,
          document,
          variableValues: payload.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe } satisfies Envelope,
        };
        const errors = validate(args.schema, args.document);
        return errors.length > 0 ? errors : args;
      },
    },
    wss,
  );

  return {
    handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer) {
      wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
    },
    close() {
      for (const client of wss.clients) client.close(1001, 'Going away');
    },
  };
}
