/**
 * The popup protocol of the framework-free core: the popup opens on `about:blank` first, answers count only from
 * Latchkey's origin with the flow's nonce (and are acknowledged), a closed popup is `window_closed`, the session's
 * live events are a second channel, and a redirect flow's result is read back from the return URL.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConnectError, completeRedirect, openConnectPopup } from '../src/core/index';
import { parseFrame } from '../src/core/live-events';
import { postFromPopup, stubWindowOpen } from './support/fake-popup';

const BASE = 'http://latchkey.test:3003';
const TOKEN = 'nango_connect_session_0123456789abcdef';

afterEach(() => {
  vi.restoreAllMocks();
  sessionStorage.clear();
  window.history.replaceState(null, '', '/');
});

function success(nonce: string, connectionId = 'conn-1') {
  return {
    type: 'nango_oauth_callback_success',
    providerConfigKey: 'github',
    connectionId,
    latchkeyNonce: nonce,
  };
}

describe('openConnectPopup', () => {
  it('opens about:blank on the call, then sends it to Latchkey with the session token, config and nonce', () => {
    const popups = stubWindowOpen();
    const flow = openConnectPopup({
      baseUrl: `${BASE}/`,
      sessionToken: TOKEN,
      integration: 'github',
      connectionConfig: { subdomain: 'acme' },
      liveEvents: false,
    });
    expect(popups.calls).toHaveLength(1);
    expect(popups.calls[0]!.url).toBe('about:blank');
    expect(popups.calls[0]!.features).not.toMatch(/noopener|noreferrer/);
    const url = popups.opened[0]!.url();
    expect(`${url.origin}${url.pathname}`).toBe(`${BASE}/oauth/connect/github`);
    expect(url.searchParams.get('connect_session_token')).toBe(TOKEN);
    expect(url.searchParams.get('params[subdomain]')).toBe('acme');
    expect(url.searchParams.get('latchkey_nonce')).toBe(flow.nonce);
    expect(flow.nonce).toMatch(/^[0-9a-f]{32}$/);
    flow.cancel();
  });

  it('accepts only a message from Latchkey with its own nonce, and acknowledges it', async () => {
    stubWindowOpen();
    const ack = vi.spyOn(window, 'postMessage');
    const other = openConnectPopup({
      baseUrl: BASE,
      sessionToken: TOKEN,
      integration: 'github',
      liveEvents: false,
    });
    const flow = openConnectPopup({
      baseUrl: BASE,
      sessionToken: TOKEN,
      integration: 'github',
      liveEvents: false,
    });
    let settled: unknown;
    flow.result.then(
      (value) => (settled = value),
      (error) => (settled = error),
    );

    postFromPopup('http://latchkey.test:3004', success(flow.nonce, 'wrong-port'));
    postFromPopup('https://evil.example', success(flow.nonce, 'evil'));
    postFromPopup(BASE, success(other.nonce, 'other-flow'));
    postFromPopup(BASE, { ...success(flow.nonce, 'no-type'), type: 'something_else' });
    postFromPopup(BASE, 'nango_oauth_callback_success');
    // The other flow's answer went to the other flow only.
    await expect(other.result).resolves.toEqual({ connectionId: 'other-flow', integration: 'github' });
    expect(settled).toBeUndefined();
    expect(ack).toHaveBeenCalledTimes(1);

    postFromPopup(BASE, success(flow.nonce, 'conn-42'));
    await expect(flow.result).resolves.toEqual({ connectionId: 'conn-42', integration: 'github' });
    expect(ack).toHaveBeenCalledTimes(2);
    expect(ack).toHaveBeenLastCalledWith({ type: 'nango_oauth_callback_ack' }, BASE);
  });

  it("rejects with the callback's error type and message", async () => {
    stubWindowOpen();
    const flow = openConnectPopup({
      baseUrl: BASE,
      sessionToken: TOKEN,
      integration: 'github',
      liveEvents: false,
    });
    postFromPopup(BASE, {
      type: 'nango_oauth_callback_error',
      payload: { message: 'The user refused access', errorType: 'access_denied' },
      latchkeyNonce: flow.nonce,
    });
    const error = await flow.result.catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(ConnectError);
    expect(error).toMatchObject({ code: 'access_denied', message: 'The user refused access' });
  });

  it('reports window_closed when the popup closes without an answer', async () => {
    const popups = stubWindowOpen();
    const flow = openConnectPopup({
      baseUrl: BASE,
      sessionToken: TOKEN,
      integration: 'github',
      liveEvents: false,
      closedGraceMs: 10,
    });
    popups.opened[0]!.close();
    await expect(flow.result).rejects.toMatchObject({ code: 'window_closed' });
  });

  it('goes to a full-page redirect when the popup is blocked or redirect mode is asked', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {}); // jsdom reports it cannot navigate
    const blocked = stubWindowOpen({ blocked: true });
    const flow = openConnectPopup({ baseUrl: BASE, sessionToken: TOKEN, integration: 'github' });
    expect(flow.mode).toBe('redirect');
    expect(JSON.parse(sessionStorage.getItem('latchkey:redirect-flow')!)).toMatchObject({
      integration: 'github',
    });
    blocked.restore();

    const popups = stubWindowOpen();
    expect(
      openConnectPopup({ baseUrl: BASE, sessionToken: TOKEN, integration: 'x', mode: 'redirect' }).mode,
    ).toBe('redirect');
    expect(popups.calls).toEqual([]);
  });
});

/** A stand-in for Latchkey's session event stream on a real socket, written to by the test. */
async function startEventServer() {
  let stream: ServerResponse | undefined;
  let headers: IncomingHttpHeaders | undefined;
  let requested = '';
  const server = createServer((req, res) => {
    requested = req.url ?? '';
    headers = req.headers;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
    res.write(': ping\n\n');
    stream = res;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    request: () => ({ url: requested, headers }),
    async connected() {
      await vi.waitFor(() => expect(stream).toBeDefined());
    },
    send(id: string, fields: Record<string, unknown>, newline = '\n') {
      const data = JSON.stringify({
        id,
        type: 'auth',
        from: 'nango',
        success: true,
        operation: 'creation',
        ...fields,
      });
      stream!.write(`id: ${id}${newline}data: ${data}${newline}${newline}`);
    },
    async [Symbol.asyncDispose]() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('the live-event channel', () => {
  it("completes the flow from the session's events when no message arrives (COOP-isolated opener)", async () => {
    await using events = await startEventServer();
    const popups = stubWindowOpen();
    const flow = openConnectPopup({ baseUrl: events.base, sessionToken: TOKEN, integration: 'github' });
    await events.connected();
    expect(events.request().url).toBe('/connect/session/events');
    expect(events.request().headers?.authorization).toBe(`Bearer ${TOKEN}`);
    expect(events.request().headers?.accept).toBe('text/event-stream');

    events.send('5', { providerConfigKey: 'slack', connectionId: 'other' });
    events.send('6', { providerConfigKey: 'github', connectionId: 'failed', success: false });
    events.send('7', { providerConfigKey: 'github', connectionId: 'conn-7' }, '\r\n');
    await expect(flow.result).resolves.toEqual({ connectionId: 'conn-7', integration: 'github' });
    expect(popups.opened[0]!.closed).toBe(true);
  });

  it('hands over a connection made after a (COOP-severed) popup looked closed', async () => {
    await using events = await startEventServer();
    const popups = stubWindowOpen();
    const late: unknown[] = [];
    const flow = openConnectPopup({
      baseUrl: events.base,
      sessionToken: TOKEN,
      integration: 'github',
      closedGraceMs: 10,
      onLateResult: (result) => late.push(result),
    });
    await events.connected();
    popups.opened[0]!.closed = true;
    await expect(flow.result).rejects.toMatchObject({ code: 'window_closed' });
    events.send('8', { providerConfigKey: 'github', connectionId: 'conn-late' });
    await vi.waitFor(() => expect(late).toEqual([{ connectionId: 'conn-late', integration: 'github' }]));
  });

  it('parses SSE frames: data lines joined, id kept, comments skipped', () => {
    expect(parseFrame(': ping')).toEqual({});
    expect(parseFrame('id: 12\ndata: {"a":1}')).toEqual({ id: '12', data: '{"a":1}' });
    expect(parseFrame('data:one\ndata: two')).toEqual({ data: 'one\ntwo' });
  });
});

describe('completeRedirect', () => {
  const store = (nonce: string) =>
    sessionStorage.setItem('latchkey:redirect-flow', JSON.stringify({ nonce, integration: 'github' }));
  const nonce = 'a'.repeat(32);

  it('is null on a page not reached by a redirect flow', () => {
    window.history.replaceState(null, '', '/settings?tab=1');
    expect(completeRedirect()).toBeNull();
    expect(window.location.search).toBe('?tab=1');
  });

  it('returns the connection and strips its parameters from the address', () => {
    store(nonce);
    window.history.replaceState(
      null,
      '',
      `/settings?tab=1&latchkey_result=success&latchkey_nonce=${nonce}&connection_id=c-1&provider_config_key=github#top`,
    );
    expect(completeRedirect()).toEqual({ ok: true, result: { connectionId: 'c-1', integration: 'github' } });
    expect(`${window.location.pathname}${window.location.search}${window.location.hash}`).toBe(
      '/settings?tab=1#top',
    );
    expect(sessionStorage.getItem('latchkey:redirect-flow')).toBeNull();
  });

  it("returns the server's error", () => {
    store(nonce);
    window.history.replaceState(
      null,
      '',
      `/?latchkey_result=error&latchkey_nonce=${nonce}&error_code=access_denied&error_message=Refused`,
    );
    const outcome = completeRedirect();
    expect(outcome?.ok).toBe(false);
    expect(outcome?.ok === false && outcome.error).toMatchObject({
      code: 'access_denied',
      message: 'Refused',
    });
  });

  it('refuses a result whose nonce this tab did not store', () => {
    store(nonce);
    window.history.replaceState(
      null,
      '',
      `/?latchkey_result=success&latchkey_nonce=${'b'.repeat(32)}&connection_id=c-1&provider_config_key=github`,
    );
    const outcome = completeRedirect();
    expect(outcome?.ok === false && outcome.error.code).toBe('redirect_nonce_mismatch');
    sessionStorage.clear();
    window.history.replaceState(
      null,
      '',
      `/?latchkey_result=success&latchkey_nonce=${nonce}&connection_id=c-1`,
    );
    expect(completeRedirect()?.ok).toBe(false);
  });
});
