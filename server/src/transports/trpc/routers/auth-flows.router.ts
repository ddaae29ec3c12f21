/**
 * Flows a widget starts with its connect session token: an OAuth authorization URL to open, or API key and basic
 * credentials submitted directly. The flow services are REST's; the token travels as REST's flow query carries it.
 */
import {
  apiKeyFlowInputSchema,
  authSuccessSchema,
  basicFlowInputSchema,
  startedOAuthFlowSchema,
  startOAuthFlowInputSchema,
} from '@latchkey/schema';
import { router, sessionProcedure } from '../trpc';

export const authFlowsRouter = router({
  startOAuth: sessionProcedure
    .input(startOAuthFlowInputSchema)
    .output(startedOAuthFlowSchema)
    .mutation(async ({ ctx, input }) => {
      const url = await ctx.services.authFlows.startRedirectFlow(
        input.integration,
        {
          connect_session_token: ctx.sessionToken,
          params: input.params,
          authorization_params: input.authorizationParams,
          user_scope: input.userScope,
        },
        { openerOrigin: input.openerOrigin === undefined ? undefined : new URL(input.openerOrigin).origin },
      );
      return { url: url.href };
    }),
  submitApiKey: sessionProcedure
    .input(apiKeyFlowInputSchema)
    .output(authSuccessSchema)
    .mutation(({ ctx, input }) =>
      ctx.services.authFlows.connectApiKey(
        input.integration,
        { connect_session_token: ctx.sessionToken, params: input.params },
        { apiKey: input.apiKey },
      ),
    ),
  submitBasic: sessionProcedure
    .input(basicFlowInputSchema)
    .output(authSuccessSchema)
    .mutation(({ ctx, input }) =>
      ctx.services.authFlows.connectBasic(
        input.integration,
        { connect_session_token: ctx.sessionToken, params: input.params },
        { username: input.username, password: input.password },
      ),
    ),
});
