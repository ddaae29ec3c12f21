/**
 * `<ConnectModal>`: lists the session's allowed integrations, asks what each needs, and runs its flow — the browser
 * modes (OAuth, GitHub App, plugin install) in a popup or a redirect, the credential modes (API key, basic, client
 * credentials, TWO_STEP, JWT, …) in one request with what the end user typed. Reconnect sessions open on the pinned
 * integration. Reports `ready`, `connect`, `error` and `close` through `onEvent`.
 */
import { type ReactNode, useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import { flowOf } from '../core/auth-modes';
import { WIDGET_ERROR_CODES } from '../core/connect-error';
import { resolveBaseUrl } from '../core/http';
import { completeRedirect } from '../core/redirect';
import type { ConnectMode, SessionIntegration } from '../core/types';
import { needsForm } from '../forms/form-fields';
import type { ConnectEventHandler } from './events';
import { IntegrationForm } from './IntegrationForm';
import { IntegrationList } from './IntegrationList';
import { type Locale, resolveStrings, type Strings } from './strings';
import { useWidgetStyles } from './styles';
import { sessionThemeVars, type ThemeProp, themeStyle } from './theme';
import { useConnectSession } from './use-connect-session';
import { useFlow } from './use-flow';
import { useFocusTrap } from './use-focus-trap';

export interface ConnectModalProps {
  sessionToken: string;
  /** Latchkey's URL. Default: `window.location.origin`. */
  baseUrl?: string;
  onEvent?: ConnectEventHandler;
  /** Shown while true (default true). */
  open?: boolean;
  onClose?: () => void;
  /** Wins over the environment's theme (set in the dashboard, sent with the session). */
  theme?: ThemeProp;
  /** Used when neither `theme` nor the environment sets one (the hosted page follows the browser's scheme). */
  defaultTheme?: ThemeProp;
  locale?: Locale;
  strings?: Partial<Strings>;
  mode?: ConnectMode;
  returnUrl?: string;
  /** Open directly on this integration (what `<ConnectButton>` and reconnect sessions do). */
  integration?: string;
  /** `modal` (default) overlays the page; `page` fills it, for the hosted connect page. */
  layout?: 'modal' | 'page';
}

type View = { kind: 'list' } | { kind: 'form'; integration: SessionIntegration };

export function ConnectModal(props: ConnectModalProps) {
  const { open = true, layout = 'modal' } = props;
  useWidgetStyles();
  const strings = useMemo(() => resolveStrings(props.locale, props.strings), [props.locale, props.strings]);
  const baseUrl = resolveBaseUrl(props.baseUrl);
  const onEventRef = useRef(props.onEvent);
  onEventRef.current = props.onEvent;
  const emit = useCallback<ConnectEventHandler>((event) => onEventRef.current?.(event), []);

  const session = useConnectSession(props.sessionToken, props.baseUrl);
  const flow = useFlow({
    baseUrl,
    sessionToken: props.sessionToken,
    mode: props.mode,
    returnUrl: props.returnUrl,
    emit,
  });
  const [view, setView] = useState<View>({ kind: 'list' });
  const sessionTheme = session.session?.theme;
  const theme = useMemo(
    () => props.theme ?? (sessionTheme ? sessionThemeVars(sessionTheme) : props.defaultTheme),
    [props.theme, props.defaultTheme, sessionTheme],
  );
  const titleId = useId();
  const dialogRef = useRef<HTMLDivElement>(null);

  // A redirect flow comes back to this page with its result in the URL.
  const { setState: setFlowState } = flow;
  useEffect(() => {
    const outcome = completeRedirect();
    if (outcome === null) return;
    if (outcome.ok) {
      setFlowState({ kind: 'done', integration: undefined, result: outcome.result });
      emit({ type: 'connect', ...outcome.result });
    } else {
      setFlowState({ kind: 'failed', integration: undefined, error: outcome.error });
      emit({ type: 'error', code: outcome.error.code, message: outcome.error.message });
    }
  }, [emit, setFlowState]);

  const pinnedKey =
    props.integration ??
    (session.session?.isReconnecting ? session.session.allowed_integrations?.[0] : undefined);
  const pinned =
    pinnedKey === undefined ? undefined : session.integrations.find((i) => i.unique_key === pinnedKey);

  const readySent = useRef(false);
  useEffect(() => {
    if (session.status === 'ready' && !readySent.current) {
      readySent.current = true;
      emit({ type: 'ready' });
    }
    if (session.status === 'error' && session.error) {
      emit({ type: 'error', code: session.error.code, message: session.error.message });
    }
  }, [session.status, session.error, emit]);

  const close = useCallback(() => {
    flow.reset();
    emit({ type: 'close' });
    props.onClose?.();
  }, [flow.reset, emit, props.onClose]);
  const current: View = pinned ? { kind: 'form', integration: pinned } : view;
  const contentKey = `${session.status}:${flow.state.kind}:${current.kind === 'form' ? current.integration.unique_key : ''}`;
  useFocusTrap(dialogRef, open && layout === 'modal', close, contentKey);

  if (!open) return null;

  const select = (integration: SessionIntegration) => {
    if (needsForm(integration)) setView({ kind: 'form', integration });
    else flow.start(integration); // in the click: the popup may open
  };

  let body: ReactNode;
  const state = flow.state;
  if (state.kind === 'done') {
    const name = state.integration?.display_name ?? state.result.integration;
    body = (
      <div>
        <p className="lk-success" role="status">
          {strings.connected(name)}
        </p>
        <button type="button" className="lk-primary" onClick={close}>
          {strings.done}
        </button>
      </div>
    );
  } else if (state.kind === 'failed') {
    body = (
      <div>
        <div className="lk-alert" role="alert">
          <strong>{strings.errorTitle}</strong>
          <div>{strings.errors[state.error.code] ?? state.error.message}</div>
        </div>
        <button type="button" className="lk-primary" onClick={() => flow.setState({ kind: 'idle' })}>
          {strings.retry}
        </button>
      </div>
    );
  } else if (session.status === 'loading') {
    body = (
      <p className="lk-muted" role="status">
        {strings.loading}
      </p>
    );
  } else if (session.status === 'error') {
    body = (
      <div>
        <div className="lk-alert" role="alert">
          {strings.errors[session.error?.code ?? ''] ?? session.error?.message}
        </div>
        <button type="button" className="lk-primary" onClick={session.reload}>
          {strings.retry}
        </button>
      </div>
    );
  } else if (state.kind === 'pending' && state.popup) {
    body = (
      <p className="lk-muted" role="status">
        {strings.waitingForPopup}
      </p>
    );
  } else if (current.kind === 'form' && flowOf(current.integration.auth_mode) === 'unavailable') {
    body = <UnavailableNotice name={current.integration.display_name} strings={strings} emit={emit} />;
  } else if (current.kind === 'form') {
    const integration = current.integration;
    body = (
      <IntegrationForm
        key={integration.unique_key}
        integration={integration}
        reconnecting={session.session?.isReconnecting === true}
        initial={stringValues(
          session.session?.integrations_config_defaults?.[integration.unique_key]?.connection_config,
        )}
        strings={strings}
        busy={state.kind === 'pending'}
        onSubmit={(values) => flow.start(integration, values)}
      />
    );
  } else {
    body = <IntegrationList integrations={session.integrations} strings={strings} onSelect={select} />;
  }

  const heading =
    current.kind === 'form' && state.kind !== 'done'
      ? strings.connectTo(current.integration.display_name)
      : strings.title;
  const dialog = (
    <div
      ref={dialogRef}
      className="lk-dialog"
      role="dialog"
      aria-modal={layout === 'modal' ? true : undefined}
      aria-labelledby={titleId}
      tabIndex={-1}
    >
      <div className="lk-head">
        {current.kind === 'form' && !pinned && state.kind === 'idle' && (
          <button type="button" className="lk-icon-btn" onClick={() => setView({ kind: 'list' })}>
            ← {strings.back}
          </button>
        )}
        {sessionTheme?.logoUrl && props.theme === undefined && (
          <img className="lk-brand" src={sessionTheme.logoUrl} alt="" />
        )}
        <h2 id={titleId}>{heading}</h2>
        {layout === 'modal' && (
          <button type="button" className="lk-icon-btn" aria-label={strings.close} onClick={close}>
            ×
          </button>
        )}
      </div>
      {current.kind === 'list' && state.kind === 'idle' && session.status === 'ready' && (
        <p className="lk-muted">{strings.subtitle}</p>
      )}
      {body}
    </div>
  );

  return (
    <div className={`lk-root ${layout === 'page' ? 'lk-page' : ''}`} style={themeStyle(theme)}>
      {layout === 'modal' ? (
        // biome-ignore lint/a11y/noStaticElementInteractions: a backdrop click is a mouse shortcut; Escape and the Close button are the keyboard ways.
        <div
          className="lk-overlay"
          onMouseDown={(event) => {
            if (event.target === event.currentTarget) close();
          }}
        >
          {dialog}
        </div>
      ) : (
        dialog
      )}
    </div>
  );
}

/** A mode Latchkey cannot run yet (MCP): said plainly, and reported once to the app, rather than a dead button. */
function UnavailableNotice(props: { name: string; strings: Strings; emit: ConnectEventHandler }) {
  const { name, strings, emit } = props;
  useEffect(() => {
    emit({ type: 'error', code: WIDGET_ERROR_CODES.unsupportedAuthMode, message: strings.unavailable(name) });
  }, [emit, name, strings]);
  return (
    <div className="lk-alert" role="alert">
      {strings.unavailable(name)}
    </div>
  );
}

function stringValues(input: Record<string, unknown> | undefined): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(input ?? {})) if (typeof value === 'string') values[key] = value;
  return values;
}
