/**
 * What a widget does with its connect session token: start an OAuth flow (the browser then goes to the returned URL)
 * or submit API key or basic credentials. The flows are REST's (`/oauth/connect`, `/api-auth/*`), with the session
 * token taken from the request's authentication instead of the query string.
 */

import type { AuthMode } from '@latchkey/providers';
import { apiKeyAuthInputSchema, basicAuthInputSchema } from '@latchkey/schema';
import { parseDirectInput } from '../../../auth-flows/direct-flows';
import type { FlowQuery } from '../../../auth-flows/flow-request';
import { builder } from '../builder';
import { type GraphqlContext, sessionCaller } from '../graphql-context';
import { FLOW_ERRORS } from './errors';

const ConnectedPayload = builder
  .objectRef<{ providerConfigKey: string; connectionId: string }>('ConnectedPayload')
  .implement({
    fields: (t) => ({
      providerConfigKey: t.exposeString('providerConfigKey'),
      connectionId: t.exposeString('connectionId'),
    }),
  });

const OAuthFlowStart = builder.objectRef<{ url: URL }>('OAuthFlowStart').implement({
  fields: (t) => ({
    authorizationUrl: t.string({
      description:
        "The provider's authorization page; the flow ends at Latchkey's callback, then as an auth event.",
      resolve: (start) => start.url.href,
    }),
  }),
});

function flowQuery(context: GraphqlContext, connectionConfig: unknown): FlowQuery {
  return {
    connect_session_token: sessionCaller(context.caller).token,
    ...(connectionConfig == null ? {} : { params: connectionConfig as Record<string, unknown> }),
  };
}

const connectionConfigDescription =
  'Connection configuration values by field name (see `ConnectIntegration`).';

builder.mutationField('startOAuthFlow', (t) =>
  t.field({
    type: OAuthFlowStart,
    authScopes: { connectSession: true },
    errors: { types: FLOW_ERRORS },
    args: {
      integration: t.arg.string({ required: true }),
      connectionConfig: t.arg({ type: 'JSON', required: false, description: connectionConfigDescription }),
    },
    resolve: async (_root, args, context) => ({
      url: await context.services.authFlows.startRedirectFlow(
        args.integration,
        flowQuery(context, args.connectionConfig),
        { browser: sessionCaller(context.caller).browser },
      ),
    }),
  }),
);

builder.mutationField('connectWithApiKey', (t) =>
  t.field({
    type: ConnectedPayload,
    authScopes: { connectSession: true },
    description: 'Checks the key with the provider where it can, then saves the connection.',
    errors: { types: FLOW_ERRORS },
    args: {
      integration: t.arg.string({ required: true }),
      apiKey: t.arg.string({ required: true }).validate(apiKeyAuthInputSchema.shape.apiKey),
      connectionConfig: t.arg({ type: 'JSON', required: false, description: connectionConfigDescription }),
    },
    resolve: (_root, args, context) =>
      context.services.authFlows.connectApiKey(
        args.integration,
        flowQuery(context, args.connectionConfig),
        { apiKey: args.apiKey },
        sessionCaller(context.caller).browser,
      ),
  }),
);

builder.mutationField('connectWithBasic', (t) =>
  t.field({
    type: ConnectedPayload,
    authScopes: { connectSession: true },
    description:
      'Checks the username and password with the provider where it can, then saves the connection.',
    errors: { types: FLOW_ERRORS },
    args: {
      integration: t.arg.string({ required: true }),
      username: t.arg.string({ required: true }).validate(basicAuthInputSchema.shape.username),
      password: t.arg.string({ required: true }).validate(basicAuthInputSchema.shape.password),
      connectionConfig: t.arg({ type: 'JSON', required: false, description: connectionConfigDescription }),
    },
    resolve: (_root, args, context) =>
      context.services.authFlows.connectBasic(
        args.integration,
        flowQuery(context, args.connectionConfig),
        { username: args.username, password: args.password },
        sessionCaller(context.caller).browser,
      ),
  }),
);

builder.mutationField('connectWithCredentials', (t) =>
  t.field({
    type: ConnectedPayload,
    authScopes: { connectSession: true },
    description:
      'Any auth mode that completes in one request (API_KEY, BASIC, OAUTH2_CC, TWO_STEP, JWT, SIGNATURE, BILL, TBA, ' +
      'AWS_SIGV4, NONE): `credentials` is the body Nango’s endpoint for that mode takes. The provider checks them ' +
      'where it can before the connection is saved.',
    errors: { types: FLOW_ERRORS },
    args: {
      integration: t.arg.string({ required: true }),
      authMode: t.arg.string({ required: true, description: 'The integration’s auth mode, e.g. TWO_STEP.' }),
      credentials: t.arg({ type: 'JSON', required: false }),
      connectionConfig: t.arg({ type: 'JSON', required: false, description: connectionConfigDescription }),
    },
    resolve: (_root, args, context) =>
      context.services.authFlows.connectDirect(
        args.authMode as AuthMode,
        args.integration,
        flowQuery(context, args.connectionConfig),
        parseDirectInput(args.authMode, args.credentials ?? undefined),
        sessionCaller(context.caller).browser,
      ),
  }),
);
