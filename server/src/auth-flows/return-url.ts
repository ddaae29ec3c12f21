/**
 * Redirect mode (the widget's fallback when no popup can open): the flow comes back to a page of the app instead of
 * posting to an opener. The return URL must be on the origin of the page that started the flow, as the browser
 * reports it, so Latchkey is no open redirector; the result rides in the query, never a token.
 */
import { LatchkeyError } from '@latchkey/schema';

/** The widget's flow nonce: 32 hex characters (128 random bits). */
export const LATCHKEY_NONCE_PATTERN = /^[0-9a-f]{32}$/;

/** The return URL, when same-origin with `requestOrigin` (the Origin or Referer origin of the starting request). */
export function checkReturnUrl(returnUrl: string, requestOrigin: string | undefined): URL {
  let url: URL;
  try {
    url = new URL(returnUrl);
  } catch {
    throw new LatchkeyError('invalid_return_url', 'return_url is not an absolute URL.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new LatchkeyError('invalid_return_url', 'return_url must be an http(s) URL.');
  }
  if (requestOrigin === undefined) {
    throw new LatchkeyError(
      'invalid_return_url',
      'return_url needs the Referer or Origin of the starting page; its referrer policy must not be no-referrer.',
    );
  }
  if (url.origin !== requestOrigin) {
    throw new LatchkeyError(
      'invalid_return_url',
      `return_url must be on the origin of the page that started the flow (${requestOrigin}).`,
    );
  }
  return url;
}

export type FlowReturn =
  | { ok: true; connectionId: string; providerConfigKey: string }
  | { ok: false; error: LatchkeyError };

/** Where to send the browser back: the return URL with `latchkey_result` and the flow's outcome in its query. */
export function returnRedirectUrl(
  returnUrl: string,
  nonce: string | null | undefined,
  result: FlowReturn,
): URL {
  const url = new URL(returnUrl);
  for (const name of [...url.searchParams.keys()]) {
    if (name.startsWith('latchkey_') || RESULT_PARAMS.includes(name)) url.searchParams.delete(name);
  }
  url.searchParams.set('latchkey_result', result.ok ? 'success' : 'error');
  if (nonce) url.searchParams.set('latchkey_nonce', nonce);
  if (result.ok) {
    url.searchParams.set('connection_id', result.connectionId);
    url.searchParams.set('provider_config_key', result.providerConfigKey);
  } else {
    url.searchParams.set('error_code', result.error.code);
    url.searchParams.set('error_message', result.error.message);
  }
  return url;
}

const RESULT_PARAMS = ['connection_id', 'provider_config_key', 'error_code', 'error_message'];
