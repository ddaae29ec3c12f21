/**
 * The caller's environment and its settings: public key and public-key flows, callback URL, frontend HMAC, webhooks
 * and their signing, and warnings about settings that weaken it.
 */
import type { EnvironmentWarning } from '@latchkey/schema';
import type { EnvironmentSettingsView } from '../../../environments/environment-settings.service';
import { builder } from '../builder';
import { InvalidInputProblem } from '../graphql-errors';
import { givenOrNull } from './input-values';

const EnvironmentWarningRef = builder.objectRef<EnvironmentWarning>('EnvironmentWarning').implement({
  description: 'A setting that weakens the environment.',
  fields: (t) => ({
    code: t.exposeString('code', { description: '`public_key_flows_without_hmac`' }),
    message: t.exposeString('message'),
  }),
});

const Environment = builder.objectRef<EnvironmentSettingsView>('Environment').implement({
  fields: (t) => ({
    name: t.exposeString('name'),
    publicKey: t.exposeString('public_key'),
    callbackUrl: t.exposeString('callback_url', { nullable: true }),
    publicKeyFlowsEnabled: t.exposeBoolean('public_key_flows_enabled', {
      description: 'Whether flows may start with the public key instead of a connect session.',
    }),
    hmacEnabled: t.exposeBoolean('hmac_enabled'),
    hmacKey: t.exposeString('hmac_key', {
      nullable: true,
      description: 'Only when asked for with `include: [HMAC_KEY]` and allowed to read settings.',
    }),
    webhookUrl: t.exposeString('webhook_url', { nullable: true }),
    webhookSecondaryUrl: t.exposeString('webhook_secondary_url', { nullable: true }),
    webhookOnAuthCreation: t.exposeBoolean('webhook_on_auth_creation'),
    webhookOnAuthRefreshError: t.exposeBoolean('webhook_on_auth_refresh_error'),
    webhookSigningKey: t.exposeString('webhook_signing_key', {
      nullable: true,
      description: 'Only when asked for with `include: [WEBHOOK_SIGNING_KEY]`.',
    }),
    legacyWebhookSignature: t.exposeBoolean('legacy_webhook_signature', {
      description: 'Whether webhooks also carry Nango’s legacy `X-Nango-Signature`.',
    }),
    warnings: t.field({
      type: [EnvironmentWarningRef],
      description: 'Empty unless a setting weakens the environment.',
      resolve: (environment) => environment.warnings,
    }),
  }),
});

const EnvironmentSecret = builder.enumType('EnvironmentSecret', {
  values: ['HMAC_KEY', 'WEBHOOK_SIGNING_KEY'] as const,
});

const EnvironmentSettingsInput = builder.inputType('EnvironmentSettingsInput', {
  description: 'Fields left out keep their values; null (or "") clears a URL.',
  fields: (t) => ({
    callbackUrl: t.string(),
    publicKeyFlowsEnabled: t.boolean({
      description: 'Let flows start with the public key; keep HMAC on unless you accept the warning.',
    }),
    hmacEnabled: t.boolean(),
    hmacKey: t.string({
      description: 'A key of your own (16 to 256 characters), or "rotate" for a random one.',
    }),
    webhookUrl: t.string(),
    webhookSecondaryUrl: t.string(),
    webhookOnAuthCreation: t.boolean(),
    webhookOnAuthRefreshError: t.boolean(),
    legacyWebhookSignature: t.boolean({
      description: 'Also send Nango’s `X-Nango-Signature` with webhooks.',
    }),
  }),
});

const SigningKey = builder
  .objectRef<{ webhook_signing_key: string }>('WebhookSigningKey')
  .implement({ fields: (t) => ({ webhookSigningKey: t.exposeString('webhook_signing_key') }) });

builder.queryField('environment', (t) =>
  t.field({
    type: Environment,
    authScopes: { secretKey: true },
    args: { include: t.arg({ type: [EnvironmentSecret], required: false }) },
    resolve: (_root, args, { services, auth }) =>
      services.environmentSettings.get(auth, {
        includeHmacKey: args.include?.includes('HMAC_KEY') ?? false,
        includeWebhookSigningKey: args.include?.includes('WEBHOOK_SIGNING_KEY') ?? false,
      }),
  }),
);

builder.mutationField('updateEnvironmentSettings', (t) =>
  t.field({
    type: Environment,
    authScopes: { secretKey: true },
    errors: { types: [InvalidInputProblem] },
    args: { input: t.arg({ type: EnvironmentSettingsInput, required: true }) },
    resolve: (_root, { input }, { services, auth }) =>
      // The service validates the settings (URL policy included) as it does for `PATCH /environment`.
      services.environmentSettings.update(
        auth,
        givenOrNull({
          callback_url: input.callbackUrl,
          public_key_flows_enabled: input.publicKeyFlowsEnabled,
          hmac_enabled: input.hmacEnabled,
          hmac_key: input.hmacKey,
          webhook_url: input.webhookUrl,
          webhook_secondary_url: input.webhookSecondaryUrl,
          webhook_on_auth_creation: input.webhookOnAuthCreation,
          webhook_on_auth_refresh_error: input.webhookOnAuthRefreshError,
          legacy_webhook_signature: input.legacyWebhookSignature,
        }),
      ),
  }),
);

builder.mutationField('rotateWebhookSigningKey', (t) =>
  t.field({
    type: SigningKey,
    authScopes: { secretKey: true },
    description: 'A new key signs every delivery from now on, retries included.',
    resolve: (_root, _args, { services, auth }) => services.environmentSettings.rotateWebhookSigningKey(auth),
  }),
);
