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
  // Nango answers 415 here (compat doc 1.2); the status follows it rather than a plain 400.
  invalid_content_type: { status: 415, message: 'Content-Type header must be application/json' },
  payload_too_large: { status: 413, message: 'The request body is too large.' },
  malformed_request: { status: 400, message: 'The HTTP request is malformed.' },
  invalid_provider_definition: { status: 400, message: 'The provider definition is invalid.' },
  invalid_integration_credentials: {
    status: 400,
    message: 'The integration credentials do not suit its provider.',
  },

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
  forbidden: { status: 403, message: 'The secret key does not have the scope this operation needs.' },

  // 404 / 405 / 409: the thing asked for
  not_found: { status: 404, message: 'Not found.' },
  route_not_found: { status: 404, message: 'No such endpoint.' },
  unknown_provider: { status: 404, message: 'Unknown provider.' },
  unknown_provider_config: { status: 404, message: 'Unknown integration.' },
  unknown_environment: { status: 404, message: 'Unknown environment.' },
  not_supported: { status: 404, message: 'This Nango endpoint is not part of Latchkey.' },
  integration_already_exists: { status: 409, message: 'An integration with this unique key already exists.' },
  provider_already_exists: { status: 409, message: 'A provider with this name already exists.' },
  provider_in_use: { status: 409, message: 'The provider is used by integrations; delete them first.' },
  environment_already_exists: { status: 409, message: 'An environment with this name already exists.' },

  // 5xx: our fault or a dependency's
  server_error: { status: 500, message: 'An unexpected error occurred.' },
  decryption_failed: { status: 500, message: 'Stored data could not be decrypted.' },
  service_unavailable: { status: 503, message: 'The service is unavailable.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(ERROR_CODES, value);
}
