/**
 * `POST /connections`: importing a connection whose credentials were obtained elsewhere (compat doc 2.2). Each
 * credentials object is strict and checked per type with Nango's limits, so a typo is a 400, not a stored field.
 */
import { z } from 'zod';
import { endUserInputSchema, tagsSchema } from './connect-sessions';
import { webhookUrlOverrideInputSchema } from './connection-admin';

/** Generous enough for large JWT access tokens; Nango makes the same bound configurable. */
export const IMPORTED_TOKEN_MAX_LENGTH = 16_384;

/** A date as JSON can carry one (ISO string or epoch milliseconds), normalised to ISO-8601 with `Z`. */
const importedDateSchema = z
  .union([z.string().min(1).max(64), z.number()])
  .pipe(z.coerce.date())
  .transform((date) => date.toISOString());

const clientOverrideSchema = z
  .object({
    client_id: z.string().min(1).max(255).optional(),
    client_secret: z.string().min(1).max(2048).optional(),
  })
  .strict();

export const importedCredentialsSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('OAUTH2'),
      access_token: z.string().min(1).max(IMPORTED_TOKEN_MAX_LENGTH),
      refresh_token: z.string().min(1).max(IMPORTED_TOKEN_MAX_LENGTH).optional(),
      expires_at: importedDateSchema.optional(),
      config_override: clientOverrideSchema.optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal('OAUTH2_CC'),
      token: z.string().min(1).max(4096),
      client_id: z.string().min(1).max(255),
      client_secret: z.string().min(1).max(2048),
      client_certificate: z.string().min(1).max(10_000).optional(),
      client_private_key: z.string().min(1).max(10_000).optional(),
      expires_at: importedDateSchema.optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal('OAUTH1'),
      oauth_token: z.string().min(1).max(2048),
      oauth_token_secret: z.string().min(1).max(2048),
    })
    .strict(),
  z.object({ type: z.literal('API_KEY'), apiKey: z.string().min(1).max(1024) }).strict(),
  // Either part may be empty: some APIs take a key as the user name and no password, others the reverse.
  z
    .object({ type: z.literal('BASIC'), username: z.string().max(1024), password: z.string().max(1024) })
    .strict(),
  z.object({ type: z.literal('NONE') }).strict(),
  // Validated as Nango does so the answer is precise, but Latchkey does not run these modes (see the service).
  z
    .object({
      type: z.literal('TBA'),
      token_id: z.string().min(1).max(2048),
      token_secret: z.string().min(1).max(2048),
      config_override: clientOverrideSchema.optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal('APP'),
      app_id: z.string().min(1).max(255),
      installation_id: z.string().min(1).max(255),
    })
    .strict(),
]);
export type ImportedCredentials = z.infer<typeof importedCredentialsSchema>;

/** Config values are stored as strings; a list (Nango's `oauth_scopes_override: string[]`) is joined with commas. */
const connectionConfigValueSchema = z
  .union([z.string().max(4000), z.number(), z.boolean(), z.array(z.string().max(255)).max(200)])
  .transform((value) => (Array.isArray(value) ? value.join(',') : String(value)));

export const importConnectionInputSchema = z
  .object({
    connection_id: z.string().min(1).max(255).optional(),
    provider_config_key: z.string().min(1).max(255),
    credentials: importedCredentialsSchema,
    connection_config: z.record(z.string().min(1).max(255), connectionConfigValueSchema).optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
    webhook_url_override: webhookUrlOverrideInputSchema.optional(),
    end_user: endUserInputSchema.optional(),
    tags: tagsSchema.optional(),
  })
  .strict();
export type ImportConnectionInput = z.infer<typeof importConnectionInputSchema>;
