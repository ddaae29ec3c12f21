/** Operation logs of auth flows and the webhook delivery log, with replay. */
import {
  listOperationLogsInputSchema,
  listWebhookDeliveriesInputSchema,
  operationLogSchema,
  webhookDeliverySchema,
} from '@latchkey/schema';
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
  /** Queues the same event to the same URL again; answers the new delivery, pending. */
  replay: secretKeyProcedure
    .input(z.object({ deliveryId: z.uuid() }).strict())
    .output(webhookDeliverySchema)
    .mutation(({ ctx, input }) => ctx.services.webhookDeliveries.replay(ctx.auth, input.deliveryId)),
});
