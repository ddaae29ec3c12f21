/**
 * Dashboard sign-in (`auth`) and the signed-in operator's own account (`account`). These set and clear the session
 * cookie; `auth.status`, `auth.setup`, `auth.signIn` and the invitation procedures need no caller.
 */
import {
  AuthenticationError,
  acceptInvitationInput,
  authStatusSchema,
  changePasswordInput,
  invitationSchema,
  invitationTokenInput,
  passwordConfirmInput,
  setupInput,
  signInInput,
  totpConfirmInput,
  verifyTwoFactorInput,
} from '@latchkey/schema';
import { z } from 'zod';
import { operatorProcedure, publicProcedure, router } from '../trpc';

const ok = z.object({ ok: z.literal(true) });
const recoveryCodes = z.object({ recoveryCodes: z.array(z.string()) });

/** The cookie's operator, two-factor done; an operator the instance requires to enrol may still reach enrolment. */
const enrollingOperatorProcedure = publicProcedure.use(async ({ ctx, next }) => {
  const caller = await ctx.resolveOperatorCaller();
  if (caller.restriction === 'two_factor_pending') throw new AuthenticationError('two_factor_required');
  return next({ ctx: { caller } });
});

/** The cookie's operator at any step of signing in (to enter the second factor, or sign out). */
const signingInProcedure = publicProcedure.use(async ({ ctx, next }) =>
  next({ ctx: { caller: await ctx.resolveOperatorCaller() } }),
);

export const operatorAuthRouter = router({
  status: publicProcedure
    .output(authStatusSchema)
    .query(async ({ ctx }) => ctx.services.operators.status(await ctx.resolveSession())),

  setup: publicProcedure
    .input(setupInput)
    .output(ok)
    .mutation(async ({ ctx, input }) => {
      ctx.setSessionCookie(await ctx.services.operators.setup(input, ctx.origin));
      return { ok: true as const };
    }),

  signIn: publicProcedure
    .input(signInInput)
    .output(z.object({ twoFactorPending: z.boolean() }))
    .mutation(async ({ ctx, input }) => {
      const { session, twoFactorPending } = await ctx.services.operators.signIn(input, ctx.origin);
      ctx.setSessionCookie(session);
      return { twoFactorPending };
    }),

  verifyTwoFactor: signingInProcedure
    .input(verifyTwoFactorInput)
    .output(ok)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.operators.verifyTwoFactor(ctx.caller.session, input.code, ctx.origin);
      return { ok: true as const };
    }),

  signOut: publicProcedure.output(ok).mutation(async ({ ctx }) => {
    const session = await ctx.resolveSession();
    if (session !== null) await ctx.services.operators.signOut(session, ctx.origin);
    ctx.clearSessionCookie();
    return { ok: true as const };
  }),

  invitation: publicProcedure
    .input(invitationTokenInput)
    .output(invitationSchema)
    .query(({ ctx, input }) => ctx.services.operators.invitation(input.token)),

  acceptInvitation: publicProcedure
    .input(acceptInvitationInput)
    .output(ok)
    .mutation(async ({ ctx, input }) => {
      ctx.setSessionCookie(await ctx.services.operators.acceptInvitation(input, ctx.origin));
      return { ok: true as const };
    }),
});

export const accountRouter = router({
  changePassword: operatorProcedure
    .input(changePasswordInput)
    .output(ok)
    .mutation(async ({ ctx, input }) => {
      ctx.setSessionCookie(await ctx.services.operators.changePassword(ctx.operator.id, input, ctx.origin));
      return { ok: true as const };
    }),

  totpBegin: enrollingOperatorProcedure
    .output(z.object({ secret: z.string(), uri: z.string() }))
    .mutation(({ ctx }) => ctx.services.operators.totpBegin(ctx.caller.operator.id)),

  totpConfirm: enrollingOperatorProcedure
    .input(totpConfirmInput)
    .output(recoveryCodes)
    .mutation(({ ctx, input }) => ctx.services.operators.totpConfirm(ctx.caller.operator.id, input.code)),

  totpDisable: operatorProcedure
    .input(passwordConfirmInput)
    .output(ok)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.operators.totpDisable(ctx.operator.id, input.password);
      return { ok: true as const };
    }),

  regenerateRecoveryCodes: operatorProcedure
    .input(passwordConfirmInput)
    .output(recoveryCodes)
    .mutation(({ ctx, input }) =>
      ctx.services.operators.regenerateRecoveryCodes(ctx.operator.id, input.password),
    ),
});
