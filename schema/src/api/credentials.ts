/** Connection credentials in the shapes the API returns them (compat doc 2.3), one per auth mode. */
import { z } from 'zod';

const raw = z.record(z.string(), z.unknown());

export const oauth2CredentialsSchema = z.object({
  type: z.literal('OAUTH2'),
  access_token: z.string(),
  refresh_token: z.string().optional(),
  expires_at: z.string().optional(),
  raw,
  /** An imported connection's own OAuth client, used instead of the integration's (compat doc 2.2). */
  config_override: z
    .object({ client_id: z.string().optional(), client_secret: z.string().optional() })
    .optional(),
});
export const oauth1CredentialsSchema = z.object({
  type: z.literal('OAUTH1'),
  oauth_token: z.string(),
  oauth_token_secret: z.string(),
  raw,
});
export const oauth2ClientCredentialsSchema = z.object({
  type: z.literal('OAUTH2_CC'),
  token: z.string(),
  expires_at: z.string().optional(),
  client_id: z.string(),
  client_secret: z.string(),
  client_certificate: z.string().optional(),
  client_private_key: z.string().optional(),
  raw,
});
export const apiKeyCredentialsSchema = z.object({ type: z.literal('API_KEY'), apiKey: z.string() });
export const basicCredentialsSchema = z.object({
  type: z.literal('BASIC'),
  username: z.string(),
  password: z.string(),
});
export const noCredentialsSchema = z.object({ type: z.literal('NONE') });

export const credentialsSchema = z.discriminatedUnion('type', [
  oauth2CredentialsSchema,
  oauth1CredentialsSchema,
  oauth2ClientCredentialsSchema,
  apiKeyCredentialsSchema,
  basicCredentialsSchema,
  noCredentialsSchema,
]);
export type Credentials = z.infer<typeof credentialsSchema>;

/** Bodies of the direct-credential endpoints the frontend SDK posts to (compat doc 3.4). */
export const apiKeyAuthInputSchema = z.object({ apiKey: z.string().min(1).max(1024) }).strict();
export const basicAuthInputSchema = z
  .object({ username: z.string().max(1024).default(''), password: z.string().max(1024).default('') })
  .strict();
export const clientCredentialsAuthInputSchema = z
  .object({
    client_id: z.string().max(1024).optional(),
    client_secret: z.string().max(4096).optional(),
  })
  .strict();
