/**
 * Where the OAuth callback page posts its result (issue 14): with allowed origins listed, an opener outside them gets
 * no postMessage (the page's targetOrigin is null), while the result still reaches the frontend SDK's WebSocket and
 * the session's events; Latchkey's own origin (the hosted page) always gets it; with an empty list, the exact opener
 * as before. Real flows against the local authorization server, a real WebSocket.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { permittedOpenerOrigin } from '../src/environments/allowed-origins';
import { type FlowHarness, startFlowHarness } from './support/flow-harness';
import { databaseKinds } from './support/test-database';

const APP = 'http://app.example.test';
const EVIL = 'http://evil.example.test';

describe('permittedOpenerOrigin', () => {
  const self = 'https://latchkey.example';
  it.each([
    [[], EVIL, EVIL],
    [[APP], APP, APP],
    [[APP], EVIL, undefined],
    [['*'], EVIL, EVIL],
    [[APP], self, self],
    [[APP], undefined, undefined],
    [[], 'javascript:alert(1)', undefined],
    [[APP], `${APP}/path`, undefined],
  ] as const)('list %j, opener %s → %s', (list, opener, expected) => {
    expect(permittedOpenerOrigin(list, opener, self)).toBe(expected);
  });
});

/** The values the callback page's script reads. */
function dataBlock(html: string): { targetOrigin: string | null; message: { type: string } } {
  const block = /<script type="application\/json" id="latchkey-result">([\s\S]*?)<\/script>/.exec(html)?.[1];
  return JSON.parse(block ?? 'null');
}

describe.each(databaseKinds())('callback page opener (%s)', (kind) => {
  let h: FlowHarness;

  /** The SDK's socket: its id for `ws_client_id`, and the first frame that arrives after the ack. */
  async function frontendSocket() {
    const socket = new WebSocket(`${h.url.replace('http', 'ws')}${h.t.latchkey.config.websocketPath}`);
    const ack = await new Promise<{ ws_client_id: string }>((resolve, reject) => {
      socket.once('message', (data) => resolve(JSON.parse(String(data))));
      socket.once('error', reject);
    });
    const result = new Promise<{ message_type: string; connectionId?: string }>((resolve) =>
      socket.once('message', (data) => resolve(JSON.parse(String(data)))),
    );
    return { id: ack.ws_client_id, result, close: () => socket.close() };
  }

  /** A whole popup flow opened by `opener`: the callback page's data block, the WebSocket frame, the event. */
  async function flowFrom(opener: string) {
    const token = await h.createSession();
    const socket = await frontendSocket();
    try {
      const query = new URLSearchParams({
        connect_session_token: token,
        opener_origin: opener,
        ws_client_id: socket.id,
      });
      const page = await fetch(await h.authorize('local', query.toString()));
      expect(page.status).toBe(200);
      const data = dataBlock(await page.text());
      expect(data.message.type).toBe('nango_oauth_callback_success');
      const frame = await socket.result;
      const events = await fetch(`${h.url}/connect/session/events`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const eventList = ((await events.json()) as { data: Array<{ operation: string; success: boolean }> })
        .data;
      return { targetOrigin: data.targetOrigin, frame, eventList };
    } finally {
      socket.close();
    }
  }

  const setOrigins = async (allowedOrigins: string[]) => {
    const response = await h.api('/environment', { method: 'PATCH', json: { allowedOrigins } });
    expect(response.status).toBe(200);
  };

  beforeAll(async () => {
    h = await startFlowHarness(kind);
  });
  afterAll(async () => {
    await h?.[Symbol.asyncDispose]();
  });

  it('posts to the exact opener when the environment lists no origins', async () => {
    await setOrigins([]);
    expect((await flowFrom(EVIL)).targetOrigin).toBe(EVIL);
  });

  it('posts nothing to an opener outside the list; the socket and the events still get the result', async () => {
    await setOrigins([APP]);
    const refused = await flowFrom(EVIL);
    expect(refused.targetOrigin).toBeNull();
    expect(refused.frame.message_type).toBe('success');
    expect(refused.eventList).toEqual([expect.objectContaining({ operation: 'creation', success: true })]);

    expect((await flowFrom(APP)).targetOrigin).toBe(APP);
    // The hosted page opens the popup from Latchkey's own origin.
    expect((await flowFrom(h.url)).targetOrigin).toBe(h.url);
  });

  it('applies the same rule to the error page of a connect request refused before it left', async () => {
    await setOrigins([APP]);
    const token = await h.createSession();
    const errorPage = async (integration: string, credentials: string, opener: string) => {
      const query = `${credentials}&opener_origin=${encodeURIComponent(opener)}`;
      const page = await fetch(`${h.url}/oauth/connect/${integration}?${query}`, {
        headers: { accept: 'text/html' },
      });
      return { status: page.status, targetOrigin: dataBlock(await page.text()).targetOrigin };
    };
    const session = `connect_session_token=${token}`;
    expect(await errorPage('no-such-integration', session, EVIL)).toEqual({
      status: 404,
      targetOrigin: null,
    });
    expect(await errorPage('no-such-integration', session, APP)).toEqual({ status: 404, targetOrigin: APP });
    // An unknown token names no environment: the page says only that it is unknown.
    const unknown = `connect_session_token=nango_connect_session_${'0'.repeat(64)}`;
    expect(await errorPage('local', unknown, EVIL)).toEqual({ status: 401, targetOrigin: EVIL });
  });

  it('posts to any opener with `*`', async () => {
    await setOrigins(['*']);
    expect((await flowFrom(EVIL)).targetOrigin).toBe(EVIL);
  });
});
