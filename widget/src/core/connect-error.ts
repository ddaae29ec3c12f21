/** The one error the widget reports: a stable `code` (Latchkey's error codes, plus the popup's own) and a message. */
export class ConnectError extends Error {
  override readonly name = 'ConnectError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Codes the widget itself produces (the server's codes pass through unchanged). */
export const WIDGET_ERROR_CODES = {
  windowClosed: 'window_closed',
  network: 'network_error',
  invalidResponse: 'invalid_response',
  redirectMismatch: 'redirect_nonce_mismatch',
  unsupportedAuthMode: 'unsupported_auth_mode',
} as const;
