/**
 * The `error_type` of a WebSocket error frame. The frontend SDK hands it to the app as `AuthError.type`, and apps
 * written for Nango branch on Nango's WebSocket error types (compat doc 4.10), so a Latchkey code that has a Nango
 * counterpart is sent as that; codes with none (session and public-key checks Nango answers over HTTP) keep their
 * own stable name, and our own failures are `unknown_err`.
 */
import type { LatchkeyError } from '@latchkey/schema';

const NANGO_WS_ERROR_TYPES: Partial<Record<string, string>> = {
  unknown_provider_config: 'provider_config_err',
  integration_not_configured: 'provider_config_err',
  unknown_provider: 'unknown_config_key',
  invalid_auth_mode: 'auth_mode_err',
  invalid_connection_config: 'url_param_err',
  invalid_state: 'state_err',
  authorization_denied: 'callback_err',
  invalid_callback: 'callback_err',
  issuer_mismatch: 'callback_err',
  token_exchange_failed: 'token_err',
  unable_to_parse_token_response: 'token_err',
  url_not_allowed: 'token_err',
  upstream_unreachable: 'token_err',
  upstream_timeout: 'token_err',
  invalid_connection: 'connection_not_found',
  missing_hmac: 'missing_hmac',
  invalid_hmac: 'invalid_hmac',
};

export function webSocketErrorType(error: LatchkeyError): string {
  const mapped = NANGO_WS_ERROR_TYPES[error.code];
  if (mapped !== undefined) return mapped;
  return error.status >= 500 ? 'unknown_err' : error.code;
}
