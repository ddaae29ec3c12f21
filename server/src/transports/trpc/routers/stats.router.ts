/** The dashboard's home page: daily series (UTC) and what needs attention. */
import { homeStatsInputSchema, homeStatsSchema } from '@latchkey/schema';
import { router, secretKeyProcedure } from '../trpc';

export const statsRouter = router({
  home: secretKeyProcedure
    .input(homeStatsInputSchema)
    .output(homeStatsSchema)
    .query(({ ctx, input }) => ctx.services.stats.home(ctx.auth, { days: input.days })),
});
