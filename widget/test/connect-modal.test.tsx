/**
 * `<ConnectModal>` against a real Latchkey (real session API, real credential verification, real OAuth server):
 * listing, search and categories, generated forms with validation before submit, the popup hand-off, reconnect,
 * strings, themes, keyboard and axe. The popup itself is a stub: jsdom has no windows (browser tests cover it).
 */
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { driveAuthorization } from '../../server/test/support/browser-driver';
import { type ConnectEvent, ConnectModal, type ConnectModalProps } from '../src/index';
import { axeViolations } from './support/axe';
import { postFromPopup, stubWindowOpen } from './support/fake-popup';
import { BASIC_USER, GOOD_API_KEY, latchkeyClient } from './support/latchkey-client';

const lk = latchkeyClient();
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  sessionStorage.clear();
});

function renderModal(sessionToken: string, props: Partial<ConnectModalProps> = {}) {
  const events: ConnectEvent[] = [];
  const view = render(
    <ConnectModal
      sessionToken={sessionToken}
      baseUrl={lk.url}
      onEvent={(event) => events.push(event)}
      {...props}
    />,
  );
  return { events, ...view };
}

function eventOf<T extends ConnectEvent['type']>(events: ConnectEvent[], type: T) {
  return events.find((event): event is Extract<ConnectEvent, { type: T }> => event.type === type);
}

async function waitForEvent<T extends ConnectEvent['type']>(events: ConnectEvent[], type: T) {
  await waitFor(() => expect(eventOf(events, type)).toBeDefined(), { timeout: 10_000 });
  return eventOf(events, type)!;
}

function flowRequests(spy: { mock: { calls: unknown[][] } }, path: string): string[] {
  return spy.mock.calls.map(([input]) => String(input)).filter((url) => url.includes(path));
}

/** An app that closes the modal when asked. */
function ClosableModal(props: { token: string; events: ConnectEvent[] }) {
  const [open, setOpen] = useState(true);
  return (
    <ConnectModal
      sessionToken={props.token}
      baseUrl={lk.url}
      open={open}
      onClose={() => setOpen(false)}
      onEvent={(event) => props.events.push(event)}
    />
  );
}

describe('ConnectModal', () => {
  it("lists the session's integrations with search and categories, reports ready, and passes axe", async () => {
    const { events, container } = renderModal(await lk.createSession());
    // The first session read of the run may meet a cold server on a busy machine.
    await screen.findByRole('button', { name: 'Acme API' }, { timeout: 10_000 });
    // The event is sent from an effect, which may run a moment after the list shows.
    expect(await waitForEvent(events, 'ready')).toEqual({ type: 'ready' });
    expect(screen.getByRole('dialog', { name: 'Connect an account' })).toBeTruthy();
    for (const name of ['Local OIDC', 'Basic CRM', 'Tenant OAuth']) {
      expect(screen.getByRole('button', { name })).toBeTruthy();
    }

    const search = screen.getByRole('searchbox', { name: 'Search integrations' });
    fireEvent.change(search, { target: { value: 'crm' } });
    expect(screen.getByRole('button', { name: 'Basic CRM' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Acme API' })).toBeNull();
    fireEvent.change(search, { target: { value: 'nothing-like-this' } });
    expect(screen.getByText('No integration matches your search.')).toBeTruthy();
    fireEvent.change(search, { target: { value: '' } });

    fireEvent.change(screen.getByRole('combobox', { name: 'Category' }), { target: { value: 'crm' } });
    expect(screen.getByRole('button', { name: 'Basic CRM' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Tenant OAuth' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Acme API' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Local OIDC' })).toBeNull();

    expect(await axeViolations(container)).toEqual([]);
  });

  it('shows only the integrations the session allows', async () => {
    renderModal(await lk.createSession(['acme', 'local']));
    await screen.findByRole('button', { name: 'Acme API' });
    expect(screen.getByRole('button', { name: 'Local OIDC' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Basic CRM' })).toBeNull();
  });

  it('API key: a form from the declared fields, checked before submit, connecting through the session API', async () => {
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    const { events, container } = renderModal(await lk.createSession());
    fireEvent.click(await screen.findByRole('button', { name: 'Acme API' }));

    const input = screen.getByLabelText('API key') as HTMLInputElement;
    expect(input.type).toBe('password');
    const help = document.getElementById(input.getAttribute('aria-describedby')!.split(' ')[0]!);
    expect(help?.textContent).toContain('Your API key');
    const docs = screen.getByRole('link', { name: 'Where do I find this?' }) as HTMLAnchorElement;
    expect(docs.href).toBe('https://example.com/docs/acme/connect');
    expect(await axeViolations(container)).toEqual([]);

    // Empty: refused in the browser, nothing sent.
    fireEvent.click(screen.getByRole('button', { name: 'Connect Acme API' }));
    expect(screen.getByRole('alert').textContent).toBe('This field is required.');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(input);
    expect(flowRequests(fetchSpy, '/api-auth/')).toEqual([]);
    expect(await axeViolations(container)).toEqual([]);

    // A key the provider refuses: the server's error is shown and reported.
    fireEvent.change(input, { target: { value: 'wrong-key' } });
    fireEvent.click(screen.getByRole('button', { name: 'Connect Acme API' }));
    const error = await waitForEvent(events, 'error');
    expect(error.code).toBe('connection_test_failed');
    expect((await screen.findByRole('alert')).textContent).toContain('The connection failed');
    expect(flowRequests(fetchSpy, '/api-auth/api-key/acme?connect_session_token=')).toHaveLength(1);

    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    fireEvent.change(screen.getByLabelText('API key'), { target: { value: GOOD_API_KEY } });
    fireEvent.click(screen.getByRole('button', { name: 'Connect Acme API' }));
    const connected = await waitForEvent(events, 'connect');
    expect(connected.integration).toBe('acme');
    expect(await screen.findByText('Acme API is connected.')).toBeTruthy();
    expect(await lk.connectionExists(connected.connectionId, 'acme')).toBe(true);
    expect(container.innerHTML).not.toContain(GOOD_API_KEY);
  });

  it('basic: user name and password, connecting through the session API', async () => {
    const { events } = renderModal(await lk.createSession());
    fireEvent.click(await screen.findByRole('button', { name: 'Basic CRM' }));
    fireEvent.change(screen.getByLabelText('User name'), { target: { value: BASIC_USER.username } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: BASIC_USER.password } });
    expect((screen.getByLabelText('Password') as HTMLInputElement).type).toBe('password');
    fireEvent.click(screen.getByRole('button', { name: 'Connect Basic CRM' }));
    const connected = await waitForEvent(events, 'connect');
    expect(connected.integration).toBe('crm-basic');
    expect(await lk.connectionExists(connected.connectionId, 'crm-basic')).toBe(true);
  });

  it("asks connection config before the OAuth popup and checks it with the provider's pattern, as the server does", async () => {
    const popups = stubWindowOpen();
    const token = await lk.createSession();
    const { events } = renderModal(token);
    fireEvent.click(await screen.findByRole('button', { name: 'Tenant OAuth' }));
    const subdomain = screen.getByLabelText('Subdomain') as HTMLInputElement;
    expect(subdomain.placeholder).toBe('acme');
    const submit = () => fireEvent.click(screen.getByRole('button', { name: 'Connect Tenant OAuth' }));

    fireEvent.change(subdomain, { target: { value: 'a'.repeat(1025) } });
    submit();
    expect(screen.getByRole('alert').textContent).toBe('This value is too long.');
    fireEvent.change(subdomain, { target: { value: 'under_score' } });
    submit();
    expect(screen.getByRole('alert').textContent).toBe('This value does not have the expected format.');
    expect(popups.calls).toEqual([]);

    // The server refuses the same value for the same reason.
    const refused = await fetch(
      `${lk.url}/oauth/connect/tenant?connect_session_token=${token}&params[subdomain]=under_score`,
      { headers: { accept: 'application/json' } },
    );
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe(
      'invalid_connection_config',
    );

    fireEvent.change(subdomain, { target: { value: 'acme' } });
    submit();
    expect(popups.calls).toHaveLength(1);
    expect(popups.calls[0]!.url).toBe('about:blank');
    expect(popups.calls[0]!.features).not.toMatch(/noopener|noreferrer/);
    const popup = popups.opened[0]!;
    expect(popup.url().origin + popup.url().pathname).toBe(`${lk.url}/oauth/connect/tenant`);
    expect(popup.url().searchParams.get('params[subdomain]')).toBe('acme');
    expect(popup.url().searchParams.get('connect_session_token')).toBe(token);
    expect(popup.nonce()).toMatch(/^[0-9a-f]{32}$/);
    expect(screen.getByRole('status').textContent).toBe('Finish signing in in the window that opened.');

    postFromPopup(lk.url, {
      type: 'nango_oauth_callback_error',
      payload: { message: 'The user refused access', errorType: 'access_denied' },
      latchkeyNonce: popup.nonce(),
    });
    const error = await waitForEvent(events, 'error');
    expect(error).toEqual({ type: 'error', code: 'access_denied', message: 'The user refused access' });
  });

  it('OAuth with the real authorization server: only a message from Latchkey with the flow nonce completes it', async () => {
    const popups = stubWindowOpen();
    const { events } = renderModal(await lk.createSession());
    fireEvent.click(await screen.findByRole('button', { name: 'Local OIDC' }));
    // No form to fill: the popup opened on the click itself.
    expect(popups.opened).toHaveLength(1);
    const popup = popups.opened[0]!;
    expect(popup.url().pathname).toBe('/oauth/connect/local');

    // Before any connection exists: a forged origin and a foreign nonce change nothing.
    const forged = {
      type: 'nango_oauth_callback_success',
      providerConfigKey: 'local',
      connectionId: 'forged',
    };
    postFromPopup('https://evil.example', { ...forged, latchkeyNonce: popup.nonce() });
    postFromPopup(lk.url, { ...forged, latchkeyNonce: 'f'.repeat(32) });
    postFromPopup(lk.url, forged);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(events.filter((event) => event.type === 'connect' || event.type === 'error')).toEqual([]);
    expect(screen.getByRole('status').textContent).toBe('Finish signing in in the window that opened.');

    // The user logs in and consents at the authorization server; Latchkey completes the flow.
    const { callbackUrl } = await driveAuthorization(popup.location.href, { issuer: lk.issuer });
    const completed = await lk.complete(callbackUrl);
    expect(completed.status).toBe(200);
    const { connectionId } = (await completed.json()) as { connectionId: string };
    postFromPopup(lk.url, {
      type: 'nango_oauth_callback_success',
      providerConfigKey: 'local',
      connectionId,
      latchkeyNonce: popup.nonce(),
    });
    const connected = await waitForEvent(events, 'connect');
    expect(connected).toEqual({ type: 'connect', connectionId, integration: 'local' });
    expect(await lk.connectionExists(connectionId, 'local')).toBe(true);
    expect(await screen.findByText('Local OIDC is connected.')).toBeTruthy();
  });

  it('reports a popup closed by the user as window_closed', async () => {
    const popups = stubWindowOpen();
    const { events } = renderModal(await lk.createSession());
    fireEvent.click(await screen.findByRole('button', { name: 'Local OIDC' }));
    popups.opened[0]!.close();
    const error = await waitForEvent(events, 'error');
    expect(error.code).toBe('window_closed');
    expect((await screen.findByRole('alert')).textContent).toContain(
      'The window was closed before the connection finished.',
    );
  });

  it('falls back to a redirect when the popup is blocked, and reads the result on return', async () => {
    const popups = stubWindowOpen({ blocked: true });
    // jsdom cannot navigate; it reports the attempt on the console, which is expected here.
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const first = renderModal(await lk.createSession());
    fireEvent.click(await screen.findByRole('button', { name: 'Local OIDC' }));
    expect(popups.calls).toHaveLength(1);
    const stored = JSON.parse(sessionStorage.getItem('latchkey:redirect-flow') ?? '{}') as { nonce?: string };
    expect(stored.nonce).toMatch(/^[0-9a-f]{32}$/);
    first.unmount();

    // Latchkey's 303 back to the return URL, as the server sends it.
    const back = `/app?tab=2&latchkey_result=success&latchkey_nonce=${stored.nonce}&connection_id=c-9&provider_config_key=local`;
    window.history.replaceState(null, '', back);
    const { events } = renderModal(await lk.createSession());
    expect(await waitForEvent(events, 'connect')).toEqual({
      type: 'connect',
      connectionId: 'c-9',
      integration: 'local',
    });
    expect(window.location.pathname + window.location.search).toBe('/app?tab=2');
  });

  it('jumps straight to the pinned integration of a reconnect session', async () => {
    const token = await lk.createSession();
    const first = await fetch(`${lk.url}/api-auth/api-key/acme?connect_session_token=${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ apiKey: GOOD_API_KEY }),
    });
    const { connectionId } = (await first.json()) as { connectionId: string };
    const reconnectToken = await lk.createReconnectSession(connectionId, 'acme');

    const { events } = renderModal(reconnectToken);
    const input = await screen.findByLabelText('API key');
    expect(screen.getByRole('heading', { name: 'Connect Acme API' })).toBeTruthy();
    expect(screen.queryByRole('searchbox')).toBeNull();
    expect(screen.queryByRole('button', { name: /Back/ })).toBeNull();
    fireEvent.change(input, { target: { value: GOOD_API_KEY } });
    fireEvent.click(screen.getByRole('button', { name: 'Connect Acme API' }));
    expect(await waitForEvent(events, 'connect')).toEqual({
      type: 'connect',
      connectionId,
      integration: 'acme',
    });
  });

  it('speaks French, takes string overrides and themes', async () => {
    const { container } = renderModal(await lk.createSession(), {
      locale: 'fr',
      strings: { title: 'Connectez votre outil' },
      theme: 'dark',
    });
    await screen.findByRole('button', { name: 'Acme API' });
    expect(screen.getByRole('dialog', { name: 'Connectez votre outil' })).toBeTruthy();
    expect(screen.getByRole('searchbox', { name: 'Rechercher une intégration' })).toBeTruthy();
    const root = container.querySelector<HTMLElement>('.lk-root')!;
    expect(root.style.getPropertyValue('--lk-background')).toBe('#17191f');
    fireEvent.click(screen.getByRole('button', { name: 'Acme API' }));
    fireEvent.click(screen.getByRole('button', { name: 'Connecter Acme API' }));
    expect(screen.getByRole('alert').textContent).toBe('Ce champ est obligatoire.');
    cleanup();

    const custom = renderModal(await lk.createSession(), { theme: { accent: '#c2410c' } });
    await screen.findByRole('button', { name: 'Acme API' });
    const customRoot = custom.container.querySelector<HTMLElement>('.lk-root')!;
    expect(customRoot.style.getPropertyValue('--lk-accent')).toBe('#c2410c');
    expect(customRoot.style.getPropertyValue('--lk-background')).toBe('#ffffff');
    expect(document.querySelectorAll('style[data-latchkey-widget]')).toHaveLength(1);
  });

  it('keeps keyboard focus inside, closes on Escape with a close event, and gives focus back', async () => {
    const outside = document.createElement('button');
    outside.textContent = 'Open connect';
    document.body.appendChild(outside);
    outside.focus();
    const token = await lk.createSession();
    const events: ConnectEvent[] = [];
    render(<ClosableModal token={token} events={events} />);
    await screen.findByRole('button', { name: 'Acme API' });
    const dialog = screen.getByRole('dialog');
    expect(dialog.contains(document.activeElement)).toBe(true);

    const close = screen.getByRole('button', { name: 'Close' });
    const last = screen.getByRole('button', { name: 'Tenant OAuth' });
    last.focus();
    fireEvent.keyDown(last, { key: 'Tab' });
    expect(document.activeElement).toBe(close);
    fireEvent.keyDown(close, { key: 'Tab', shiftKey: true });
    expect(document.activeElement).toBe(last);

    fireEvent.keyDown(last, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(eventOf(events, 'close')).toEqual({ type: 'close' });
    expect(document.activeElement).toBe(outside);
    outside.remove();
  });
});
