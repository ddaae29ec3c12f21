/**
 * tRPC auth-event subscriptions over SSE through `@latchkey/client`: tracked ids, resumption after a dropped
 * connection (the three events made while the client was away arrive once each), filters, and scope refusal.
 */
import type { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppRouter } from '../../src/transports/trpc/routers/app.router';
import {
  createEventIntegration,
  type EventIntegration,
  saveConnection,
} from '../support/auth-event-fixtures';
import { type ServedLatchkey, serveTestLatchkey } from '../support/served-latchkey';
import { databaseKinds } from '../support/test-database';
import { cuttableFetch, latchkeyClient } from '../support/trpc-client';

interface Received {
  id: string;
  connectionId: string;
  operation: string;
}

/** Resolves once `count` items are in `list`; rejects after a generous bound so a failure reports instead of hanging. */
async function waitForCount<T>(list: T[], count: number, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (list.length < count) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${count} ${what}, got ${list.length}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.each(databaseKinds())('tRPC auth event subscriptions (%s)', (kind) => {
  let s: ServedLatchkey;
  let integration: EventIntegration;
  beforeAll(async () => {
    s = await serveTestLatchkey(kind);
    integration = await createEventIntegration(s.t, 'trpc-events');
  });
  afterAll(() => s[Symbol.asyncDispose]());

  it('resumes after a dropped connection: the three events made meanwhile arrive once each, in order', async () => {
    const network = cuttableFetch();
    const client = latchkeyClient(s.url, { secretKey: s.t.secretKey }, network.fetch);
    const received: Received[] = [];
    const states: string[] = [];
    const subscription = client.events.authEvents.subscribe(
      { after: '0', filter: { providerConfigKey: 'trpc-events' } },
      {
        onData: ({ id, data }) =>
          received.push({ id, connectionId: data.connectionId, operation: data.operation }),
        onConnectionStateChange: (state) => states.push(state.state),
      },
    );
    try {
      await saveConnection(s.t.latchkey, integration, 'before-drop');
      await waitForCount(received, 1, 'events before the drop');
      const lastSeen = received[0]!.id;

      network.hold();
      network.cut();
      await saveConnection(s.t.latchkey, integration, 'during-1');
      await saveConnection(s.t.latchkey, integration, 'during-2');
      await saveConnection(s.t.latchkey, integration, 'during-3');
      // Reconnection attempts wait for this; they are made whatever the order of these steps.
      await waitForCount(network.streamRequests, 2, 'reconnection attempts');
      network.release();
      await waitForCount(received, 4, 'events after the reconnection');
      // One more event after the resumed ones: anything sent twice would arrive before it.
      await saveConnection(s.t.latchkey, integration, 'after');
      await waitForCount(received, 5, 'events');

      expect(received.map((event) => event.connectionId)).toEqual([
        'before-drop',
        'during-1',
        'during-2',
        'during-3',
        'after',
      ]);
      expect(new Set(received.map((event) => event.id)).size).toBe(5);
      const ids = received.map((event) => BigInt(event.id));
      expect(ids.toSorted((a, b) => (a < b ? -1 : 1))).toEqual(ids);
      // The reconnection asked for what followed the last event seen.
      const reconnection = network.streamRequests[1]!;
      expect(reconnection.lastEventId ?? reconnection.url.searchParams.get('lastEventId')).toBe(lastSeen);
      expect(states).toContain('connecting');
    } finally {
      subscription.unsubscribe();
    }
  });

  it('filters by connection and operation, and resumes from a cursor given to a new subscription', async () => {
    const live = latchkeyClient(s.url, { secretKey: s.t.secretKey });
    const first: Received[] = [];
    const one = live.events.authEvents.subscribe(
      { after: '0', filter: { connectionId: 'filtered', operations: ['creation'] } },
      {
        onData: ({ id, data }) =>
          first.push({ id, connectionId: data.connectionId, operation: data.operation }),
      },
    );
    await saveConnection(s.t.latchkey, integration, 'other');
    await saveConnection(s.t.latchkey, integration, 'filtered');
    await saveConnection(s.t.latchkey, integration, 'filtered'); // an override, not a creation
    await saveConnection(s.t.latchkey, integration, 'marker');
    await waitForCount(first, 1, 'filtered events');
    one.unsubscribe();
    expect(first).toEqual([{ id: first[0]!.id, connectionId: 'filtered', operation: 'creation' }]);

    const later: Received[] = [];
    const two = latchkeyClient(s.url, { secretKey: s.t.secretKey }).events.authEvents.subscribe(
      { after: first[0]!.id, filter: { providerConfigKey: 'trpc-events' } },
      {
        onData: ({ id, data }) =>
          later.push({ id, connectionId: data.connectionId, operation: data.operation }),
      },
    );
    try {
      await waitForCount(later, 2, 'events after the cursor');
      expect(later.map((event) => [event.connectionId, event.operation])).toEqual([
        ['filtered', 'override'],
        ['marker', 'creation'],
      ]);
    } finally {
      two.unsubscribe();
    }
  });

  it("gives a connect session token its own session's events only", async () => {
    const client = latchkeyClient(s.url, { secretKey: s.t.secretKey });
    // Session events are those its flows wrote: an API-key flow through the session's own token.
    await s.t.request('/providers', {
      method: 'POST',
      json: {
        name: 'session-events-keyed',
        display_name: 'Keyed',
        auth_mode: 'API_KEY',
        docs: 'https://example.com/docs',
        credentials: { apiKey: { type: 'string', title: 'API key', description: 'API key' } },
        proxy: { base_url: 'https://api.example.com', headers: { authorization: 'Bearer ${apiKey}' } },
      },
    });
    await client.integrations.create.mutate({
      unique_key: 'session-keyed',
      provider: 'session-events-keyed',
    });
    const mine = await client.connectSessions.create.mutate({ end_user: { id: 'mine' } });
    const theirs = await client.connectSessions.create.mutate({ end_user: { id: 'theirs' } });
    const widget = latchkeyClient(s.url, { sessionToken: mine.token });
    const received: Received[] = [];
    // From the start of the outbox: the session is new, so whatever else arrived would be someone else's.
    const subscription = widget.events.authEvents.subscribe(
      { after: '0' },
      {
        onData: ({ id, data }) =>
          received.push({ id, connectionId: data.connectionId, operation: data.operation }),
      },
    );
    try {
      const other = latchkeyClient(s.url, { sessionToken: theirs.token });
      await other.flows.submitApiKey.mutate({ integration: 'session-keyed', apiKey: 'their-key' });
      await saveConnection(s.t.latchkey, integration, 'not-a-session-event');
      const own = await widget.flows.submitApiKey.mutate({ integration: 'session-keyed', apiKey: 'my-key' });
      // Events arrive in id order and this one was written last: any event of another would have come first.
      await waitForCount(received, 1, 'session events');
      expect(received.map((event) => [event.connectionId, event.operation])).toEqual([
        [own.connectionId, 'creation'],
      ]);
    } finally {
      subscription.unsubscribe();
    }
  });

  it('refuses a key without the connections read scope, with our code', async () => {
    const dev = await s.t.latchkey.services.environments.getByName('dev');
    const key = await s.t.latchkey.services.apiKeys.create({
      environmentId: dev.id,
      name: 'integrations-only',
      scopes: ['environment:integrations:read'],
    });
    const client = latchkeyClient(s.url, { secretKey: key.secretKey });
    const error = await new Promise<TRPCClientError<AppRouter>>((resolve) => {
      const subscription = client.events.authEvents.subscribe(undefined, {
        onError: (err) => {
          subscription.unsubscribe();
          resolve(err as TRPCClientError<AppRouter>);
        },
      });
    });
    expect(error.data).toMatchObject({ code: 'FORBIDDEN', errorCode: 'forbidden' });
  });
});
