/**
 * The newer credential modes end to end: `<ConnectModal>` against the real Latchkey of the global setup, whose
 * providers are simulated APIs that check what Latchkey sends them — a WSSE API recomputing every digest
 * (SIGNATURE) and a Ghost-like admin API verifying every JWT with the hex-decoded key secret (JWT). The form comes
 * from the entries' declarations; the connection exists only when the provider accepted the credentials.
 */
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { type ConnectEvent, ConnectModal } from '../src/index';
import { CMS_KEY, WSSE_USER } from './support/fixtures';
import { latchkeyClient } from './support/latchkey-client';

const lk = latchkeyClient();
afterEach(cleanup);

async function open(name: string) {
  const events: ConnectEvent[] = [];
  const view = render(
    <ConnectModal sessionToken={await lk.createSession()} baseUrl={lk.url} onEvent={(e) => events.push(e)} />,
  );
  fireEvent.click(await screen.findByRole('button', { name }, { timeout: 10_000 }));
  const outcome = async <T extends 'connect' | 'error'>(type: T) => {
    await waitFor(() => expect(events.some((event) => event.type === type)).toBe(true), { timeout: 15_000 });
    return events.find((event): event is Extract<ConnectEvent, { type: T }> => event.type === type)!;
  };
  return { events, outcome, ...view };
}

async function credentialsOf(connectionId: string, integration: string) {
  const response = await lk.api(`/connections/${connectionId}?provider_config_key=${integration}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { credentials: Record<string, unknown> }).credentials;
}

describe('credential modes against simulated providers', () => {
  it('SIGNATURE: a wrong secret is refused by the provider, the right one connects', async () => {
    const first = await open('WSSE Marketing');
    expect((screen.getByLabelText('Secret') as HTMLInputElement).type).toBe('password');
    fireEvent.change(screen.getByLabelText('User'), { target: { value: WSSE_USER.username } });
    fireEvent.change(screen.getByLabelText('Secret'), { target: { value: 'not-the-secret' } });
    fireEvent.click(screen.getByRole('button', { name: 'Connect WSSE Marketing' }));
    expect((await first.outcome('error')).code).toBe('connection_test_failed');
    cleanup();

    const second = await open('WSSE Marketing');
    fireEvent.change(screen.getByLabelText('User'), { target: { value: WSSE_USER.username } });
    fireEvent.change(screen.getByLabelText('Secret'), { target: { value: WSSE_USER.password } });
    fireEvent.click(screen.getByRole('button', { name: 'Connect WSSE Marketing' }));
    const connected = await second.outcome('connect');
    expect(connected.integration).toBe('mkt-wsse');
    expect(await credentialsOf(connected.connectionId, 'mkt-wsse')).toMatchObject({
      type: 'SIGNATURE',
      username: WSSE_USER.username,
      token: expect.stringMatching(/^UsernameToken /),
    });
    expect(second.container.innerHTML).not.toContain(WSSE_USER.password);
  });

  it('JWT: a Ghost-like admin key pasted whole signs a token the provider accepts', async () => {
    const form = await open('CMS Admin');
    fireEvent.change(screen.getByLabelText('API version'), { target: { value: 'v5.0' } });
    fireEvent.change(screen.getByLabelText('Admin API key'), {
      target: { value: `${CMS_KEY.id}:${CMS_KEY.secret}` },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Connect CMS Admin' }));
    const connected = await form.outcome('connect');
    expect(connected.integration).toBe('cms');
    const credentials = await credentialsOf(connected.connectionId, 'cms');
    expect(credentials).toMatchObject({ type: 'JWT', privateKey: CMS_KEY });
  });
});
