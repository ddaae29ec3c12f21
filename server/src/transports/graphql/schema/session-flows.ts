/**
 * What a widget does with its connect session token: start an OAuth flow (the browser then goes to the returned URL)
 * or submit API key or basic credentials. The flows are REST's (`/oauth/connect`, `/api-auth/*`), with the session
 * token taken from the request's authentication instead of the query string.
 */
import { apiKeyAuthInputSchema, basicAuthInputSchema } from '@latchkey/schema';
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
        {},
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
      context.services.authFlows.connectApiKey(args.integration, flowQuery(context, args.connectionConfig), {
        apiKey: args.apiKey,
      }),
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
      context.services.authFlows.connectBasic(args.integration, flowQuery(context, args.connectionConfig), {
        username: args.username,
        password: args.password,
      }),
  }),
);
