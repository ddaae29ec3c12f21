/** The provider catalog with the environment's custom providers; definitions are checked by the service. */
import { providerNameSchema } from '@latchkey/providers';
import { listProvidersQuerySchema, providerOutputSchema } from '@latchkey/schema';
import { z } from 'zod';
import { authedProcedure, router, secretKeyProcedure } from '../trpc';

const definition = z.record(z.string(), z.unknown());
const success = z.object({ success: z.literal(true) });

export const providersRouter = router({
  list: authedProcedure
    .input(listProvidersQuerySchema.optional())
    .output(z.array(providerOutputSchema))
    .query(({ ctx, input }) => ctx.services.providers.list(ctx.auth, input?.search)),
  get: authedProcedure
    .input(z.object({ name: z.string().min(1).max(255) }).strict())
    .output(providerOutputSchema)
    .query(({ ctx, input }) => ctx.services.providers.get(ctx.auth, input.name)),
  create: secretKeyProcedure
    .input(definition)
    .output(providerOutputSchema)
    .mutation(({ ctx, input }) => ctx.services.providers.createCustom(ctx.auth, input)),
  update: secretKeyProcedure
    .input(z.object({ name: providerNameSchema, patch: definition }).strict())
    .output(providerOutputSchema)
    .mutation(({ ctx, input }) => ctx.services.providers.updateCustom(ctx.auth, input.name, input.patch)),
  delete: secretKeyProcedure
    .input(z.object({ name: providerNameSchema }).strict())
    .output(success)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.providers.deleteCustom(ctx.auth, input.name);
      return { success: true as const };
    }),
});
