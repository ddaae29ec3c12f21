/**
 * `<ConnectButton>` (one integration) and the headless hooks, against the real Latchkey of the global setup.
 */
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConnectButton, type ConnectEvent, useConnect, useConnectSession } from '../src/index';
import { axeViolations } from './support/axe';
import { postFromPopup, stubWindowOpen } from './support/fake-popup';
import { GOOD_API_KEY, latchkeyClient } from './support/latchkey-client';

const lk = latchkeyClient();

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe('ConnectButton', () => {
  it('opens the OAuth popup on the click itself and reports the connection', async () => {
    const popups = stubWindowOpen();
    const events: ConnectEvent[] = [];
    const { container } = render(
      <ConnectButton
        integration="local"
        sessionToken={await lk.createSession()}
        baseUrl={lk.url}
        onEvent={(event) => events.push(event)}
      />,
    );
    // The first session read of the run may meet a cold server on a busy machine.
    const button = await screen.findByRole('button', { name: 'Connect Local OIDC' }, { timeout: 10_000 });
    expect(await axeViolations(container)).toEqual([]);
    fireEvent.click(button);
    expect(popups.opened).toHaveLength(1);
    expect(popups.opened[0]!.url().pathname).toBe('/oauth/connect/local');
    expect((button as HTMLButtonElement).disabled).toBe(true);

    postFromPopup(lk.url, {
      type: 'nango_oauth_callback_success',
      providerConfigKey: 'local',
      connectionId: 'from-popup',
      latchkeyNonce: popups.opened[0]!.nonce(),
    });
    await waitFor(() =>
      expect(events).toContainEqual({ type: 'connect', connectionId: 'from-popup', integration: 'local' }),
    );
  });

  it('opens the modal on its integration when a form is needed', async () => {
    const events: ConnectEvent[] = [];
    render(
      <ConnectButton
        integration="acme"
        sessionToken={await lk.createSession()}
        baseUrl={lk.url}
        onEvent={(event) => events.push(event)}
        locale="fr"
      >
        Ajouter Acme
      </ConnectButton>,
    );
    fireEvent.click(await screen.findByRole('button', { name: 'Ajouter Acme' }));
    expect(await screen.findByRole('dialog', { name: 'Connecter Acme API' })).toBeTruthy();
    fireEvent.change(screen.getByLabelText('API key'), { target: { value: GOOD_API_KEY } });
    fireEvent.click(screen.getByRole('button', { name: 'Connecter Acme API' }));
    await waitFor(() => expect(events.some((event) => event.type === 'connect')).toBe(true));
    const connected = events.find((event) => event.type === 'connect') as { connectionId: string };
    expect(await lk.connectionExists(connected.connectionId, 'acme')).toBe(true);

    fireEvent.click(screen.getByRole('button', { name: 'Terminé' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(events.at(-1)).toEqual({ type: 'close' });
  });
});

/** An app's own UI on the hooks: the session's integrations and a button that connects Acme with a typed key. */
function Headless(props: { token: string; apiKey: string }) {
  const session = useConnectSession(props.token, lk.url);
  const { connect, status, result, error } = useConnect({ sessionToken: props.token, baseUrl: lk.url });
  const acme = session.integrations.find((integration) => integration.unique_key === 'acme');
  return (
    <div>
      <p>session: {session.status}</p>
      <ul>
        {session.integrations.map((integration) => (
          <li key={integration.unique_key}>{integration.display_name}</li>
        ))}
      </ul>
      <button
        type="button"
        disabled={!acme}
        onClick={() =>
          connect('acme', { credentials: { apiKey: props.apiKey }, authMode: acme?.auth_mode }).catch(
            () => {},
          )
        }
      >
        link acme
      </button>
      <p>status: {status}</p>
      {result && <p>connected: {result.connectionId}</p>}
      {error && <p>failed: {error.code}</p>}
    </div>
  );
}

function BrokenSession() {
  const session = useConnectSession('nango_connect_session_not-a-real-token', lk.url);
  return <p>{session.error ? `error: ${session.error.code}` : session.status}</p>;
}

describe('headless hooks', () => {
  it('load the session and connect with typed credentials', async () => {
    render(<Headless token={await lk.createSession(['acme', 'local'])} apiKey={GOOD_API_KEY} />);
    await screen.findByText('session: ready');
    expect(
      screen
        .getAllByRole('listitem')
        .map((item) => item.textContent)
        .sort(),
    ).toEqual(['Acme API', 'Local OIDC']);
    fireEvent.click(screen.getByRole('button', { name: 'link acme' }));
    const connected = await screen.findByText(/^connected: /);
    const connectionId = connected.textContent!.replace('connected: ', '');
    expect(await lk.connectionExists(connectionId, 'acme')).toBe(true);
    expect(screen.getByText('status: success')).toBeTruthy();
  });

  it("report the server's error code and a bad session token", async () => {
    render(<Headless token={await lk.createSession(['acme'])} apiKey="not-the-key" />);
    await screen.findByText('session: ready');
    fireEvent.click(screen.getByRole('button', { name: 'link acme' }));
    expect(await screen.findByText('failed: connection_test_failed')).toBeTruthy();
    expect(screen.getByText('status: error')).toBeTruthy();
    cleanup();

    render(<BrokenSession />);
    expect((await screen.findByText(/^error: /)).textContent).toMatch(
      /^error: (invalid|unknown)_connect_session/,
    );
  });
});
