/**
 * Connect sessions: created by the app's backend with a secret key, then read by the widget with the session token
 * itself (its end user and the integrations it allows, with the form fields each needs).
 */
import {
  connectSessionCreatedSchema,
  createConnectSessionInputSchema,
  createReconnectSessionInputSchema,
} from '@latchkey/schema';
import { router, secretKeyProcedure, sessionProcedure } from '../trpc';

const created = connectSessionCreatedSchema.shape.data;

export const connectSessionsRouter = router({
  create: secretKeyProcedure
    .input(createConnectSessionInputSchema)
    .output(created)
    .mutation(({ ctx, input }) => ctx.services.connectSessions.create(ctx.auth, input)),
  createReconnect: secretKeyProcedure
    .input(createReconnectSessionInputSchema)
    .output(created)
    .mutation(({ ctx, input }) => ctx.services.connectSessions.createReconnect(ctx.auth, input)),
  current: sessionProcedure.query(({ ctx }) => ctx.services.connectUi.describeSession(ctx.session)),
  integrations: sessionProcedure.query(
    async ({ ctx }) => (await ctx.services.connectUi.describeSession(ctx.session)).integrations,
  ),
});
