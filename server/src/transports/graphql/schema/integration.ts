/** Integrations: an environment's configured use of a provider. Inputs are checked with the REST body schemas. */
import {
  createIntegrationInputSchema,
  type INTEGRATION_INCLUDES,
  type Integration as IntegrationOutput,
  updateIntegrationInputSchema,
} from '@latchkey/schema';
import { z } from 'zod';
import { builder } from '../builder';
import { READ_ERRORS, WRITE_ERRORS } from './errors';
import { givenValues } from './input-values';
import { DeletedPayload } from './payloads';

export const Integration = builder.objectRef<IntegrationOutput>('Integration').implement({
  fields: (t) => ({
    uniqueKey: t.exposeString('unique_key'),
    provider: t.exposeString('provider'),
    displayName: t.exposeString('display_name'),
    logo: t.exposeString('logo'),
    forwardWebhooks: t.exposeBoolean('forward_webhooks'),
    createdAt: t.exposeString('created_at'),
    updatedAt: t.exposeString('updated_at'),
    webhookUrl: t.string({
      nullable: true,
      description: 'Only when asked for with `include: [WEBHOOK]`.',
      resolve: (integration) => integration.webhook_url ?? null,
    }),
    credentials: t.field({
      type: 'JSON',
      nullable: true,
      description:
        'Only when asked for with `include: [CREDENTIALS]` by a key that may read integration credentials.',
      resolve: (integration) => integration.credentials ?? null,
    }),
  }),
});

const IntegrationInclude = builder.enumType('IntegrationInclude', {
  values: ['WEBHOOK', 'CREDENTIALS'] as const,
});

const IntegrationCredentialsInput = builder.inputType('IntegrationCredentialsInput', {
  description:
    'OAUTH1/OAUTH2: clientId, clientSecret, scopes (comma-separated), webhookSecret. APP: appId, appLink, privateKey.',
  fields: (t) => ({
    type: t.string({ required: true }),
    clientId: t.string(),
    clientSecret: t.string(),
    scopes: t.string(),
    webhookSecret: t.string(),
    appId: t.string(),
    appLink: t.string(),
    privateKey: t.string(),
  }),
});

const CreateIntegrationInput = builder.inputType('CreateIntegrationInput', {
  fields: (t) => ({
    uniqueKey: t.string({ required: true }),
    provider: t.string({ required: true }),
    displayName: t.string(),
    credentials: t.field({ type: IntegrationCredentialsInput }),
    forwardWebhooks: t.boolean(),
    integrationConfig: t.field({ type: 'JSON' }),
    custom: t.field({ type: 'JSON' }),
  }),
});

const UpdateIntegrationInput = builder.inputType('UpdateIntegrationInput', {
  description: 'Fields left out keep their values; credential fields left out keep theirs.',
  fields: (t) => ({
    uniqueKey: t.string(),
    displayName: t.string(),
    credentials: t.field({ type: IntegrationCredentialsInput }),
    forwardWebhooks: t.boolean(),
    integrationConfig: t.field({ type: 'JSON' }),
    custom: t.field({ type: 'JSON' }),
  }),
});

type CredentialsInput = typeof IntegrationCredentialsInput.$inferInput;

function restCredentials(credentials: CredentialsInput | null | undefined) {
  if (credentials == null) return undefined;
  return givenValues({
    type: credentials.type,
    client_id: credentials.clientId,
    client_secret: credentials.clientSecret,
    scopes: credentials.scopes,
    webhook_secret: credentials.webhookSecret,
    app_id: credentials.appId,
    app_link: credentials.appLink,
    private_key: credentials.privateKey,
  });
}

/** The GraphQL input in REST's names, then REST's schema: one set of rules for both. */
const createInput = z
  .custom<typeof CreateIntegrationInput.$inferInput>()
  .transform((input) =>
    givenValues({
      unique_key: input.uniqueKey,
      provider: input.provider,
      display_name: input.displayName,
      credentials: restCredentials(input.credentials),
      forward_webhooks: input.forwardWebhooks,
      integration_config: input.integrationConfig,
      custom: input.custom,
    }),
  )
  .pipe(createIntegrationInputSchema);

const updateInput = z
  .custom<typeof UpdateIntegrationInput.$inferInput>()
  .transform((input) =>
    givenValues({
      unique_key: input.uniqueKey,
      display_name: input.displayName,
      credentials: restCredentials(input.credentials),
      forward_webhooks: input.forwardWebhooks,
      integration_config: input.integrationConfig,
      custom: input.custom,
    }),
  )
  .pipe(updateIntegrationInputSchema);

builder.queryField('integrations', (t) =>
  t.field({
    type: [Integration],
    authScopes: { secretKey: true, connectSession: true },
    description: "The environment's integrations (with a connect session token: those its session allows).",
    resolve: (_root, _args, { services, auth }) => services.integrations.list(auth),
  }),
);

builder.queryField('integration', (t) =>
  t.field({
    type: Integration,
    authScopes: { secretKey: true, connectSession: true },
    errors: { types: READ_ERRORS },
    args: {
      uniqueKey: t.arg.string({ required: true }),
      include: t.arg({ type: [IntegrationInclude], required: false }),
    },
    resolve: (_root, args, { services, auth }) =>
      services.integrations.get(
        auth,
        args.uniqueKey,
        (args.include ?? []).map((item) => item.toLowerCase() as (typeof INTEGRATION_INCLUDES)[number]),
      ),
  }),
);

builder.mutationField('createIntegration', (t) =>
  t.field({
    type: Integration,
    authScopes: { secretKey: true },
    errors: { types: WRITE_ERRORS },
    args: { input: t.arg({ type: CreateIntegrationInput, required: true }).validate(createInput) },
    resolve: (_root, { input }, { services, auth }) => services.integrations.create(auth, input),
  }),
);

builder.mutationField('updateIntegration', (t) =>
  t.field({
    type: Integration,
    authScopes: { secretKey: true },
    errors: { types: WRITE_ERRORS },
    args: {
      uniqueKey: t.arg.string({ required: true }),
      input: t.arg({ type: UpdateIntegrationInput, required: true }).validate(updateInput),
    },
    resolve: (_root, { uniqueKey, input }, { services, auth }) =>
      services.integrations.update(auth, uniqueKey, input),
  }),
);

builder.mutationField('deleteIntegration', (t) =>
  t.field({
    type: DeletedPayload,
    authScopes: { secretKey: true },
    errors: { types: WRITE_ERRORS },
    args: { uniqueKey: t.arg.string({ required: true }) },
    resolve: async (_root, { uniqueKey }, { services, auth }) => {
      await services.integrations.delete(auth, uniqueKey);
      return { success: true };
    },
  }),
);
