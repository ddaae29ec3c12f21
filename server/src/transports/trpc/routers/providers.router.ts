/** The provider catalog with the environment's custom providers; definitions are checked by the service. */
import { providerNameSchema } from '@latchkey/providers';
import {
  listProvidersQuerySchema,
  providerOutputSchema,
  providersImportReportSchema,
} from '@latchkey/schema';
import { z } from 'zod';
import { readProvidersFile } from '../../../providers/providers-file-input';
import { authedProcedure, router, secretKeyProcedure } from '../trpc';

const definition = z.record(z.string(), z.unknown());
const success = z.object({ success: z.literal(true) });
/** A providers file as the dashboard reads it from disk: its text and whether it is YAML or JSON. */
const providersFile = z
  .object({ content: z.string(), format: z.enum(['yaml', 'json']), override: z.boolean().optional() })
  .strict();

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
  import: secretKeyProcedure
    .input(providersFile)
    .output(providersImportReportSchema)
    .mutation(({ ctx, input }) =>
      ctx.services.providers.importFile(ctx.auth, readProvidersFile(input.content, input.format), {
        override: input.override === true,
      }),
    ),
  delete: secretKeyProcedure
    .input(z.object({ name: providerNameSchema }).strict())
    .output(success)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.providers.deleteCustom(ctx.auth, input.name);
      return { success: true as const };
    }),
});
