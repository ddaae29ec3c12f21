/** The environment switcher: every environment (an operator's view), and a new one with its first secret key. */
import {
  createdEnvironmentSchema,
  createEnvironmentInputSchema,
  environmentSummarySchema,
} from '@latchkey/schema';
import { z } from 'zod';
import type { Environment } from '../../../environments/environment.service';
import { adminProcedure, router, secretKeyProcedure } from '../trpc';

const summary = (environment: Environment) => ({
  id: environment.id,
  name: environment.name,
  createdAt: environment.createdAt.toISOString(),
});

export const environmentsRouter = router({
  list: secretKeyProcedure
    .output(z.array(environmentSummarySchema))
    .query(async ({ ctx }) => (await ctx.services.environmentAdmin.list(ctx.auth)).map(summary)),
  /** Admins only (by role); the secret key is in this answer only. */
  create: adminProcedure
    .input(createEnvironmentInputSchema)
    .output(createdEnvironmentSchema)
    .mutation(async ({ ctx, input }) => {
      const created = await ctx.services.environmentAdmin.create(ctx.auth, input.name);
      return { environment: summary(created.environment), secretKey: created.secretKey };
    }),
});
