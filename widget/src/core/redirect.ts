/**
 * The full-page redirect flow, for when no popup can open or the app asks for it: the page goes to Latchkey, and
 * Latchkey answers 303 back to `return_url` with `latchkey_result=…`. The nonce waits in sessionStorage meanwhile.
 */
import { ConnectError, WIDGET_ERROR_CODES } from './connect-error';
import { flowUrl } from './http';
import { createNonce } from './nonce';
import type { ConnectResult } from './types';

const STORAGE_KEY = 'latchkey:redirect-flow';
const RESULT_PARAMS = [
  'latchkey_result',
  'latchkey_nonce',
  'connection_id',
  'provider_config_key',
  'error_code',
  'error_message',
];

export type RedirectOutcome = { ok: true; result: ConnectResult } | { ok: false; error: ConnectError };

/** Navigates the page to the OAuth start; the flow's result arrives on the return URL. */
export function startRedirect(options: {
  baseUrl: string;
  sessionToken: string;
  integration: string;
  connectionConfig?: Record<string, string>;
  returnUrl?: string;
}): void {
  const nonce = createNonce();
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify({ nonce, integration: options.integration }));
  window.location.assign(
    flowUrl(
      options.baseUrl,
      `/oauth/connect/${encodeURIComponent(options.integration)}`,
      options.sessionToken,
      options.connectionConfig,
      { latchkey_nonce: nonce, return_url: options.returnUrl ?? window.location.href },
    ),
  );
}

/**
 * Reads the result of a redirect flow from the current URL, removes its parameters from the address bar, and
 * returns it; `null` when the page was not reached by a redirect flow. A result whose nonce is not the one this
 * browser tab stored is refused (it was not started here).
 */
export function completeRedirect(): RedirectOutcome | null {
  const url = new URL(window.location.href);
  const query = url.searchParams;
  const outcome = query.get('latchkey_result');
  if (outcome === null) return null;
  const value = (name: string) => query.get(name) ?? '';
  const nonce = value('latchkey_nonce');
  const connectionId = value('connection_id');
  const integration = value('provider_config_key');
  const errorCode = value('error_code');
  const errorMessage = value('error_message');
  for (const name of RESULT_PARAMS) query.delete(name);
  window.history.replaceState(window.history.state, '', url.href);

  const stored = sessionStorage.getItem(STORAGE_KEY);
  sessionStorage.removeItem(STORAGE_KEY);
  let expected: string | undefined;
  try {
    expected = stored === null ? undefined : (JSON.parse(stored) as { nonce?: string }).nonce;
  } catch {
    expected = undefined;
  }
  if (expected === undefined || expected !== nonce) {
    return {
      ok: false,
      error: new ConnectError(
        WIDGET_ERROR_CODES.redirectMismatch,
        'This result belongs to a flow not started here',
      ),
    };
  }
  if (outcome === 'success' && connectionId !== '')
    return { ok: true, result: { connectionId, integration } };
  return {
    ok: false,
    error: new ConnectError(errorCode || 'oauth_error', errorMessage || 'The authorization did not complete'),
  };
}
