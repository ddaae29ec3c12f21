/** Secret keys of the caller's environment: list, create (the secret shown once) and revoke. */
import {
  apiKeySummarySchema,
  createApiKeyInputSchema,
  createdApiKeySchema,
  idInputSchema,
} from '@latchkey/schema';
import { z } from 'zod';
import { router, secretKeyProcedure } from '../trpc';

export const apiKeysRouter = router({
  list: secretKeyProcedure.output(z.array(apiKeySummarySchema)).query(async ({ ctx }) =>
    (await ctx.services.apiKeyAdmin.list(ctx.auth)).map((key) => ({
      ...key,
      createdAt: key.createdAt.toISOString(),
      revokedAt: key.revokedAt?.toISOString() ?? null,
    })),
  ),
  create: secretKeyProcedure
    .input(createApiKeyInputSchema)
    .output(createdApiKeySchema)
    .mutation(({ ctx, input }) => ctx.services.apiKeyAdmin.create(ctx.auth, input)),
  revoke: secretKeyProcedure
    .input(idInputSchema)
    .output(z.object({ success: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await ctx.services.apiKeyAdmin.revoke(ctx.auth, input.id);
      return { success: true as const };
    }),
});
