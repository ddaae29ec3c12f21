/**
 * The server side of the widget's flows: a connect session's own auth events (page and live SSE stream, the
 * widget's second channel), the flow nonce echoed by the callback page, and redirect mode — a return URL accepted only
 * on the starting page's origin, and the 303 back to it with the flow's outcome.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AuthEventView } from '../src/events/event.service';
import { driveAuthorization } from './support/browser-driver';
import { type FlowHarness, startFlowHarness } from './support/flow-harness';
import { openSse } from './support/sse-client';
import { databaseKinds } from './support/test-database';
import { startVerificationServer, type VerificationServer } from './support/verification-server';

const APP = 'http://app.example.test:5173';
const NONCE = '0123456789abcdef0123456789abcdef';
const WAIT = { timeout: 10_000, interval: 25 };

interface EventPage {
  data: AuthEventView[];
  next_cursor: string;
}

describe.each(databaseKinds())('widget flows (%s)', (kind) => {
  let h: FlowHarness;
  let verifier: VerificationServer;

  function connectApiKey(token: string, apiKey = 'good-key') {
    return fetch(`${h.url}/api-auth/api-key/apikey?connect_session_token=${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ apiKey }),
    });
  }

  async function sessionEvents(token: string, query = ''): Promise<EventPage> {
    const response = await fetch(`${h.url}/connect/session/events${query}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status, await response.clone().text()).toBe(200);
    return (await response.json()) as EventPage;
  }

  /** `/oauth/connect` as a browser sends it from a page of `referer`; returns the response, not followed. */
  function startOAuth(query: string, referer?: string) {
    return fetch(`${h.url}/oauth/connect/local?${query}`, {
      redirect: 'manual',
      headers: referer === undefined ? {} : { referer },
    });
  }

  /** Starts the flow from the app page, logs in and consents, and fetches the callback as the browser does. */
  async function runOAuth(query: string, options: { deny?: boolean } = {}): Promise<Response> {
    const started = await startOAuth(query, `${APP}/settings?tab=integrations`);
    expect(started.status, await started.clone().text()).toBe(302);
    const { callbackUrl } = await driveAuthorization(started.headers.get('location')!, {
      issuer: h.oidc.issuer,
      ...options,
    });
    return fetch(callbackUrl, { redirect: 'manual', headers: { accept: 'text/html' } });
  }

  beforeAll(async () => {
    h = await startFlowHarness(kind);
    verifier = await startVerificationServer({ apiKeys: ['good-key'] });
    await h.registerProvider(verifier.apiKeyProvider('verified-api'));
    await h.createIntegration({ unique_key: 'apikey', provider: 'verified-api' });
  });
  afterAll(async () => {
    await verifier?.close();
    await h?.[Symbol.asyncDispose]();
  });

  it("lists only the events of the session's own flows", async () => {
    const mine = await h.createSession();
    const other = await h.createSession();
    const connected = await connectApiKey(mine);
    expect(connected.status, await connected.clone().text()).toBe(200);
    const { connectionId } = (await connected.json()) as { connectionId: string };
    expect((await connectApiKey(other)).status).toBe(200);

    const page = await sessionEvents(mine);
    expect(page.data.map((event) => [event.connectionId, event.operation, event.success])).toEqual([
      [connectionId, 'creation', true],
    ]);
    expect(page.next_cursor).toBe(page.data[0]!.id);
    expect((await sessionEvents(mine, `?after=${page.next_cursor}`)).data).toEqual([]);
    // The environment's stream has both; the session's only its own.
    const all = (await (await h.api('/events?limit=1000')).json()) as EventPage;
    expect(all.data.filter((event) => event.providerConfigKey === 'apikey')).toHaveLength(2);
  });

  it('streams the events written after it opened, and nothing of other sessions', async () => {
    const mine = await h.createSession();
    const other = await h.createSession();
    await connectApiKey(mine); // before the stream: not replayed without a cursor
    const stream = await openSse(`${h.url}/connect/session/events`, { authorization: `Bearer ${mine}` });
    try {
      expect(stream.status).toBe(200);
      expect(stream.contentType).toContain('text/event-stream');
      await vi.waitFor(() => expect(stream.comments).toContain('connected'), WAIT);
      await connectApiKey(other);
      const connected = (await (await connectApiKey(mine)).json()) as { connectionId: string };
      await vi.waitFor(() => expect(stream.events).toHaveLength(1), WAIT);
      const event = JSON.parse(stream.events[0]!.data) as AuthEventView;
      expect(event).toMatchObject({
        connectionId: connected.connectionId,
        providerConfigKey: 'apikey',
        operation: 'creation',
        success: true,
      });
      expect(stream.events[0]!.id).toBe(event.id);
      expect(stream.events[0]!.event).toBe('auth');
    } finally {
      stream.close();
    }
  });

  it('answers clear errors on a bad session token or cursor', async () => {
    const noToken = await fetch(`${h.url}/connect/session/events`);
    expect(noToken.status).toBe(401);
    const unknown = await fetch(`${h.url}/connect/session/events`, {
      headers: { authorization: `Bearer nango_connect_session_${'a'.repeat(64)}` },
    });
    expect(unknown.status).toBe(401);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBeTypeOf('string');
    const token = await h.createSession();
    const badCursor = await fetch(`${h.url}/connect/session/events?after=abc`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(badCursor.status).toBe(400);
    expect(((await badCursor.json()) as { error: { code: string } }).error.code).toBe('invalid_query_params');
  });

  it('echoes the nonce to the opener and records the OAuth connection on the session', async () => {
    const token = await h.createSession();
    const callback = await runOAuth(`connect_session_token=${token}&latchkey_nonce=${NONCE}`);
    expect(callback.status).toBe(200);
    const html = await callback.text();
    const result = JSON.parse(/id="latchkey-result">([^<]*)</.exec(html)![1]!) as {
      message: Record<string, unknown>;
      targetOrigin: string;
    };
    expect(result.targetOrigin).toBe(APP);
    expect(result.message).toMatchObject({
      type: 'nango_oauth_callback_success',
      providerConfigKey: 'local',
      latchkeyNonce: NONCE,
    });
    const events = await sessionEvents(token);
    expect(events.data.map((event) => [event.connectionId, event.providerConfigKey])).toEqual([
      [result.message.connectionId, 'local'],
    ]);
  });

  it('refuses a malformed nonce', async () => {
    const token = await h.createSession();
    const response = await fetch(
      `${h.url}/oauth/connect/local?connect_session_token=${token}&latchkey_nonce=zz`,
      {
        headers: { accept: 'application/json' },
      },
    );
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('invalid_query_params');
  });

  it('comes back to a same-origin return URL with the result (redirect mode)', async () => {
    const token = await h.createSession();
    const returnUrl = `${APP}/settings?tab=integrations`;
    const callback = await runOAuth(
      `connect_session_token=${token}&latchkey_nonce=${NONCE}&return_url=${encodeURIComponent(returnUrl)}`,
    );
    expect(callback.status).toBe(303);
    const back = new URL(callback.headers.get('location')!);
    expect(back.origin + back.pathname).toBe(`${APP}/settings`);
    expect(back.searchParams.get('tab')).toBe('integrations');
    expect(back.searchParams.get('latchkey_result')).toBe('success');
    expect(back.searchParams.get('latchkey_nonce')).toBe(NONCE);
    expect(back.searchParams.get('provider_config_key')).toBe('local');
    const connectionId = back.searchParams.get('connection_id')!;
    const connection = await h.api(`/connections/${connectionId}?provider_config_key=local`);
    expect(connection.status).toBe(200);
    // No token ever rides in the return URL.
    const { credentials } = (await connection.json()) as { credentials: { access_token: string } };
    expect(back.href).not.toContain(credentials.access_token);
    expect(back.href).not.toContain(token);
  });

  it('comes back with the error when the user denies (redirect mode)', async () => {
    const token = await h.createSession();
    const returnUrl = `${APP}/connect-done`;
    const callback = await runOAuth(
      `connect_session_token=${token}&latchkey_nonce=${NONCE}&return_url=${encodeURIComponent(returnUrl)}`,
      { deny: true },
    );
    expect(callback.status).toBe(303);
    const back = new URL(callback.headers.get('location')!);
    expect(back.pathname).toBe('/connect-done');
    expect(back.searchParams.get('latchkey_result')).toBe('error');
    expect(back.searchParams.get('latchkey_nonce')).toBe(NONCE);
    expect(back.searchParams.get('error_code')).toBe('authorization_denied');
    expect(back.searchParams.get('error_message')).toBeTruthy();
  });

  it('goes back to the app with the error when the flow cannot start (redirect mode)', async () => {
    const returnUrl = `${APP}/connect-done`;
    const response = await startOAuth(
      `connect_session_token=nango_connect_session_${'b'.repeat(64)}&return_url=${encodeURIComponent(returnUrl)}`,
      `${APP}/page`,
    );
    expect(response.status).toBe(303);
    const back = new URL(response.headers.get('location')!);
    expect(back.searchParams.get('latchkey_result')).toBe('error');
    expect(back.searchParams.get('error_code')).toMatch(/session/);
  });

  it('refuses a return URL on another origin than the starting page, or without one (no open redirect)', async () => {
    const token = await h.createSession();
    const cases: Array<[string, string | undefined]> = [
      ['https://evil.example/steal', `${APP}/settings`],
      [`${APP}/settings`, 'https://evil.example/page'],
      [`${APP}/settings`, undefined],
      ['javascript:alert(1)', `${APP}/settings`],
      ['/relative', `${APP}/settings`],
    ];
    for (const [returnUrl, referer] of cases) {
      const response = await startOAuth(
        `connect_session_token=${token}&return_url=${encodeURIComponent(returnUrl)}`,
        referer,
      );
      expect(response.status, `${returnUrl} from ${referer}`).toBe(400);
      expect(response.headers.get('location')).toBeNull();
      expect(await response.text()).toContain('return_url');
    }
    const json = await fetch(
      `${h.url}/oauth/connect/local?connect_session_token=${token}&return_url=${encodeURIComponent('https://evil.example/')}`,
      { headers: { accept: 'application/json', referer: `${APP}/x` } },
    );
    expect(json.status).toBe(400);
    expect(((await json.json()) as { error: { code: string } }).error.code).toBe('invalid_return_url');
  });
});
