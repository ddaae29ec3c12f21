/** Headless: the connect session and its allowed integrations, loaded from Latchkey. */
import { useCallback, useEffect, useState } from 'react';
import type { ConnectError } from '../core/connect-error';
import { fetchSession, resolveBaseUrl } from '../core/http';
import type { ConnectSessionInfo, SessionIntegration } from '../core/types';

export interface ConnectSessionState {
  status: 'loading' | 'ready' | 'error';
  session: ConnectSessionInfo | null;
  integrations: SessionIntegration[];
  error: ConnectError | null;
  reload(): void;
}

export function useConnectSession(sessionToken: string, baseUrl?: string): ConnectSessionState {
  const base = resolveBaseUrl(baseUrl);
  const [generation, setGeneration] = useState(0);
  const [state, setState] = useState<Omit<ConnectSessionState, 'reload'>>({
    status: 'loading',
    session: null,
    integrations: [],
    error: null,
  });

  // biome-ignore lint/correctness/useExhaustiveDependencies: `generation` is the reload trigger.
  useEffect(() => {
    const controller = new AbortController();
    setState((previous) => ({ ...previous, status: 'loading', error: null }));
    fetchSession(base, sessionToken, controller.signal).then(
      (session) => {
        if (!controller.signal.aborted) {
          setState({ status: 'ready', session, integrations: session.integrations, error: null });
        }
      },
      (error: ConnectError) => {
        if (!controller.signal.aborted) setState({ status: 'error', session: null, integrations: [], error });
      },
    );
    return () => controller.abort();
  }, [base, sessionToken, generation]);

  const reload = useCallback(() => setGeneration((n) => n + 1), []);
  return { ...state, reload };
}
