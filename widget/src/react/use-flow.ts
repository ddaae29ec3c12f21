/** Starts the flow an integration needs (popup, redirect or one request) and tracks it, for the components. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { ConnectError } from '../core/connect-error';
import { connectDirect, isDirectMode } from '../core/http';
import { openConnectPopup, type PopupFlow } from '../core/popup';
import type { ConnectMode, ConnectResult, CredentialsInput, SessionIntegration } from '../core/types';
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

/** Whether the integration needs a form before its flow can start. */
export function needsForm(integration: SessionIntegration): boolean {
  return Object.keys(integration.connection_config).length > 0 || asksCredentials(integration);
}

export function asksCredentials(integration: SessionIntegration): boolean {
  return (
    ['API_KEY', 'BASIC', 'OAUTH2_CC'].includes(integration.auth_mode) &&
    Object.keys(integration.credentials).length > 0
  );
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
    const direct = isDirectMode(integration.auth_mode);
    if (direct) {
      pending = connectDirect(
        baseUrl,
        sessionToken,
        integration.unique_key,
        integration.auth_mode,
        connectionConfig,
        credentialsOf(integration, values?.credentials),
      );
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
    setState({ kind: 'pending', integration, popup: !direct });
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

function credentialsOf(
  integration: SessionIntegration,
  typed: Record<string, string> | undefined,
): CredentialsInput | undefined {
  if (integration.auth_mode === 'API_KEY') return { apiKey: typed?.apiKey ?? '' };
  if (integration.auth_mode === 'BASIC')
    return { username: typed?.username ?? '', password: typed?.password ?? '' };
  if (integration.auth_mode === 'OAUTH2_CC' && typed && Object.keys(typed).length > 0) {
    return typed as unknown as CredentialsInput;
  }
  return undefined;
}
