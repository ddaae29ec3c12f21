/** Starts the flow an integration needs (popup, redirect or one request) and tracks it, for the components. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { flowOf } from '../core/auth-modes';
import { ConnectError } from '../core/connect-error';
import { connectDirect, unsupportedAuthMode } from '../core/http';
import { openConnectPopup, type PopupFlow } from '../core/popup';
import type { ConnectMode, ConnectResult, SessionIntegration } from '../core/types';
import { credentialsOf } from '../forms/form-fields';
import type { ConnectEventHandler } from './events';
import type { FormValues } from './IntegrationForm';

export type FlowState =
  | { kind: 'idle' }
  | { kind: 'pending'; integration: SessionIntegration; popup: boolean }
  | { kind: 'done'; integration: SessionIntegration | undefined; result: ConnectResult }
  | { kind: 'failed'; integration: SessionIntegration | undefined; error: ConnectError };

export interface FlowSettings {
  baseUrl: string;
  sessionToken: string;
  mode: ConnectMode | undefined;
  returnUrl: string | undefined;
  emit: ConnectEventHandler;
}

export function useFlow(settings: FlowSettings) {
  const [state, setState] = useState<FlowState>({ kind: 'idle' });
  const current = useRef<PopupFlow | null>(null);
  const run = useRef(0);
  const settingsRef = useRef(settings);
  settingsRef.current = settings;

  useEffect(() => () => current.current?.cancel(), []);

  /** Must be called synchronously from the user's click or submit: the popup opens right here. */
  const start = useCallback((integration: SessionIntegration, values?: FormValues) => {
    const { baseUrl, sessionToken, mode, returnUrl, emit } = settingsRef.current;
    const id = ++run.current;
    current.current?.cancel();
    current.current = null;
    const connectionConfig = values?.connectionConfig ?? {};
    let pending: Promise<ConnectResult>;
    const kind = flowOf(integration.auth_mode);
    if (kind === 'direct') {
      pending = connectDirect(
        baseUrl,
        sessionToken,
        integration.unique_key,
        integration.auth_mode,
        connectionConfig,
        credentialsOf(integration, values?.credentials),
        values?.assertionOption,
      );
    } else if (kind === 'unavailable') {
      pending = Promise.reject(unsupportedAuthMode(integration.auth_mode));
    } else {
      const flow = openConnectPopup({
        baseUrl,
        sessionToken,
        integration: integration.unique_key,
        connectionConfig,
        ...(mode === undefined ? {} : { mode }),
        ...(returnUrl === undefined ? {} : { returnUrl }),
        // A COOP-severed popup looked closed; the connection was made after all.
        onLateResult: (result) => {
          if (id !== run.current) return;
          setState({ kind: 'done', integration, result });
          emit({ type: 'connect', connectionId: result.connectionId, integration: result.integration });
        },
      });
      current.current = flow;
      pending = flow.result;
    }
    setState({ kind: 'pending', integration, popup: kind === 'redirect' });
    pending.then(
      (result) => {
        if (id !== run.current) return;
        setState({ kind: 'done', integration, result });
        emit({ type: 'connect', connectionId: result.connectionId, integration: result.integration });
      },
      (error: unknown) => {
        if (id !== run.current) return;
        const reported =
          error instanceof ConnectError ? error : new ConnectError('unknown_error', String(error));
        setState({ kind: 'failed', integration, error: reported });
        emit({ type: 'error', code: reported.code, message: reported.message });
      },
    );
  }, []);

  const reset = useCallback(() => {
    run.current++;
    current.current?.cancel();
    current.current = null;
    setState({ kind: 'idle' });
  }, []);

  return { state, setState, start, reset };
}
