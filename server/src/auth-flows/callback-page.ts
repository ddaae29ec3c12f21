/**
 * The page the OAuth callback answers with (compat doc 3.5): it posts the result to its opener — to the opener's
 * exact origin, never `*`, and only when the environment allows that origin — and on a BroadcastChannel for same-origin openers that lost `window.opener` (COOP), then
 * closes itself on success. Values reach the script as JSON in a non-executable block, so nothing the provider sent
 * can break out into markup or code.
 */
import { randomBytes } from 'node:crypto';
import type { LatchkeyError } from '@latchkey/schema';

export interface CallbackOutcome {
  ok: boolean;
  providerConfigKey: string | undefined;
  connectionId: string | undefined;
  error: LatchkeyError | undefined;
  /**
   * Where the result may be posted, already checked against the environment's allowed origins (redirect-flows.ts);
   * undefined posts nowhere but the BroadcastChannel.
   */
  openerOrigin: string | undefined;
  /** The widget's flow nonce, echoed so the widget can tell its own flow's message (Nango's SDK ignores it). */
  latchkeyNonce?: string | undefined;
}

export function renderCallbackPage(outcome: CallbackOutcome): { status: number; html: string; csp: string } {
  const nonce = randomBytes(16).toString('base64');
  const echoed = outcome.latchkeyNonce === undefined ? {} : { latchkeyNonce: outcome.latchkeyNonce };
  const message = outcome.ok
    ? {
        type: 'nango_oauth_callback_success',
        providerConfigKey: outcome.providerConfigKey,
        connectionId: outcome.connectionId,
        ...echoed,
      }
    : {
        type: 'nango_oauth_callback_error',
        payload: {
          message: outcome.error?.message ?? 'Unknown error',
          errorType: outcome.error?.code ?? 'unknown_error',
        },
        ...echoed,
      };
  const data = JSON.stringify({
    message,
    targetOrigin: outcome.openerOrigin ?? null,
    ok: outcome.ok,
  }).replace(/</g, '\\u003c');
  const title = outcome.ok ? 'Connected' : 'Connection failed';
  const text = outcome.ok
    ? 'You can close this window.'
    : escapeHtml(outcome.error?.message ?? 'The authorization did not complete.');
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title}</title>
<style>body{font:16px system-ui,sans-serif;margin:15vh auto;max-width:32rem;padding:0 1rem;color:#1f2933}h1{font-size:1.3rem}</style>
</head><body>
<h1>${title}</h1><p id="detail">${text}</p>
<script type="application/json" id="latchkey-result">${data}</script>
<script nonce="${nonce}">
(function () {
  var result = JSON.parse(document.getElementById('latchkey-result').textContent);
  ${outcome.ok ? '' : 'window.__nangoOAuthError = result.message.payload;'}
  try { if (window.opener && result.targetOrigin) window.opener.postMessage(result.message, result.targetOrigin); } catch (e) {}
  try { var channel = new BroadcastChannel('nango-oauth-callback'); channel.postMessage(result.message); channel.close(); } catch (e) {}
  window.addEventListener('message', function (event) {
    if (event.data && event.data.type === 'nango_oauth_callback_ack' && event.origin === result.targetOrigin) window.close();
  });
  if (result.ok) setTimeout(function () { window.close(); }, 500);
})();
</script>
</body></html>`;
  const csp = `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
  return { status: outcome.ok ? 200 : (outcome.error?.status ?? 400), html, csp };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
