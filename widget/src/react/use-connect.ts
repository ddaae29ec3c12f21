/** Headless: start a connection from the app's own UI. `connect` must be called in the click handler for OAuth. */
import { useCallback, useRef, useState } from 'react';
import { connect as connectCore } from '../core/connect';
import { ConnectError } from '../core/connect-error';
import type { ConnectMode, ConnectResult, CredentialsInput } from '../core/types';

export interface UseConnectOptions {
  sessionToken: string;
  baseUrl?: string;
  mode?: ConnectMode;
  returnUrl?: string;
}

export interface ConnectCallOptions {
  connectionConfig?: Record<string, string>;
  credentials?: CredentialsInput;
  /** The integration's auth mode (from `useConnectSession`); guessed from `credentials` when absent. */
  authMode?: string;
}

export interface UseConnect {
  connect(integration: string, options?: ConnectCallOptions): Promise<ConnectResult>;
  status: 'idle' | 'pending' | 'success' | 'error';
  result: ConnectResult | null;
  error: ConnectError | null;
}

export function useConnect(options: UseConnectOptions): UseConnect {
  const [state, setState] = useState<Omit<UseConnect, 'connect'>>({
    status: 'idle',
    result: null,
    error: null,
  });
  const latest = useRef(0);
  const { sessionToken, baseUrl, mode, returnUrl } = options;

  const connect = useCallback(
    (integration: string, call: ConnectCallOptions = {}) => {
      const run = ++latest.current;
      // Synchronous up to window.open: the popup must open inside the user's click.
      const pending = connectCore({
        sessionToken,
        integration,
        ...(baseUrl === undefined ? {} : { baseUrl }),
        ...(mode === undefined ? {} : { mode }),
        ...(returnUrl === undefined ? {} : { returnUrl }),
        ...call,
      });
      setState({ status: 'pending', result: null, error: null });
      pending.then(
        (result) => {
          if (run === latest.current) setState({ status: 'success', result, error: null });
        },
        (error: unknown) => {
          const reported =
            error instanceof ConnectError ? error : new ConnectError('unknown_error', String(error));
          if (run === latest.current) setState({ status: 'error', result: null, error: reported });
        },
      );
      return pending;
    },
    [sessionToken, baseUrl, mode, returnUrl],
  );

  return { connect, ...state };
}
