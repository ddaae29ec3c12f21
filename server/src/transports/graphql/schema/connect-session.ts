/**
 * Connect sessions: created by an app's backend with a secret key; read by the widget with the session token itself
 * (`Query.connectSession`: the end user and, per allowed integration, the form fields to ask for).
 */
import { createConnectSessionInputSchema, createReconnectSessionInputSchema } from '@latchkey/schema';
import { z } from 'zod';
import type { CreatedConnectSession } from '../../../connect-sessions/connect-session.service';
import type { ConnectUiIntegration, ConnectUiService } from '../../../connect-sessions/connect-ui.service';
import { builder } from '../builder';
import { sessionCaller } from '../graphql-context';
import { EndUser } from './connection';
import { restEndUser } from './connection-mutations';
import { WRITE_ERRORS } from './errors';
import { givenValues } from './input-values';

const ConnectSessionToken = builder.objectRef<CreatedConnectSession>('ConnectSessionToken').implement({
  fields: (t) => ({
    token: t.exposeString('token', {
      description: 'Shown once; valid for any number of flows until it expires.',
    }),
    connectLink: t.exposeString('connect_link'),
    expiresAt: t.exposeString('expires_at'),
  }),
});

const ConnectSessionBinding = builder.enumType('ConnectSessionBinding', {
  values: {
    BROWSER: {
      description:
        'Bound to the first browser that uses the session token; any other browser is refused, so a forwarded ' +
        'connect link cannot attach someone else’s account.',
    },
  } as const,
});

const ConnectSessionEndUserInput = builder.inputType('ConnectSessionEndUserInput', {
  description: 'The end user of a connect session; `binding` left out: unbound.',
  fields: (t) => ({
    id: t.string({ required: true }),
    email: t.string(),
    displayName: t.string(),
    tags: t.field({ type: 'JSON' }),
    binding: t.field({ type: ConnectSessionBinding }),
  }),
});

const OrganizationInput = builder.inputType('OrganizationInput', {
  fields: (t) => ({ id: t.string({ required: true }), displayName: t.string() }),
});

const CreateConnectSessionInput = builder.inputType('CreateConnectSessionInput', {
  description: 'As the body of POST /connect/sessions; `endUser` is required unless `tags` are given.',
  fields: (t) => ({
    endUser: t.field({ type: ConnectSessionEndUserInput }),
    organization: t.field({ type: OrganizationInput }),
    allowedIntegrations: t.stringList(),
    integrationsConfigDefaults: t.field({ type: 'JSON' }),
    webhookUrlOverride: t.string(),
    tags: t.field({ type: 'JSON' }),
  }),
});

const CreateReconnectSessionInput = builder.inputType('CreateReconnectSessionInput', {
  description: 'As the body of POST /connect/sessions/reconnect.',
  fields: (t) => ({
    connectionId: t.string({ required: true }),
    integrationId: t.string({ required: true }),
    endUser: t.field({ type: ConnectSessionEndUserInput }),
    organization: t.field({ type: OrganizationInput }),
    integrationsConfigDefaults: t.field({ type: 'JSON' }),
    webhookUrlOverride: t.string(),
    tags: t.field({ type: 'JSON' }),
  }),
});

type SessionInput = {
  endUser?: typeof ConnectSessionEndUserInput.$inferInput | null;
  organization?: typeof OrganizationInput.$inferInput | null;
  integrationsConfigDefaults?: unknown;
  webhookUrlOverride?: string | null;
  tags?: unknown;
};

function restSessionFields(input: SessionInput) {
  return givenValues({
    end_user:
      input.endUser == null
        ? undefined
        : givenValues({
            ...restEndUser(input.endUser),
            binding: input.endUser.binding === 'BROWSER' ? 'browser' : undefined,
          }),
    organization:
      input.organization == null
        ? undefined
        : givenValues({ id: input.organization.id, display_name: input.organization.displayName }),
    integrations_config_defaults: input.integrationsConfigDefaults,
    webhook_url_override: input.webhookUrlOverride,
    tags: input.tags,
  });
}

const createSchema = z
  .custom<typeof CreateConnectSessionInput.$inferInput>()
  .transform((input) => ({
    ...restSessionFields(input),
    ...givenValues({ allowed_integrations: input.allowedIntegrations }),
  }))
  .pipe(createConnectSessionInputSchema);

const reconnectSchema = z
  .custom<typeof CreateReconnectSessionInput.$inferInput>()
  .transform((input) => ({
    ...restSessionFields(input),
    connection_id: input.connectionId,
    integration_id: input.integrationId,
  }))
  .pipe(createReconnectSessionInputSchema);

builder.mutationField('createConnectSession', (t) =>
  t.field({
    type: ConnectSessionToken,
    authScopes: { secretKey: true },
    errors: { types: WRITE_ERRORS },
    args: { input: t.arg({ type: CreateConnectSessionInput, required: true }).validate(createSchema) },
    resolve: (_root, { input }, { services, auth }) => services.connectSessions.create(auth, input),
  }),
);

builder.mutationField('createReconnectSession', (t) =>
  t.field({
    type: ConnectSessionToken,
    authScopes: { secretKey: true },
    description:
      'A session pinned to one existing connection: flows started with it replace its credentials.',
    errors: { types: WRITE_ERRORS },
    args: { input: t.arg({ type: CreateReconnectSessionInput, required: true }).validate(reconnectSchema) },
    resolve: (_root, { input }, { services, auth }) => services.connectSessions.createReconnect(auth, input),
  }),
);

type SessionView = Awaited<ReturnType<ConnectUiService['describeSession']>>;

const ConnectUiIntegrationType = builder.objectRef<ConnectUiIntegration>('ConnectIntegration').implement({
  description: 'An integration the session allows, with what the widget must ask its user for.',
  fields: (t) => ({
    uniqueKey: t.exposeString('unique_key'),
    provider: t.exposeString('provider'),
    displayName: t.exposeString('display_name'),
    logo: t.exposeString('logo'),
    authMode: t.exposeString('auth_mode'),
    categories: t.exposeStringList('categories'),
    docsConnect: t.exposeString('docs_connect', { nullable: true }),
    connectionConfigFields: t.field({
      type: 'JSON',
      description:
        'Connection configuration fields by name (subdomain, region…), as the provider declares them.',
      resolve: (integration) => integration.connection_config,
    }),
    credentialFields: t.field({
      type: 'JSON',
      description: 'For API key and basic providers: the credential fields by name.',
      resolve: (integration) => integration.credentials,
    }),
  }),
});

const ConnectSessionView = builder.objectRef<SessionView>('ConnectSession').implement({
  fields: (t) => ({
    endUser: t.field({
      type: EndUser,
      nullable: true,
      resolve: (session) =>
        session.endUser === null
          ? null
          : {
              id: session.endUser.id,
              email: session.endUser.email ?? null,
              display_name: session.endUser.display_name ?? null,
              tags: session.endUser.tags ?? null,
              organization:
                session.endUser.organization == null
                  ? null
                  : {
                      id: session.endUser.organization.id,
                      display_name: session.endUser.organization.display_name ?? null,
                    },
            },
    }),
    allowedIntegrations: t.stringList({
      nullable: true,
      resolve: (session) => session.allowed_integrations ?? null,
    }),
    isReconnecting: t.boolean({ resolve: (session) => session.isReconnecting === true }),
    expiresAt: t.exposeString('expires_at'),
    integrations: t.field({ type: [ConnectUiIntegrationType], resolve: (session) => session.integrations }),
  }),
});

builder.queryField('connectSession', (t) =>
  t.field({
    type: ConnectSessionView,
    authScopes: { connectSession: true },
    description: 'The session of the connect session token that authenticated this request.',
    resolve: (_root, _args, { services, caller }) =>
      services.connectUi.describeSession(sessionCaller(caller).session),
  }),
);
