/** `connect()`: one call for any frontend; picks the flow from the auth mode. */
import { connectDirect, isDirectMode, resolveBaseUrl } from './http';
import { openConnectPopup } from './popup';
import type { ConnectOptions, ConnectResult, CredentialsInput } from './types';

/**
 * Connects the integration for the session's end user. For OAuth it must be called inside the click handler (it
 * opens the popup synchronously); API key and basic post the typed credentials.
 * @throws ConnectError with the server's code, or `window_closed`, `network_error`.
 */
export function connect(options: ConnectOptions): Promise<ConnectResult> {
  const authMode = options.authMode ?? guessAuthMode(options.credentials);
  if (isDirectMode(authMode)) {
    return connectDirect(
      resolveBaseUrl(options.baseUrl),
      options.sessionToken,
      options.integration,
      authMode,
      options.connectionConfig,
      options.credentials,
    );
  }
  return openConnectPopup(options).result;
}

function guessAuthMode(credentials: CredentialsInput | undefined): string {
  if (credentials === undefined) return 'OAUTH2';
  return 'apiKey' in credentials ? 'API_KEY' : 'BASIC';
}
