/**
 * Operation logs of auth flows (a list, keyset pages with filters, one with its messages, and live over SSE) and the
 * webhook delivery log, with replay.
 */
import {
  idInputSchema,
  listOperationLogsInputSchema,
  listWebhookDeliveriesInputSchema,
  liveOperationsInputSchema,
  operationLogSchema,
  operationPageInputSchema,
  operationPageSchema,
  webhookDeliveryDetailSchema,
  webhookDeliverySchema,
} from '@latchkey/schema';
import { tracked } from '@trpc/server';
import { z } from 'zod';
import { router, secretKeyProcedure } from '../trpc';

export const logsRouter = router({
  list: secretKeyProcedure
    .input(listOperationLogsInputSchema.optional())
    .output(z.array(operationLogSchema))
    .query(({ ctx, input }) =>
      ctx.services.logs.list(ctx.auth, {
        connectionId: input?.connectionId,
        integrationKey: input?.integration,
        limit: input?.limit,
      }),
    ),
  /** Newest first; pass `nextCursor` back as `cursor` for the next page. */
  page: secretKeyProcedure
    .input(operationPageInputSchema)
    .output(operationPageSchema)
    .query(({ ctx, input }) =>
      ctx.services.logs.page(ctx.auth, {
        kind: input.kind,
        action: input.action,
        status: input.status,
        integrationKey: input.integration,
        connectionId: input.connectionId,
        from: input.from === undefined ? undefined : new Date(input.from),
        to: input.to === undefined ? undefined : new Date(input.to),
        cursor: input.cursor,
        limit: input.limit,
      }),
    ),
  get: secretKeyProcedure
    .input(idInputSchema)
    .output(operationLogSchema)
    .query(({ ctx, input }) => ctx.services.logs.get(ctx.auth, input.id)),
  /**
   * Operations as they start and end (one event each time), `tracked` by an id that carries the change time: a client
   * that reconnects resumes after the last one it saw.
   */
  live: secretKeyProcedure.input(liveOperationsInputSchema).subscription(async ({ ctx, input, signal }) => {
    // Resolved before the stream opens, so a missing scope is an ordinary error response.
    const events = await ctx.services.logs.live(ctx.auth, { lastEventId: input?.lastEventId, signal });
    return (async function* () {
      for await (const event of events) yield tracked(event.id, event.operation);
    })();
  }),
});

export const webhooksRouter = router({
  deliveries: secretKeyProcedure
    .input(listWebhookDeliveriesInputSchema.optional())
    .output(z.array(webhookDeliverySchema))
    .query(({ ctx, input }) =>
      ctx.services.webhookDeliveries.list(ctx.auth, {
        status: input?.status,
        connectionId: input?.connectionId,
        limit: input?.limit,
      }),
    ),
  /** One delivery with every attempt and its body. */
  get: secretKeyProcedure
    .input(idInputSchema)
    .output(webhookDeliveryDetailSchema)
    .query(({ ctx, input }) => ctx.services.webhookDeliveries.get(ctx.auth, input.id)),
  /** Queues the same event to the same URL again; answers the new delivery, pending. */
  replay: secretKeyProcedure
    .input(z.object({ deliveryId: z.uuid() }).strict())
    .output(webhookDeliverySchema)
    .mutation(({ ctx, input }) => ctx.services.webhookDeliveries.replay(ctx.auth, input.deliveryId)),
});
