/**
 * `<ConnectButton>` for one integration: a browser flow without questions (OAuth, GitHub App) opens the popup on the
 * click itself; anything that needs a form (credentials, a subdomain) opens `<ConnectModal>` on that integration.
 */
import { type ReactNode, useCallback, useMemo, useRef, useState } from 'react';
import { resolveBaseUrl } from '../core/http';
import type { ConnectMode } from '../core/types';
import { needsForm } from '../forms/form-fields';
import { ConnectModal } from './ConnectModal';
import type { ConnectEventHandler } from './events';
import { type Locale, resolveStrings, type Strings } from './strings';
import { useWidgetStyles } from './styles';
import { type ThemeProp, themeStyle } from './theme';
import { useConnectSession } from './use-connect-session';
import { useFlow } from './use-flow';

export interface ConnectButtonProps {
  integration: string;
  sessionToken: string;
  baseUrl?: string;
  onEvent?: ConnectEventHandler;
  children?: ReactNode;
  theme?: ThemeProp;
  locale?: Locale;
  strings?: Partial<Strings>;
  mode?: ConnectMode;
  returnUrl?: string;
}

export function ConnectButton(props: ConnectButtonProps) {
  useWidgetStyles();
  const strings = useMemo(() => resolveStrings(props.locale, props.strings), [props.locale, props.strings]);
  const session = useConnectSession(props.sessionToken, props.baseUrl);
  const onEventRef = useRef(props.onEvent);
  onEventRef.current = props.onEvent;
  const emit = useCallback<ConnectEventHandler>((event) => onEventRef.current?.(event), []);
  const flow = useFlow({
    baseUrl: resolveBaseUrl(props.baseUrl),
    sessionToken: props.sessionToken,
    mode: props.mode,
    returnUrl: props.returnUrl,
    emit,
  });
  const [modalOpen, setModalOpen] = useState(false);
  const integration = session.integrations.find((i) => i.unique_key === props.integration);
  const label = integration ? strings.connectTo(integration.display_name) : strings.connect;

  const onClick = () => {
    if (integration && !needsForm(integration)) flow.start(integration);
    else setModalOpen(true);
  };

  return (
    <>
      <button
        type="button"
        className="lk-trigger lk-root"
        style={themeStyle(props.theme)}
        onClick={onClick}
        disabled={flow.state.kind === 'pending'}
        aria-busy={flow.state.kind === 'pending' || undefined}
      >
        {props.children ?? (flow.state.kind === 'pending' ? strings.connecting : label)}
      </button>
      {modalOpen && (
        <ConnectModal
          sessionToken={props.sessionToken}
          integration={props.integration}
          onClose={() => setModalOpen(false)}
          onEvent={emit}
          {...pick(props, ['baseUrl', 'theme', 'locale', 'strings', 'mode', 'returnUrl'])}
        />
      )}
    </>
  );
}

function pick<T extends object, K extends keyof T>(source: T, keys: K[]): Partial<Pick<T, K>> {
  const picked: Partial<Pick<T, K>> = {};
  for (const key of keys) if (source[key] !== undefined) picked[key] = source[key];
  return picked;
}
