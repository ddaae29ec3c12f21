/**
 * The provider definition schema: a strict superset of an entry in Nango's `providers.yaml`, so a Nango user's entry
 * validates as it is. Field names stay Nango's (snake_case); our additions are marked "Latchkey:" below.
 * The same schema validates the shipped catalog and the custom providers an environment registers through the API.
 */
import { z } from 'zod';

export const AUTH_MODES = ['OAUTH2', 'OAUTH1', 'OAUTH2_CC', 'API_KEY', 'BASIC', 'NONE'] as const;
/** Modes Nango knows that Latchkey accepts in a definition but cannot run yet (kept so Nango entries validate). */
export const FOREIGN_AUTH_MODES = [
  'APP',
  'CUSTOM',
  'TBA',
  'JWT',
  'TWO_STEP',
  'SIGNATURE',
  'BILL',
  'AWS_SIGV4',
  'MCP_OAUTH2',
  'MCP_OAUTH2_GENERIC',
  'INSTALL_PLUGIN',
  'APP_STORE',
  'TABLEAU',
] as const;

export const authModeSchema = z.enum([...AUTH_MODES, ...FOREIGN_AUTH_MODES]);
export type AuthMode = z.infer<typeof authModeSchema>;
export type SupportedAuthMode = (typeof AUTH_MODES)[number];

export const PROVIDER_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;
export const providerNameSchema = z
  .string()
  .regex(PROVIDER_NAME_PATTERN, 'lower-case letters, digits and dashes, at most 64 characters');

/** One form field (connection config, credentials, integration config): Nango's small JSON-schema-like object. */
export const fieldDeclarationSchema = z
  .object({
    type: z.literal('string'),
    title: z.string().min(1),
    description: z.string().min(1),
    example: z.string().optional(),
    pattern: z.string().refine(isValidRegExp, 'must be a valid regular expression').optional(),
    format: z.enum(['hostname', 'uri', 'uuid', 'email']).optional(),
    enum: z.array(z.string()).min(1).optional(),
    order: z.number().int().optional(),
    secret: z.boolean().optional(),
    prefix: z.string().optional(),
    suffix: z.string().optional(),
    optional: z.boolean().optional(),
    doc_section: z
      .string()
      .regex(/^#[a-z0-9-]+$/)
      .optional(),
    automated: z.boolean().optional(),
    default_value: z.string().optional(),
    hidden: z.boolean().optional(),
    warnings: z.record(z.string(), z.string()).optional(),
    visible_when: z.object({ field: z.string(), equals: z.string() }).strict().optional(),
  })
  .strict();
export type FieldDeclaration = z.infer<typeof fieldDeclarationSchema>;

const fieldMapSchema = z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/), fieldDeclarationSchema);
const stringMapSchema = z.record(z.string(), z.string());
/** Parameter maps allow numbers and booleans too (Nango's YAML has `access_type: offline` next to `max_age: 0`). */
const paramMapSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));
const stringOrListSchema = z.union([z.string(), z.array(z.string())]);
const httpMethodSchema = z.enum([
  'GET',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'get',
  'post',
  'put',
  'patch',
  'delete',
]);

export const proxyVerificationSchema = z
  .object({
    /** Nango omits it in a few entries; GET is meant. */
    method: httpMethodSchema.optional(),
    endpoints: z.array(z.string().min(1)).min(1),
    base_url_override: z.string().optional(),
    headers: stringMapSchema.optional(),
    data: z.unknown().optional(),
  })
  .strict();

export const proxySchema = z
  .object({
    base_url: z.string().min(1),
    headers: stringMapSchema.optional(),
    query: z.record(z.string(), z.string()).optional(),
    verification: proxyVerificationSchema.optional(),
    retry: z
      .object({
        at: stringOrListSchema.optional(),
        after: stringOrListSchema.optional(),
        remaining: stringOrListSchema.optional(),
        error_code: z.array(z.union([z.string(), z.number()])).optional(),
        in_body: z.unknown().optional(),
      })
      .strict()
      .optional(),
    paginate: z.record(z.string(), z.unknown()).optional(),
    connection_config: stringMapSchema.optional(),
    decompress: z.boolean().optional(),
    body: z.unknown().optional(),
  })
  .strict();

const tokenUrlSchema = z.union([z.string().min(1), z.record(z.string(), z.string().min(1))]);

/**
 * Every key Nango's schema allows (68) plus ours. Keys we accept but do not act on yet are typed loosely so that a
 * Nango entry still validates; the ones we act on are typed precisely.
 */
export const providerDefinitionShape = {
  display_name: z.string().min(1).max(120),
  docs: z.string().url(),
  categories: z.array(z.string().regex(/^[a-z0-9-]+$/)).optional(),
  auth_mode: authModeSchema.optional(),
  alias: providerNameSchema.optional(),
  docs_connect: z.string().url().optional(),
  setup_guide_url: z.string().url().optional(),
  installation: z.literal('outbound').optional(),

  // Authorization request (OAuth 2.0 and the redirect step of OAuth 1.0a)
  authorization_url: z.string().min(1).optional(),
  authorization_params: paramMapSchema.optional(),
  scope_separator: z.string().optional(),
  disable_pkce: z.boolean().optional(),
  default_scopes: z.array(z.string()).optional(),
  authorization_url_replacements: stringMapSchema.optional(),
  authorization_url_skip_empty: z.boolean().optional(),
  authorization_url_skip_encode: z.array(z.string()).optional(),
  authorization_url_fragment: z.string().optional(),
  authorization_code_param_in_callback: z.string().optional(),
  authorization_code_param_in_webhook: z.string().optional(),

  // Token request
  token_url: tokenUrlSchema.optional(),
  token_params: paramMapSchema.optional(),
  refresh_params: paramMapSchema.optional(),
  refresh_url: z.string().min(1).optional(),
  body_format: z.enum(['json', 'form', 'query', 'xml']).optional(),
  token_request_auth_method: z.enum(['basic', 'custom', 'private_key_jwt']).optional(),
  authorization_method: z.enum(['header', 'body']).optional(),
  token_expiration_buffer: z.number().int().nonnegative().optional(),
  expires_in_unit: z.enum(['milliseconds', 'seconds']).optional(),
  token_url_skip_encode: z.array(z.string()).optional(),
  alternate_access_token_response_path: z.string().optional(),
  require_client_certificate: z.boolean().optional(),

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

  // Nango keys accepted for compatibility; Latchkey does not run scripts or these modes yet.
  post_connection_script: z.string().optional(),
  pre_connection_deletion_script: z.string().optional(),
  credentials_verification_script: z.string().optional(),
  webhook_routing_script: z.string().optional(),
  webhook_user_defined_secret: z.boolean().optional(),
  webhook_allowed_query_params: z.array(z.string()).optional(),
  token_response: z.record(z.string(), z.unknown()).optional(),
  token_headers: stringMapSchema.optional(),
  token_request_method: httpMethodSchema.optional(),
  refresh_token_params: paramMapSchema.optional(),
  additional_steps: z.array(z.unknown()).optional(),
  assertion: z.unknown().optional(),
  token_expires_in_ms: z.number().optional(),
  signature: z.unknown().optional(),
  token: z.unknown().optional(),
  registration_url: z.string().optional(),
  client_registration: z.unknown().optional(),
  registration_params: z.unknown().optional(),
  auth: z.record(z.string(), z.unknown()).optional(),
  decode_url: z.boolean().optional(),

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

function isValidRegExp(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}
