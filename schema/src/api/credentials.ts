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
/** OAUTH2_CC: the end user's own client, the token it obtained, and any other credential the entry declares. */
export const oauth2ClientCredentialsSchema = z
  .object({
    type: z.literal('OAUTH2_CC'),
    token: z.string(),
    expires_at: z.string().optional(),
    client_id: z.string(),
    client_secret: z.string(),
    client_certificate: z.string().optional(),
    client_private_key: z.string().optional(),
    raw,
  })
  .catchall(z.unknown());
export const apiKeyCredentialsSchema = z.object({ type: z.literal('API_KEY'), apiKey: z.string() });
export const basicCredentialsSchema = z.object({
  type: z.literal('BASIC'),
  username: z.string(),
  password: z.string(),
});
export const noCredentialsSchema = z.object({ type: z.literal('NONE') });

const clientOverride = z
  .object({ client_id: z.string().optional(), client_secret: z.string().optional() })
  .optional();

/** TWO_STEP: the token request's answer mapped by the entry's `token_response`, plus the declared credentials. */
export const twoStepCredentialsSchema = z
  .object({
    type: z.literal('TWO_STEP'),
    token: z.string().optional(),
    refresh_token: z.string().optional(),
    expires_at: z.string().optional(),
    raw,
  })
  .catchall(z.unknown());
/** JWT: the end user's key material as the entry declares it, and the signed token while it is valid. */
export const jwtCredentialsSchema = z
  .object({ type: z.literal('JWT'), token: z.string().optional(), expires_at: z.string().optional() })
  .catchall(z.unknown());
/** SIGNATURE (WSSE): the user's name and password; `token` is the last header value computed, until `expires_at`. */
export const signatureCredentialsSchema = z.object({
  type: z.literal('SIGNATURE'),
  username: z.string(),
  password: z.string(),
  token: z.string().optional(),
  expires_at: z.string().optional(),
});
/** BILL: the login's inputs and the session it opened. */
export const billCredentialsSchema = z.object({
  type: z.literal('BILL'),
  username: z.string(),
  password: z.string(),
  organization_id: z.string(),
  dev_key: z.string(),
  session_id: z.string().optional(),
  user_id: z.string().optional(),
  expires_at: z.string().optional(),
  raw,
});
/** TBA (NetSuite token-based auth): the token half of OAuth 1.0a; the consumer half is the integration's. */
export const tbaCredentialsSchema = z.object({
  type: z.literal('TBA'),
  token_id: z.string(),
  token_secret: z.string(),
  config_override: clientOverride,
});
/** APP (GitHub App): an installation access token, minted with the app's JWT. */
export const appCredentialsSchema = z.object({
  type: z.literal('APP'),
  access_token: z.string(),
  expires_at: z.string().optional(),
  raw,
  jwtToken: z.string().optional(),
});
/** CUSTOM (GitHub App with user OAuth): the installation token and the user's OAuth token together. */
export const customCredentialsSchema = z.object({
  type: z.literal('CUSTOM'),
  app: appCredentialsSchema,
  user: oauth2CredentialsSchema.nullable(),
  raw,
});
/** AWS_SIGV4: temporary credentials from STS AssumeRole for the end user's role. */
export const awsSigV4CredentialsSchema = z.object({
  type: z.literal('AWS_SIGV4'),
  role_arn: z.string(),
  region: z.string(),
  service: z.string(),
  access_key_id: z.string(),
  secret_access_key: z.string(),
  session_token: z.string(),
  expires_at: z.string().optional(),
  external_id: z.string().optional(),
  raw,
});

export const credentialsSchema = z.discriminatedUnion('type', [
  oauth2CredentialsSchema,
  oauth1CredentialsSchema,
  oauth2ClientCredentialsSchema,
  apiKeyCredentialsSchema,
  basicCredentialsSchema,
  noCredentialsSchema,
  twoStepCredentialsSchema,
  jwtCredentialsSchema,
  signatureCredentialsSchema,
  billCredentialsSchema,
  tbaCredentialsSchema,
  appCredentialsSchema,
  customCredentialsSchema,
  awsSigV4CredentialsSchema,
]);
export type Credentials = z.infer<typeof credentialsSchema>;

/** Bodies of the direct-credential endpoints the frontend SDK posts to (compat doc 3.4). */
export const apiKeyAuthInputSchema = z.object({ apiKey: z.string().min(1).max(1024) }).strict();
export const basicAuthInputSchema = z
  .object({ username: z.string().max(1024).default(''), password: z.string().max(1024).default('') })
  .strict();
/** OAUTH2_CC: the client, and the other credentials the entry declares (`audience`), checked against it. */
export const clientCredentialsAuthInputSchema = z
  .object({
    client_id: z.string().max(1024).optional(),
    client_secret: z.string().max(4096).optional(),
    client_private_key: z.string().max(16_384).optional(),
    client_certificate: z.string().max(16_384).optional(),
    type: z.literal('OAUTH2_CC').optional(),
  })
  .catchall(z.string().max(4096));
