/** Integration inputs and outputs, in the shapes of Nango's REST API (compat doc 2.1). */
import { z } from 'zod';
import { listParamSchema } from './query';

export const UNIQUE_KEY_PATTERN = /^[a-zA-Z0-9~:.@ _-]+$/;
export const uniqueKeySchema = z
  .string()
  .min(1)
  .max(255)
  .regex(UNIQUE_KEY_PATTERN, 'letters, digits, spaces and ~ : . @ _ - only');

export const SCOPES_LIST_PATTERN = /^[0-9a-zA-Z:/_.*-]+(,[0-9a-zA-Z:/_.*-]+)*$/;
/** Scopes travel as one comma-separated string; empty means none. */
export const scopesInputSchema = z
  .string()
  .max(4000)
  .refine((value) => value === '' || SCOPES_LIST_PATTERN.test(value), 'a comma-separated list of scopes')
  .transform((value) => (value === '' ? [] : value.split(',')));

const secretString = z.string().min(1).max(4096);

/** The app's own client: OAuth 1.0a / 2.0, and NetSuite TBA's consumer key and secret. */
export const oauthIntegrationCredentialsSchema = z
  .object({
    type: z.enum(['OAUTH1', 'OAUTH2', 'TBA']),
    client_id: z.string().min(1).max(1024),
    client_secret: secretString,
    scopes: scopesInputSchema.optional(),
    webhook_secret: secretString.optional(),
  })
  .strict();

export const appIntegrationCredentialsSchema = z
  .object({
    type: z.literal('APP'),
    app_id: z.string().min(1).max(255),
    app_link: z.string().url().max(2048),
    private_key: z.string().min(1).max(16384),
  })
  .strict();

/** CUSTOM (GitHub App with user OAuth): the app's OAuth client and the app itself. */
export const customIntegrationCredentialsSchema = z
  .object({
    type: z.literal('CUSTOM'),
    client_id: z.string().min(1).max(1024),
    client_secret: secretString,
    app_id: z.string().min(1).max(255),
    app_link: z.string().url().max(2048),
    private_key: z.string().min(1).max(16384),
    scopes: scopesInputSchema.optional(),
  })
  .strict();

export const integrationCredentialsInputSchema = z.discriminatedUnion('type', [
  oauthIntegrationCredentialsSchema,
  appIntegrationCredentialsSchema,
  customIntegrationCredentialsSchema,
]);
export type IntegrationCredentialsInput = z.infer<typeof integrationCredentialsInputSchema>;

const displayNameSchema = z.string().min(1).max(255);
const customSchema = z.record(z.string().max(255), z.string().max(16384));
const integrationConfigSchema = z.record(z.string().max(255), z.string().max(4096));

export const createIntegrationInputSchema = z
  .object({
    unique_key: uniqueKeySchema,
    provider: z.string().min(1).max(64),
    display_name: displayNameSchema.optional(),
    credentials: integrationCredentialsInputSchema.optional(),
    forward_webhooks: z.boolean().optional(),
    integration_config: integrationConfigSchema.optional(),
    custom: customSchema.optional(),
  })
  .strict();
export type CreateIntegrationInput = z.infer<typeof createIntegrationInputSchema>;

/** PATCH: every field optional; credentials fields may be partial and keep their stored values when omitted. */
export const updateIntegrationInputSchema = z
  .object({
    unique_key: uniqueKeySchema.optional(),
    display_name: displayNameSchema.optional(),
    credentials: z
      .discriminatedUnion('type', [
        oauthIntegrationCredentialsSchema.partial().required({ type: true }),
        appIntegrationCredentialsSchema.partial().required({ type: true }),
        customIntegrationCredentialsSchema.partial().required({ type: true }),
      ])
      .optional(),
    forward_webhooks: z.boolean().optional(),
    integration_config: integrationConfigSchema.optional(),
    custom: customSchema.optional(),
  })
  .strict();
export type UpdateIntegrationInput = z.infer<typeof updateIntegrationInputSchema>;

export const INTEGRATION_INCLUDES = ['webhook', 'credentials'] as const;
export type IntegrationInclude = (typeof INTEGRATION_INCLUDES)[number];

export const getIntegrationQuerySchema = z
  .object({ include: listParamSchema(INTEGRATION_INCLUDES).optional() })
  .strict();

export const integrationCredentialsOutputSchema = z.union([
  z.object({
    type: z.enum(['OAUTH1', 'OAUTH2', 'TBA']),
    client_id: z.string().nullable(),
    client_secret: z.string().nullable(),
    scopes: z.string().nullable(),
    webhook_secret: z.string().nullable(),
  }),
  z.object({ type: z.literal('APP'), app_id: z.string(), app_link: z.string(), private_key: z.string() }),
  z.object({
    type: z.literal('CUSTOM'),
    client_id: z.string().nullable(),
    client_secret: z.string().nullable(),
    app_id: z.string(),
    app_link: z.string(),
    private_key: z.string(),
    scopes: z.string().nullable(),
  }),
  z.null(),
]);

export const integrationSchema = z.object({
  unique_key: z.string(),
  provider: z.string(),
  display_name: z.string(),
  logo: z.string(),
  forward_webhooks: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
  webhook_url: z.string().nullable().optional(),
  credentials: integrationCredentialsOutputSchema.optional(),
});
export type Integration = z.infer<typeof integrationSchema>;
