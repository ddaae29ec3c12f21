/** The caller's environment settings, the webhook signing key's rotation included. */
import { z } from 'zod';
import { updateEnvironmentSettingsSchema } from '../../../environments/environment-settings.service';
import { router, secretKeyProcedure } from '../trpc';

const getInput = z
  .object({
    include: z
      .array(z.enum(['hmac_key', 'webhook_signing_key']))
      .max(2)
      .optional(),
  })
  .strict()
  .optional();

export const environmentRouter = router({
  get: secretKeyProcedure.input(getInput).query(({ ctx, input }) =>
    ctx.services.environmentSettings.get(ctx.auth, {
      includeHmacKey: input?.include?.includes('hmac_key') ?? false,
      includeWebhookSigningKey: input?.include?.includes('webhook_signing_key') ?? false,
    }),
  ),
  update: secretKeyProcedure
    .input(updateEnvironmentSettingsSchema)
    .mutation(({ ctx, input }) => ctx.services.environmentSettings.update(ctx.auth, input)),
  rotateWebhookSigningKey: secretKeyProcedure.mutation(({ ctx }) =>
    ctx.services.environmentSettings.rotateWebhookSigningKey(ctx.auth),
  ),
});
