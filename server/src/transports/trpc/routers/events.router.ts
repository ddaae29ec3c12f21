/**
 * Live auth events over SSE: the environment's for a secret key, its own session's for a connect session token.
 * Each event is sent `tracked` with its id, so a client that reconnects sends the last id it saw (`lastEventId`) and
 * the stream resumes right after it: nothing missed, nothing twice.
 */
import { authEventsSubscriptionInputSchema } from '@latchkey/schema';
import { tracked } from '@trpc/server';
import { authEventStream } from '../../../events/auth-event-stream';
import { authedProcedure, router } from '../trpc';

export const eventsRouter = router({
  authEvents: authedProcedure
    .input(authEventsSubscriptionInputSchema.optional())
    .subscription(async ({ ctx, input, signal }) => {
      const { events } = ctx.services;
      const { caller } = ctx;
      const after = input?.lastEventId ?? input?.after;
      const options = { filter: input?.filter, signal };
      // The cursor is resolved before the stream opens, so a missing scope is an ordinary error response.
      const stream =
        caller.kind === 'connectSession'
          ? authEventStream((onEvent) => events.subscribeForSession(caller.session, after, onEvent), options)
          : await events
              .streamCursor(caller.auth, after)
              .then((cursor) =>
                authEventStream((onEvent) => events.subscribe(caller.auth, cursor, onEvent), options),
              );
      return (async function* () {
        for await (const event of stream) yield tracked(event.id, event);
      })();
    }),
});
