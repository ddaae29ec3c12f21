/**
 * Every request the widget makes to Latchkey carries its cookies (`credentials: 'include'`): a connect session bound
 * to the end user's browser is refused without its binding cookie, also from an app on another origin that the
 * environment allows. The calls go to the real Latchkey of the global setup; the spy only watches them.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { connectDirect, fetchSession } from '../src/core/http';
import { subscribeSessionEvents } from '../src/core/live-events';
import { GOOD_API_KEY, latchkeyClient } from './support/latchkey-client';

const lk = latchkeyClient();
afterEach(() => vi.restoreAllMocks());

describe('the widget’s requests to Latchkey', () => {
  it('send credentials: session read, one-request flow and the events stream', async () => {
    const token = await lk.createSession(['acme']);
    const fetchSpy = vi.spyOn(globalThis, 'fetch');

    expect((await fetchSession(lk.url, token)).integrations.map((i) => i.unique_key)).toEqual(['acme']);
    const stop = subscribeSessionEvents(lk.url, token, () => {});
    const connected = await connectDirect(lk.url, token, 'acme', 'API_KEY', undefined, {
      apiKey: GOOD_API_KEY,
    });
    expect(connected.integration).toBe('acme');
    stop();

    const toLatchkey = fetchSpy.mock.calls.filter(([input]) => String(input).startsWith(lk.url));
    expect(toLatchkey.map(([input]) => new URL(String(input)).pathname)).toEqual([
      '/connect/session',
      '/connect/session/events',
      '/api-auth/api-key/acme',
    ]);
    for (const [, init] of toLatchkey) expect(init?.credentials).toBe('include');
  });
});
