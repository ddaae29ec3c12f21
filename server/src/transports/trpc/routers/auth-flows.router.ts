/**
 * Flows a widget starts with its connect session token: an OAuth authorization URL to open, or API key and basic
 * credentials submitted directly. The flow services are REST's; the token travels as REST's flow query carries it.
 */

import type { AuthMode } from '@latchkey/providers';
import {
  apiKeyFlowInputSchema,
  authSuccessSchema,
  basicFlowInputSchema,
  credentialsFlowInputSchema,
  startedOAuthFlowSchema,
  startOAuthFlowInputSchema,
} from '@latchkey/schema';
import { parseDirectInput } from '../../../auth-flows/direct-flows';
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
        {
          openerOrigin: input.openerOrigin === undefined ? undefined : new URL(input.openerOrigin).origin,
          browser: ctx.browser,
        },
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
        ctx.browser,
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
        ctx.browser,
      ),
    ),
  /** Every one-request mode, with the credentials Nango's endpoint for that mode takes. */
  submitCredentials: sessionProcedure
    .input(credentialsFlowInputSchema)
    .output(authSuccessSchema)
    .mutation(({ ctx, input }) =>
      ctx.services.authFlows.connectDirect(
        input.authMode as AuthMode,
        input.integration,
        { connect_session_token: ctx.sessionToken, params: input.params },
        parseDirectInput(input.authMode, input.credentials),
        ctx.browser,
      ),
    ),
});
