/** `connect()`: one call for any frontend; picks the flow from the auth mode (see auth-modes.ts). */
import { flowOf, guessAuthMode } from './auth-modes';
import { connectDirect, resolveBaseUrl, unsupportedAuthMode } from './http';
import { openConnectPopup } from './popup';
import type { ConnectOptions, ConnectResult } from './types';

/**
 * Connects the integration for the session's end user. For the browser modes (OAuth, GitHub App, plugin install) it
 * must be called inside the click handler: it opens the popup synchronously. The one-request modes (API key, basic,
 * client credentials, TWO_STEP, JWT, …) post the typed credentials.
 * @throws ConnectError with the server's code, or `window_closed`, `network_error`, `unsupported_auth_mode`.
 */
export function connect(options: ConnectOptions): Promise<ConnectResult> {
  const authMode = options.authMode ?? guessAuthMode(options.credentials);
  const flow = flowOf(authMode);
  if (flow === 'direct') {
    return connectDirect(
      resolveBaseUrl(options.baseUrl),
      options.sessionToken,
      options.integration,
      authMode,
      options.connectionConfig,
      options.credentials,
      options.assertionOption,
    );
  }
  if (flow === 'redirect') return openConnectPopup(options).result;
  return Promise.reject(unsupportedAuthMode(authMode));
}
