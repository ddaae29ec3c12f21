/**
 * Runs "Add test connection" with the widget's framework-free API. The popup must open inside the click, but the
 * connect session only exists after a server round trip; so the click opens an empty named window at once, and the
 * widget's `openConnectPopup` (which opens a window of the same name) later takes that window over instead of
 * opening a new one a popup blocker could refuse. The browser modes (OAuth, GitHub App, plugin install) go through
 * the widget's popup flow; the credential modes (API key, basic, client credentials, TWO_STEP, JWT, …) complete in
 * one request with the typed credentials (no popup); the rest — AWS SigV4, whose ExternalId the tester must see
 * before naming a role, TWO_STEP entries that sign an assertion, and modes Latchkey cannot run yet — get the hosted
 * connect page (the widget's own full-page
 * form, which shows the ExternalId or says the mode is unavailable) in the window, and the session's live events say
 * when the connection exists.
 */
import { flowOf, showsExternalId } from '../../../../widget/src/core/auth-modes';
import { connect } from '../../../../widget/src/core/connect';
import { ConnectError } from '../../../../widget/src/core/connect-error';
import { subscribeSessionEvents } from '../../../../widget/src/core/live-events';
import { openConnectPopup } from '../../../../widget/src/core/popup';
import type { ConnectResult } from '../../../../widget/src/core/types';

const POPUP_NAME = 'latchkey-connect';

/**
 * Whether the test runs one request with the credentials typed in the dialog. `signsAssertion`: the provider
 * declares a signed assertion's inputs (TWO_STEP `assertion_option`), which only the hosted page asks.
 */
export function connectsInDialog(authMode: string, signsAssertion = false): boolean {
  return flowOf(authMode) === 'direct' && !showsExternalId(authMode) && !signsAssertion;
}

/** Whether the flow runs in a window (else one request with typed credentials). */
export function needsPopup(authMode: string, signsAssertion = false): boolean {
  return !connectsInDialog(authMode, signsAssertion);
}

export interface ReservedPopup {
  window: Window | null;
  close(): void;
}

/** Call synchronously in the click handler. A null window means the browser refused it (the widget will redirect). */
export function reservePopup(): ReservedPopup {
  const width = 500;
  const height = 680;
  const left = Math.max(0, Math.round(window.screenX + (window.outerWidth - width) / 2));
  const top = Math.max(0, Math.round(window.screenY + (window.outerHeight - height) / 2));
  const opened = window.open(
    'about:blank',
    POPUP_NAME,
    `popup=yes,width=${width},height=${height},left=${left},top=${top}`,
  );
  return {
    window: opened,
    close() {
      try {
        opened?.close();
      } catch {
        // already gone
      }
    },
  };
}

export interface TestConnectionFlow {
  result: Promise<ConnectResult>;
  cancel(): void;
}

export function startTestConnection(options: {
  /** Reserved in the click when `needsPopup(authMode)`. */
  popup: ReservedPopup | null;
  baseUrl: string;
  sessionToken: string;
  connectLink: string;
  integration: string;
  authMode: string;
  connectionConfig: Record<string, string>;
  /** Typed credentials for the one-request modes, by declared field name (`apiKey`, `username`, …). */
  credentials: Record<string, string>;
  /** The provider declares a signed assertion's inputs: the hosted page asks them. */
  signsAssertion?: boolean;
}): TestConnectionFlow {
  if (!needsPopup(options.authMode, options.signsAssertion)) {
    const hasCredentials = Object.keys(options.credentials).length > 0;
    const result = connect({
      baseUrl: options.baseUrl,
      sessionToken: options.sessionToken,
      integration: options.integration,
      authMode: options.authMode,
      connectionConfig: options.connectionConfig,
      ...(hasCredentials ? { credentials: options.credentials } : {}),
    });
    return { result, cancel() {} };
  }
  if (flowOf(options.authMode) === 'redirect') {
    const flow = openConnectPopup({
      baseUrl: options.baseUrl,
      sessionToken: options.sessionToken,
      integration: options.integration,
      connectionConfig: options.connectionConfig,
      // No popup could open: the page goes to Latchkey and comes back here with the result.
      returnUrl: window.location.href,
    });
    return { result: flow.result, cancel: () => flow.cancel() };
  }
  return hostedPageFlow({ ...options, popup: options.popup ?? { window: null, close() {} } });
}

/** AWS SigV4, signed assertions and unavailable modes: the hosted connect page runs (or explains) them. */
function hostedPageFlow(options: {
  popup: ReservedPopup;
  baseUrl: string;
  sessionToken: string;
  connectLink: string;
  integration: string;
}): TestConnectionFlow {
  const popup = options.popup.window;
  if (popup === null) {
    window.location.assign(options.connectLink);
    return { result: new Promise<never>(() => {}), cancel() {} };
  }
  popup.location.href = options.connectLink;
  let stop = () => {};
  let poll: ReturnType<typeof setInterval> | undefined;
  const result = new Promise<ConnectResult>((resolve, reject) => {
    stop = subscribeSessionEvents(options.baseUrl, options.sessionToken, (event) => {
      const created = event.operation === 'creation' || event.operation === 'override';
      if (!created || event.providerConfigKey !== options.integration) return;
      finish();
      if (event.success) resolve({ connectionId: event.connectionId, integration: event.providerConfigKey });
      else
        reject(
          new ConnectError(event.error?.type ?? 'connect_failed', event.error?.description ?? 'Failed.'),
        );
    });
    poll = setInterval(() => {
      if (!popup.closed) return;
      // A last event may still be on its way after the window closed.
      setTimeout(() => {
        finish();
        reject(new ConnectError('window_closed', 'The window was closed before connecting.'));
      }, 1500);
      clearInterval(poll);
    }, 300);
  });
  let done = false;
  function finish() {
    if (done) return;
    done = true;
    clearInterval(poll);
    stop();
    options.popup.close();
  }
  return { result, cancel: finish };
}

export type { ConnectResult };
export { ConnectError };
