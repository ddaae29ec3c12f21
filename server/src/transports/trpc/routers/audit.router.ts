/** The audit log, filtered and paged, and the same filter as a CSV download (scope `environment:audit:read`). */
import { type AuditFilterInput, auditEntrySchema, auditFilterInput } from '@latchkey/schema';
import { z } from 'zod';
import type { AuditFilter } from '../../../audit/audit.service';
import { requireScope } from '../../../auth/auth-context';
import type { Services } from '../../../services';
import { operatorProcedure, router } from '../trpc';

async function toFilter(services: Services, input: AuditFilterInput | undefined): Promise<AuditFilter> {
  const environment = input?.environment;
  return {
    environmentId:
      environment === undefined || environment === null
        ? environment
        : (await services.environments.getByName(environment)).id,
    action: input?.action,
    actorId: input?.actorId,
    from: input?.from,
    to: input?.to,
    cursor: input?.cursor,
    limit: input?.limit,
  };
}

const auditProcedure = operatorProcedure.use(async ({ ctx, next }) => {
  requireScope(ctx.auth, 'environment:audit:read');
  return next();
});

export const auditRouter = router({
  list: auditProcedure
    .input(auditFilterInput.optional())
    .output(z.object({ items: z.array(auditEntrySchema), nextCursor: z.string().nullable() }))
    .query(async ({ ctx, input }) => ctx.services.audit.list(await toFilter(ctx.services, input))),

  exportCsv: auditProcedure
    .input(auditFilterInput.omit({ cursor: true, limit: true }).optional())
    .output(z.object({ filename: z.string(), csv: z.string() }))
    .mutation(async ({ ctx, input }) => {
      const csv = await ctx.services.audit.exportCsv(await toFilter(ctx.services, input));
      return { filename: `latchkey-audit-${new Date().toISOString().slice(0, 10)}.csv`, csv };
    }),
});
