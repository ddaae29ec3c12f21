/**
 * REST answers that had no schema of their own: the small envelopes, the environment settings, pages of auth events,
 * the connect session as the Connect UI reads it, and the health check. The OpenAPI document is generated from these.
 */
import { z } from 'zod';
import { authEventSchema } from './auth-events';
import { integrationConfigDefaultsSchema } from './connect-sessions';
import { allowedOriginsSchema, connectUiThemeSchema } from './dashboard';

/** `{success: true}` of deletes and patches (Nango's shape). */
export const successSchema = z.object({ success: z.boolean() });

export const healthSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  database: z.enum(['ok', 'unreachable']),
});

/** A setting that weakens the environment's security, named so a client can show it. */
export const environmentWarningSchema = z.object({
  /** `public_key_flows_without_hmac`: anyone holding the public key can write any connection's credentials. */
  code: z.enum(['public_key_flows_without_hmac']),
  message: z.string(),
});
export type EnvironmentWarning = z.infer<typeof environmentWarningSchema>;

export const environmentSettingsSchema = z.object({
  name: z.string(),
  public_key: z.string(),
  callback_url: z.string().nullable(),
  /** Whether flows may start with `public_key` (+ `connection_id`) instead of a connect session. */
  public_key_flows_enabled: z.boolean(),
  hmac_enabled: z.boolean(),
  /** Only with `?include=hmac_key` and the settings-read scope. */
  hmac_key: z.string().optional(),
  webhook_url: z.string().nullable(),
  webhook_secondary_url: z.string().nullable(),
  webhook_on_auth_creation: z.boolean(),
  webhook_on_auth_refresh_error: z.boolean(),
  /** Only with `?include=webhook_signing_key`. */
  webhook_signing_key: z.string().optional(),
  /** The Connect UI's look (hosted page, widget defaults); null: the built-in theme. */
  connectUiTheme: connectUiThemeSchema.nullable(),
  /** Origins the widget is expected to run on. */
  allowedOrigins: allowedOriginsSchema,
  /** Whether webhooks also carry Nango's legacy `X-Nango-Signature`. */
  legacy_webhook_signature: z.boolean(),
  /** Empty unless a setting weakens the environment (public-key flows on with HMAC off). */
  warnings: z.array(environmentWarningSchema),
});

export const webhookSigningKeySchema = z.object({ webhook_signing_key: z.string() });

export const authEventPageSchema = z.object({
  data: z.array(authEventSchema),
  /** Pass back as `after` to continue; equals the given cursor when the page is empty. */
  next_cursor: z.string(),
});

const fieldDeclarationOutputSchema = z.record(z.string(), z.unknown());

export const connectUiIntegrationSchema = z.object({
  unique_key: z.string(),
  provider: z.string(),
  display_name: z.string(),
  logo: z.string(),
  auth_mode: z.string(),
  categories: z.array(z.string()),
  docs_connect: z.string().nullable(),
  /** Fields the end user fills in, by name (the provider's field declarations). */
  connection_config: z.record(z.string(), fieldDeclarationOutputSchema),
  credentials: z.record(z.string(), fieldDeclarationOutputSchema),
});

/** `GET /connect/session`: what the Connect UI needs to render the session. */
export const connectSessionDescriptionSchema = z.object({
  endUser: z
    .object({
      id: z.string(),
      email: z.string().nullish(),
      display_name: z.string().nullish(),
      tags: z.record(z.string(), z.string()).nullish(),
      organization: z.object({ id: z.string(), display_name: z.string().nullish() }).nullish(),
    })
    .nullable(),
  connectUISettings: z.object({ showWatermark: z.boolean() }),
  allowed_integrations: z.array(z.string()).optional(),
  integrations_config_defaults: integrationConfigDefaultsSchema,
  isReconnecting: z.literal(true).optional(),
  integrations: z.array(connectUiIntegrationSchema),
  expires_at: z.string(),
  /** The environment's Connect UI theme: the widget's defaults (its own props win); null: the built-in theme. */
  theme: connectUiThemeSchema.nullable(),
});
