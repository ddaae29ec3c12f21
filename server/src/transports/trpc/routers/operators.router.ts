/** Team management (`operators`) and instance-wide settings (`instance`): admins only, except reading settings. */
import {
  instanceSettingsInput,
  instanceSettingsSchema,
  invitationLinkSchema,
  inviteInput,
  operatorIdInput,
  operatorListItemSchema,
  pendingInvitationSchema,
  setRoleInput,
} from '@latchkey/schema';
import { z } from 'zod';
import { adminProcedure, operatorProcedure, router } from '../trpc';

const ok = z.object({ ok: z.literal(true) });

export const operatorsRouter = router({
  list: adminProcedure
    .output(z.array(operatorListItemSchema))
    .query(({ ctx }) => ctx.services.operators.list()),

  /** The invitation link is in this answer only. */
  invite: adminProcedure
    .input(inviteInput)
    .output(invitationLinkSchema)
    .mutation(({ ctx, input }) => ctx.services.operators.invite(ctx.auth, input)),

  invitations: adminProcedure
    .output(z.array(pendingInvitationSchema))
    .query(({ ctx }) => ctx.services.operators.invitations()),

  revokeInvitation: adminProcedure
    .input(operatorIdInput)
    .output(ok)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.operators.revokeInvitation(ctx.auth, input.id);
      return { ok: true as const };
    }),

  setRole: adminProcedure
    .input(setRoleInput)
    .output(ok)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.operators.setRole(ctx.auth, input.id, input.role);
      return { ok: true as const };
    }),

  remove: adminProcedure
    .input(operatorIdInput)
    .output(ok)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.operators.remove(ctx.auth, input.id);
      return { ok: true as const };
    }),
});

export const instanceRouter = router({
  get: operatorProcedure
    .output(instanceSettingsSchema)
    .query(({ ctx }) => ctx.services.operators.instanceSettings()),
  update: adminProcedure
    .input(instanceSettingsInput)
    .output(instanceSettingsSchema)
    .mutation(({ ctx, input }) => ctx.services.operators.updateInstanceSettings(ctx.auth, input)),
});
