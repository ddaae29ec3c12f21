/**
 * Every error code Latchkey answers with, its HTTP status and default message. Codes are a stable contract: clients
 * (and the Nango SDKs) branch on them, so a code is never renamed or given another status once shipped.
 */
export const ERROR_CODES = {
  // 400: the request itself is wrong
  invalid_body: { status: 400, message: 'The request body is invalid.' },
  invalid_query_params: { status: 400, message: 'The query parameters are invalid.' },
  invalid_uri_params: { status: 400, message: 'The URL parameters are invalid.' },
  invalid_headers: { status: 400, message: 'The request headers are invalid.' },
  invalid_json: { status: 400, message: 'The request body is not valid JSON.' },
  invalid_yaml: { status: 400, message: 'The request body is not valid YAML.' },
  // Nango answers 415 here (compat doc 1.2); the status follows it rather than a plain 400.
  invalid_content_type: { status: 415, message: 'Content-Type header must be application/json' },
  payload_too_large: { status: 413, message: 'The request body is too large.' },
  malformed_request: { status: 400, message: 'The HTTP request is malformed.' },
  invalid_provider_definition: { status: 400, message: 'The provider definition is invalid.' },
  invalid_integration_credentials: {
    status: 400,
    message: 'The integration credentials do not suit its provider.',
  },

  // 400: auth flows (connect sessions, OAuth, direct credentials)
  invalid_connection_config: { status: 400, message: 'A connection configuration value is invalid.' },
  integration_not_allowed: { status: 400, message: 'This connect session does not allow this integration.' },
  invalid_auth_mode: {
    status: 400,
    message: 'This endpoint does not suit the auth mode of the integration.',
  },
  unsupported_auth_mode: {
    status: 400,
    message: 'Latchkey cannot run this auth mode with what the provider entry declares.',
  },
  integration_not_configured: { status: 400, message: 'The integration has no OAuth client id and secret.' },
  missing_hmac: { status: 400, message: "Missing param 'hmac'." },
  invalid_hmac: { status: 400, message: 'Invalid HMAC signature.' },
  missing_client_id: { status: 400, message: 'client_id is required.' },
  missing_client_secret: { status: 400, message: 'client_secret is required.' },
  invalid_connection: { status: 400, message: 'The connection pinned by this session no longer exists.' },
  connection_test_failed: { status: 400, message: 'The credentials were refused by the provider.' },
  invalid_state: { status: 400, message: 'Unknown, expired or already used OAuth state.' },
  authorization_denied: { status: 400, message: 'The authorization was denied.' },
  invalid_callback: { status: 400, message: 'The OAuth callback is missing required parameters.' },
  invalid_return_url: {
    status: 400,
    message: 'return_url must be an http(s) URL on the origin of the page that started the flow.',
  },
  issuer_mismatch: {
    status: 400,
    message: 'The callback came from another authorization server (iss mismatch).',
  },
  token_exchange_failed: { status: 400, message: 'The provider refused the token request.' },
  unable_to_parse_token_response: {
    status: 400,
    message: 'The provider answered the token request with no usable token.',
  },
  invalid_credentials: {
    status: 400,
    message:
      'The external API returned an error when trying to refresh the access token. Please try again later.',
  },
  url_not_allowed: { status: 400, message: 'The URL is not allowed by the outbound policy.' },
  // Nango's code when a provider has no proxy base URL and the call sent no Base-Url-Override.
  unsupported_provider: { status: 400, message: 'The provider has no proxy base URL.' },
  upstream_unreachable: { status: 502, message: 'The provider could not be reached.' },
  upstream_timeout: { status: 504, message: 'The provider did not answer in time.' },

  // 401 / 403: who is calling
  missing_auth_header: {
    status: 401,
    message: 'Authentication failed. The request is missing the Authorization header.',
  },
  malformed_auth_header: {
    status: 401,
    message: 'Authentication failed. The Authorization header must be "Bearer <secret key>".',
  },
  unknown_api_key: { status: 401, message: 'Authentication failed. The secret key is unknown or revoked.' },
  missing_public_key: { status: 401, message: 'A connect session token or public key is required.' },
  invalid_public_key: { status: 401, message: 'The public key is unknown.' },
  invalid_connect_session_token_format: { status: 401, message: 'The connect session token is malformed.' },
  unknown_connect_session_token: { status: 401, message: 'The connect session token is unknown or expired.' },
  forbidden: { status: 403, message: 'The secret key does not have the scope this operation needs.' },
  public_key_flows_disabled: {
    status: 403,
    message:
      'Public-key flows are turned off for this environment: start the flow with a connect session token instead.',
  },
  session_bound_to_other_browser: {
    status: 403,
    message: 'This connect link is bound to the browser that opened it first; ask for a new link.',
  },
  rate_limited: { status: 429, message: 'Too many requests; retry after the time given in Retry-After.' },

  // 401 / 403 / 429: operators signing in to the dashboard
  invalid_credentials_login: { status: 401, message: 'The email or password is incorrect.' },
  session_expired: { status: 401, message: 'Your session has expired or was ended; sign in again.' },
  two_factor_required: {
    status: 401,
    message: 'Enter the code from your authenticator app to finish signing in.',
  },
  invalid_two_factor_code: { status: 401, message: 'The two-factor code is incorrect or was already used.' },
  two_factor_enrollment_required: {
    status: 403,
    message: 'This instance requires two-factor authentication: set it up on your account page first.',
  },
  csrf_rejected: {
    status: 403,
    message:
      'Cross-site request refused: a request carrying the session cookie must come from the dashboard.',
  },
  invalid_setup_code: { status: 403, message: 'The setup code is invalid or was already used.' },
  incorrect_password: { status: 403, message: 'The password is incorrect.' },
  too_many_attempts: { status: 429, message: 'Too many failed sign-in attempts; try again later.' },

  // 404 / 405 / 409: the thing asked for
  not_found: { status: 404, message: 'Not found.' },
  route_not_found: { status: 404, message: 'No such endpoint.' },
  unknown_provider: { status: 404, message: 'Unknown provider.' },
  unknown_provider_config: { status: 404, message: 'Unknown integration.' },
  // Nango's metadata endpoints answer 404; its DELETE answers the same code with 400 (set per error there).
  unknown_connection: { status: 404, message: 'Unknown connection.' },
  unknown_environment: { status: 404, message: 'Unknown environment.' },
  not_supported: { status: 404, message: 'This Nango endpoint is not part of Latchkey.' },
  integration_already_exists: { status: 409, message: 'An integration with this unique key already exists.' },
  provider_already_exists: { status: 409, message: 'A provider with this name already exists.' },
  provider_in_use: { status: 409, message: 'The provider is used by integrations; delete them first.' },
  environment_already_exists: { status: 409, message: 'An environment with this name already exists.' },
  invalid_invitation: {
    status: 404,
    message: 'The invitation is unknown, expired, revoked or already used.',
  },
  unknown_operator: { status: 404, message: 'Unknown operator.' },
  operator_already_exists: { status: 409, message: 'An operator with this email already exists.' },
  setup_already_done: { status: 409, message: 'This instance already has an operator; sign in instead.' },
  last_admin: { status: 409, message: 'The last admin cannot be removed or demoted.' },
  two_factor_already_enabled: { status: 409, message: 'Two-factor authentication is already enabled.' },
  two_factor_not_enabled: { status: 409, message: 'Two-factor authentication is not enabled.' },
  two_factor_not_started: {
    status: 409,
    message: 'Start the two-factor setup first (no secret is waiting for confirmation).',
  },

  // Operator sign-in with OpenID Connect: the callback redirects to `/dashboard/sign-in?error=<code>`, which shows these.
  oidc_not_configured: { status: 404, message: 'Sign-in with OpenID Connect is not configured.' },
  oidc_invalid_return_to: { status: 400, message: 'return_to must be a path on this dashboard.' },
  oidc_state_invalid: {
    status: 400,
    message: 'The sign-in attempt expired or did not start here. Please sign in again.',
  },
  oidc_denied: { status: 403, message: 'The identity provider did not sign you in.' },
  oidc_failed: { status: 502, message: "The identity provider's answer could not be verified." },
  oidc_email_unverified: {
    status: 403,
    message: 'Your identity provider has not verified your email address.',
  },
  oidc_domain_not_allowed: { status: 403, message: 'Your email domain may not sign in to this instance.' },
  oidc_unknown_operator: {
    status: 403,
    message: 'No operator has this email address. Ask an admin to invite you.',
  },
  oidc_identity_mismatch: {
    status: 403,
    message: 'This email belongs to an operator who signs in with another account at your identity provider.',
  },

  // 5xx: our fault or a dependency's
  server_error: { status: 500, message: 'An unexpected error occurred.' },
  decryption_failed: { status: 500, message: 'Stored data could not be decrypted.' },
  service_unavailable: { status: 503, message: 'The service is unavailable.' },
  database_unavailable: {
    status: 503,
    message: 'The database is unavailable; retry shortly.',
  },
  storage_full: {
    status: 503,
    message:
      'The database has no space left: the change was not saved. Reads still work; retry once space is freed.',
  },
  hosted_page_not_built: {
    status: 503,
    message: 'The hosted connect page is not built: run `pnpm --filter ./widget build`.',
  },
  dashboard_not_built: {
    status: 503,
    message: 'The dashboard is not built: run `pnpm --filter ./dashboard build`.',
  },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(ERROR_CODES, value);
}
