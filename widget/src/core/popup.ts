/**
 * The OAuth popup flow. The popup is opened synchronously in the click (so blockers allow it) on `about:blank` and
 * only then sent to Latchkey. Its answer is accepted only from Latchkey's origin and only with this flow's nonce;
 * the session's live events are a second channel; a popup closed without an answer is `window_closed`.
 */
import { ConnectError, WIDGET_ERROR_CODES } from './connect-error';
import { flowUrl, resolveBaseUrl } from './http';
import { subscribeSessionEvents } from './live-events';
import { createNonce } from './nonce';
import { startRedirect } from './redirect';
import type { ConnectOptions, ConnectResult } from './types';

export interface PopupFlow {
  /** The flow's nonce, sent as `latchkey_nonce` and expected back in the callback message. */
  nonce: string;
  /** `popup`, or `redirect` when the page is navigating away instead (no popup could open, or it was asked). */
  mode: 'popup' | 'redirect';
  result: Promise<ConnectResult>;
  /** Stops listening and closes the popup; the result then never settles. */
  cancel(): void;
}

export interface PopupOptions extends ConnectOptions {
  /** How long to wait for the live-event channel after the popup closed without a message. Default 1500 ms. */
  closedGraceMs?: number;
  /** Listen to the session's live events as a second channel. Default true. */
  liveEvents?: boolean;
  /**
   * Called when the connection is created after the flow was already reported `window_closed`: a popup whose
   * opener link was cut by a COOP header looks closed while the user is still signing in. The live events are
   * watched for `lateResultMs` (default 10 minutes) after that report.
   */
  onLateResult?: (result: ConnectResult) => void;
  lateResultMs?: number;
}

const POLL_MS = 300;

export function openConnectPopup(options: PopupOptions): PopupFlow {
  const baseUrl = resolveBaseUrl(options.baseUrl);
  const origin = new URL(baseUrl).origin;
  const nonce = createNonce();
  const popup =
    options.mode === 'redirect' ? null : window.open('about:blank', 'latchkey-connect', features());

  if (popup === null) {
    startRedirect({
      baseUrl,
      sessionToken: options.sessionToken,
      integration: options.integration,
      ...(options.connectionConfig ? { connectionConfig: options.connectionConfig } : {}),
      ...(options.returnUrl ? { returnUrl: options.returnUrl } : {}),
    });
    return { nonce, mode: 'redirect', result: new Promise<never>(() => {}), cancel() {} };
  }

  popup.location.href = flowUrl(
    baseUrl,
    `/oauth/connect/${encodeURIComponent(options.integration)}`,
    options.sessionToken,
    options.connectionConfig,
    { latchkey_nonce: nonce },
  );

  let settled = false;
  let poll: ReturnType<typeof setInterval> | undefined;
  let grace: ReturnType<typeof setTimeout> | undefined;
  let stopEvents = () => {};
  // After a `window_closed` report, the live events stay watched for a late result (see `onLateResult`).
  let lateWatch: ReturnType<typeof setTimeout> | undefined;
  let lateStop: (() => void) | undefined;
  const cleanup = () => {
    settled = true;
    window.removeEventListener('message', onMessage);
    clearInterval(poll);
    clearTimeout(grace);
    stopEvents();
  };

  let resolve!: (result: ConnectResult) => void;
  let reject!: (error: ConnectError) => void;
  const result = new Promise<ConnectResult>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  const succeed = (value: ConnectResult) => {
    if (settled) return;
    cleanup();
    resolve(value);
  };
  const fail = (error: ConnectError) => {
    if (settled) return;
    const keepWatching = error.code === WIDGET_ERROR_CODES.windowClosed && options.onLateResult !== undefined;
    if (keepWatching) {
      const stop = stopEvents;
      stopEvents = () => {};
      lateWatch = setTimeout(stop, options.lateResultMs ?? 600_000);
      lateStop = stop;
    }
    cleanup();
    reject(error);
  };

  function onMessage(event: MessageEvent): void {
    if (event.origin !== origin) return;
    const data = event.data as Record<string, unknown> | null;
    if (typeof data !== 'object' || data === null || data.latchkeyNonce !== nonce) return;
    if (data.type !== 'nango_oauth_callback_success' && data.type !== 'nango_oauth_callback_error') return;
    try {
      (event.source as Window | null)?.postMessage({ type: 'nango_oauth_callback_ack' }, origin);
    } catch {
      // the popup may already be gone; the ack only lets it close sooner
    }
    if (data.type === 'nango_oauth_callback_success') {
      succeed({ connectionId: String(data.connectionId), integration: String(data.providerConfigKey) });
    } else {
      const payload = (data.payload ?? {}) as { message?: unknown; errorType?: unknown };
      fail(
        new ConnectError(
          typeof payload.errorType === 'string' ? payload.errorType : 'oauth_error',
          typeof payload.message === 'string' ? payload.message : 'The authorization did not complete',
        ),
      );
    }
  }
  window.addEventListener('message', onMessage);

  if (options.liveEvents !== false) {
    stopEvents = subscribeSessionEvents(baseUrl, options.sessionToken, (event) => {
      const created = event.operation === 'creation' || event.operation === 'override';
      if (created && event.success && event.providerConfigKey === options.integration) {
        const value = { connectionId: event.connectionId, integration: event.providerConfigKey };
        if (settled) {
          if (lateStop === undefined) return;
          clearTimeout(lateWatch);
          lateStop();
          lateStop = undefined;
          options.onLateResult?.(value);
          return;
        }
        succeed(value);
        try {
          popup.close();
        } catch {
          // a COOP-severed handle cannot close it; the callback page closes itself
        }
      }
    });
  }

  poll = setInterval(() => {
    if (!popup.closed) return;
    clearInterval(poll);
    grace = setTimeout(
      () =>
        fail(new ConnectError(WIDGET_ERROR_CODES.windowClosed, 'The window was closed before connecting')),
      options.closedGraceMs ?? 1500,
    );
  }, POLL_MS);

  return {
    nonce,
    mode: 'popup',
    result,
    cancel() {
      cleanup();
      clearTimeout(lateWatch);
      lateStop?.();
      lateStop = undefined;
      try {
        popup.close();
      } catch {
        // already closed
      }
    },
  };
}

/** A centred 500×680 window (a full tab on mobile, where features are ignored). No `noopener`: we need the handle. */
function features(): string {
  const width = 500;
  const height = 680;
  const left = Math.max(0, Math.round(window.screenX + (window.outerWidth - width) / 2));
  const top = Math.max(0, Math.round(window.screenY + (window.outerHeight - height) / 2));
  return `popup=yes,width=${width},height=${height},left=${left},top=${top}`;
}
