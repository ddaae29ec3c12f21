/** Integrations CRUD. A connect session token may read the integrations its session allows, as in REST. */
import {
  createIntegrationInputSchema,
  INTEGRATION_INCLUDES,
  integrationSchema,
  uniqueKeySchema,
  updateIntegrationInputSchema,
} from '@latchkey/schema';
import { z } from 'zod';
import { authedProcedure, router, secretKeyProcedure } from '../trpc';

const success = z.object({ success: z.literal(true) });

export const integrationsRouter = router({
  list: authedProcedure
    .output(z.array(integrationSchema))
    .query(({ ctx }) => ctx.services.integrations.list(ctx.auth)),
  get: authedProcedure
    .input(
      z
        .object({
          uniqueKey: uniqueKeySchema,
          include: z.array(z.enum(INTEGRATION_INCLUDES)).max(2).optional(),
        })
        .strict(),
    )
    .output(integrationSchema)
    .query(({ ctx, input }) => ctx.services.integrations.get(ctx.auth, input.uniqueKey, input.include)),
  create: secretKeyProcedure
    .input(createIntegrationInputSchema)
    .output(integrationSchema)
    .mutation(({ ctx, input }) => ctx.services.integrations.create(ctx.auth, input)),
  update: secretKeyProcedure
    .input(z.object({ uniqueKey: uniqueKeySchema, patch: updateIntegrationInputSchema }).strict())
    .output(integrationSchema)
    .mutation(({ ctx, input }) => ctx.services.integrations.update(ctx.auth, input.uniqueKey, input.patch)),
  delete: secretKeyProcedure
    .input(z.object({ uniqueKey: uniqueKeySchema }).strict())
    .output(success)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.integrations.delete(ctx.auth, input.uniqueKey);
      return { success: true as const };
    }),
});
