/**
 * The provider definition schema: a strict superset of an entry in Nango's `providers.yaml`, so a Nango user's entry
 * validates as it is. Field names stay Nango's (snake_case); our additions are marked "Latchkey:" below.
 * The same schema validates the shipped catalog and the custom providers an environment registers through the API.
 */
import { z } from 'zod';
import {
  fieldMapSchema,
  httpMethodSchema,
  paramMapSchema,
  textMapSchema,
  tokenParamMapSchema,
} from './provider-fields.schema';
import {
  additionalStepSchema,
  assertionSchema,
  clientRegistrationSchema,
  registrationParamsSchema,
  signatureSchema,
  tokenRecipeSchema,
  tokenResponseSchema,
} from './provider-modes.schema';
import { proxySchema } from './provider-proxy.schema';

/** Nango's modes that Latchkey runs. */
export const AUTH_MODES = [
  'OAUTH2',
  'OAUTH1',
  'OAUTH2_CC',
  'API_KEY',
  'BASIC',
  'NONE',
  'TWO_STEP',
  'JWT',
  'SIGNATURE',
  'BILL',
  'TBA',
  'APP',
  'CUSTOM',
  'AWS_SIGV4',
  'INSTALL_PLUGIN',
] as const;
/** Modes Nango knows that Latchkey accepts in a definition but cannot run yet (kept so Nango entries validate). */
export const FOREIGN_AUTH_MODES = ['MCP_OAUTH2', 'MCP_OAUTH2_GENERIC', 'APP_STORE', 'TABLEAU'] as const;

export const authModeSchema = z.enum([...AUTH_MODES, ...FOREIGN_AUTH_MODES]);
export type AuthMode = z.infer<typeof authModeSchema>;
export type SupportedAuthMode = (typeof AUTH_MODES)[number];

export const PROVIDER_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;
export const providerNameSchema = z
  .string()
  .regex(PROVIDER_NAME_PATTERN, 'lower-case letters, digits and dashes, at most 64 characters');

const tokenUrlSchema = z.union([z.string().min(1), z.record(z.string(), z.string().min(1))]);
const linkSchema = z.string().url();

/**
 * Every key of Nango's entry schema (68) plus ours. Keys we accept but do not act on yet keep Nango's meaning so that
 * a Nango entry validates as it is.
 */
export const providerDefinitionShape = {
  display_name: z.string().min(1).max(120),
  docs: linkSchema,
  categories: z.array(z.string().regex(/^[a-z0-9-]+$/)).optional(),
  auth_mode: authModeSchema.optional(),
  alias: providerNameSchema.optional(),
  docs_connect: linkSchema.optional(),
  setup_guide_url: linkSchema.optional(),
  installation: z.literal('outbound').optional(),

  // Authorization request (OAuth 2.0 and the redirect step of OAuth 1.0a)
  authorization_url: z.string().min(1).optional(),
  authorization_params: paramMapSchema.optional(),
  scope_separator: z.string().optional(),
  disable_pkce: z.boolean().optional(),
  default_scopes: z.array(z.string()).optional(),
  authorization_url_replacements: textMapSchema.optional(),
  authorization_url_skip_empty: z.boolean().optional(),
  authorization_url_skip_encode: z.array(z.string()).optional(),
  authorization_url_fragment: z.string().optional(),
  authorization_code_param_in_callback: z.string().optional(),
  authorization_code_param_in_webhook: z.string().optional(),
  auth: z.looseObject({ response_type: z.string().optional() }).optional(),
  decode_url: z.boolean().optional(),

  // Token request
  token_url: tokenUrlSchema.optional(),
  token_params: tokenParamMapSchema.optional(),
  token_headers: textMapSchema.optional(),
  token_request_method: httpMethodSchema.optional(),
  refresh_params: paramMapSchema.optional(),
  refresh_url: z.string().min(1).optional(),
  body_format: z.enum(['json', 'form', 'query', 'xml']).optional(),
  token_request_auth_method: z.enum(['basic', 'custom', 'private_key_jwt']).optional(),
  authorization_method: z.enum(['header', 'body']).optional(),
  /** Seconds before expiry at which a token counts as expired. */
  token_expiration_buffer: z.number().nonnegative().optional(),
  expires_in_unit: z.enum(['milliseconds', 'seconds']).optional(),
  token_url_skip_encode: z.array(z.string()).optional(),
  alternate_access_token_response_path: z.string().optional(),
  require_client_certificate: z.boolean().optional(),

  // TWO_STEP: a token request of the provider's own shape
  token_response: tokenResponseSchema.optional(),
  /** Response headers whose values become part of the credentials (SAP Business One's session cookie). */
  token_response_headers: z.array(z.string()).optional(),
  refresh_token_params: paramMapSchema.optional(),
  refresh_token_headers: textMapSchema.optional(),
  additional_steps: z.array(additionalStepSchema).optional(),
  assertion: assertionSchema.optional(),
  /** Token lifetime when the response gives none (0: refresh on every use). */
  token_expires_in_ms: z.number().nonnegative().optional(),

  // JWT, SIGNATURE
  signature: signatureSchema.optional(),
  token: tokenRecipeSchema.optional(),

  // INSTALL_PLUGIN: how the installed plugin's credentials are used
  auth_type: z.literal('BASIC').optional(),

  // MCP_OAUTH2
  registration_url: z.string().optional(),
  client_registration: clientRegistrationSchema.optional(),
  registration_params: registrationParamsSchema.optional(),

  // Values copied into the connection config
  token_response_metadata: z.array(z.string().min(1)).optional(),
  redirect_uri_metadata: z.array(z.string().min(1)).optional(),
  webhook_response_metadata: z.array(z.string().min(1)).optional(),
  refresh_token_response_metadata: z.array(z.string().min(1)).optional(),
  connection_configuration: z.array(z.string()).optional(),

  // Form declarations
  connection_config: fieldMapSchema.optional(),
  credentials: fieldMapSchema.optional(),
  integration_config: fieldMapSchema.optional(),
  assertion_option: fieldMapSchema.optional(),

  // OAuth 1.0a
  request_url: z.string().min(1).optional(),
  request_params: paramMapSchema.optional(),
  request_http_method: httpMethodSchema.optional(),
  token_http_method: httpMethodSchema.optional(),
  signature_method: z.enum(['HMAC-SHA1', 'HMAC-SHA256', 'RSA-SHA1', 'PLAINTEXT']).optional(),

  proxy: proxySchema.optional(),

  // Nango's server-side scripts and webhooks: accepted for compatibility, not run by Latchkey.
  pre_connection_creation_script: z.string().optional(),
  post_connection_script: z.string().optional(),
  pre_connection_deletion_script: z.string().optional(),
  credentials_verification_script: z.string().optional(),
  webhook_routing_script: z.string().optional(),
  webhook_user_defined_secret: z.boolean().optional(),
  webhook_allowed_query_params: z.array(z.string()).optional(),

  // Latchkey additions
  /** Latchkey: lifetime in seconds assumed for access tokens that arrive without any expiry. */
  default_token_lifetime: z.number().int().positive().optional(),
  /** Latchkey: refresh idle refresh tokens at least this often (seconds), for providers that revoke unused ones. */
  refresh_token_keepalive: z.number().int().positive().optional(),
  /**
   * Latchkey: the RFC 7009 token revocation endpoint (https, a template like `token_url`). When a connection is
   * deleted, its refresh token (else its access token) is revoked there, with the client authentication of the token
   * endpoint.
   */
  revocation_url: z.string().min(1).optional(),
} as const;

export const providerDefinitionSchema = z.object(providerDefinitionShape).strict();
export type ProviderDefinition = z.infer<typeof providerDefinitionSchema>;

/** A definition as the API receives it: the Nango fields with the provider's `name` at the top level. */
export const namedProviderDefinitionSchema = z
  .object({ name: providerNameSchema, ...providerDefinitionShape })
  .strict();
export type NamedProviderDefinition = z.infer<typeof namedProviderDefinitionSchema>;

/** A provider after alias resolution: `auth_mode` is then always known. */
export type Provider = ProviderDefinition & { name: string; auth_mode: AuthMode };
