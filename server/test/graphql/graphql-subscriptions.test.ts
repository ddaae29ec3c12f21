/**
 * `Subscription.authEvents` over both transports on `/graphql`: Server-Sent Events (Yoga's default) and graphql-ws.
 * A subscriber that disconnects while three events are written and comes back with its last cursor receives all
 * three, once, then live ones; a filter narrows the stream; a connect session token hears only its own session.
 */
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import type { AuthContext } from '../../src/auth/auth-context';
import { type RunningServer, startHttpServer } from '../../src/http-server';
import { createLogger } from '../../src/platform/logging/logger';
import {
  createEventIntegration,
  type EventIntegration,
  saveConnection,
} from '../support/auth-event-fixtures';
import { freePort } from '../support/free-port';
import { openSse } from '../support/sse-client';
import { databaseKinds } from '../support/test-database';
import { createTestLatchkey, type TestLatchkey } from '../support/test-latchkey';
import { graphqlData } from './support/graphql-client';

const QUIET = { LATCHKEY_WEBHOOKS: 'off', LATCHKEY_PROACTIVE_REFRESH: 'off' };
const WAIT = { timeout: 10_000, interval: 25 };

const SUBSCRIPTION = /* GraphQL */ `
  subscription Events($after: String, $filter: AuthEventFilter) {
    authEvents(after: $after, filter: $filter) { id connectionId operation success providerConfigKey }
  }
`;

interface ReceivedEvent {
  id: string;
  connectionId: string;
  operation: string;
}

describe.each(databaseKinds())('GraphQL subscriptions (%s)', (kind) => {
  let t: TestLatchkey;
  let server: RunningServer;
  let integration: EventIntegration;
  let auth: AuthContext;

  const latestCursor = () => t.latchkey.services.events.streamCursor(auth, undefined);
  const storedAfter = async (cursor: string) =>
    (await t.latchkey.services.events.list(auth, { after: cursor, limit: 1000 })).data.map(
      (event) => event.id,
    );

  /** GET /graphql as an EventSource would, the operation in the query string. */
  const sseUrl = (variables: Record<string, unknown>) =>
    `${server.url}/graphql?query=${encodeURIComponent(SUBSCRIPTION)}&variables=${encodeURIComponent(JSON.stringify(variables))}`;
  const sseEvents = (stream: Awaited<ReturnType<typeof openSse>>): ReceivedEvent[] =>
    stream.events
      .filter((event) => event.event === 'next')
      .map((event) => (JSON.parse(event.data) as { data: { authEvents: ReceivedEvent } }).data.authEvents);

  function wsClient(authorization: string | undefined, via: 'header' | 'params' = 'header') {
    const closes: number[] = [];
    const client = createClient({
      url: `${server.url.replace('http', 'ws')}/graphql`,
      webSocketImpl:
        via === 'header' && authorization !== undefined
          ? class extends WebSocket {
              constructor(address: string, protocols?: string | string[]) {
                super(address, protocols, { headers: { authorization } });
              }
            }
          : WebSocket,
      connectionParams: via === 'params' && authorization !== undefined ? { authorization } : undefined,
      retryAttempts: 0,
      on: { closed: (event) => closes.push((event as { code: number }).code) },
    });
    return { client, closes };
  }

  function wsSubscribe(client: ReturnType<typeof createClient>, variables: Record<string, unknown>) {
    const received: ReceivedEvent[] = [];
    const errors: unknown[] = [];
    const unsubscribe = client.subscribe<{ authEvents: ReceivedEvent }>(
      { query: SUBSCRIPTION, variables },
      {
        next: (result) => {
          if (result.errors) errors.push(result.errors);
          if (result.data) received.push(result.data.authEvents);
        },
        error: (error) => errors.push(error),
        complete: () => {},
      },
    );
    return { received, errors, unsubscribe };
  }

  beforeAll(async () => {
    const port = await freePort();
    t = await createTestLatchkey(kind, { ...QUIET, PORT: String(port), HOST: '127.0.0.1' });
    server = await startHttpServer({ ...t.latchkey, close: async () => {} }, createLogger('silent'));
    integration = await createEventIntegration(t);
    auth = { environment: { id: integration.environmentId, name: 'dev' }, scopes: ['environment:*'] };
  });
  afterAll(async () => {
    await server?.stop();
    await t?.[Symbol.asyncDispose]();
  });

  it('SSE: a subscriber that reconnects with its last cursor receives the three events it missed, once', async () => {
    const start = await latestCursor();
    const headers = { authorization: `Bearer ${t.secretKey}` };
    const first = await openSse(sseUrl({ after: start }), headers);
    expect(first.status).toBe(200);
    expect(first.contentType).toMatch(/^text\/event-stream/);
    await saveConnection(t.latchkey, integration, 'sse-a');
    await vi.waitFor(() => expect(sseEvents(first)).toHaveLength(1), WAIT);
    const lastSeen = sseEvents(first)[0]!.id;
    first.close();
    await first.ended;

    for (const id of ['sse-b', 'sse-c', 'sse-d']) await saveConnection(t.latchkey, integration, id);
    const second = await openSse(sseUrl({ after: lastSeen }), headers);
    await vi.waitFor(() => expect(sseEvents(second)).toHaveLength(3), WAIT);
    await saveConnection(t.latchkey, integration, 'sse-e');
    await vi.waitFor(() => expect(sseEvents(second)).toHaveLength(4), WAIT);
    second.close();
    await second.ended;

    const received = [...sseEvents(first), ...sseEvents(second)];
    expect(received.map((event) => event.connectionId)).toEqual([
      'sse-a',
      'sse-b',
      'sse-c',
      'sse-d',
      'sse-e',
    ]);
    expect(received.map((event) => event.id)).toEqual(await storedAfter(start));
    expect(new Set(received.map((event) => event.id)).size).toBe(received.length);
  });

  it('graphql-ws: a subscriber that reconnects with its last cursor receives the three events it missed, once', async () => {
    const start = await latestCursor();
    const authorization = `Bearer ${t.secretKey}`;
    const firstClient = wsClient(authorization);
    const first = wsSubscribe(firstClient.client, { after: start });
    await saveConnection(t.latchkey, integration, 'ws-a');
    await vi.waitFor(() => expect(first.received).toHaveLength(1), WAIT);
    // The socket goes away entirely, as when a network drops; nothing is written until the server has seen it close.
    await firstClient.client.dispose();
    await vi.waitFor(() => expect(firstClient.closes).toHaveLength(1), WAIT);

    for (const id of ['ws-b', 'ws-c', 'ws-d']) await saveConnection(t.latchkey, integration, id);
    // Browsers cannot set headers on a WebSocket: the key may come as a connection parameter instead.
    const secondClient = wsClient(authorization, 'params');
    const second = wsSubscribe(secondClient.client, { after: first.received[0]!.id });
    await vi.waitFor(() => expect(second.received).toHaveLength(3), WAIT);
    await saveConnection(t.latchkey, integration, 'ws-e');
    await vi.waitFor(() => expect(second.received).toHaveLength(4), WAIT);
    await secondClient.client.dispose();

    const received = [...first.received, ...second.received];
    expect(first.errors).toEqual([]);
    expect(second.errors).toEqual([]);
    expect(received.map((event) => event.connectionId)).toEqual(['ws-a', 'ws-b', 'ws-c', 'ws-d', 'ws-e']);
    expect(received.map((event) => event.id)).toEqual(await storedAfter(start));
  });

  it('narrows the stream with a filter, and starts at the newest event without a cursor', async () => {
    const { client } = wsClient(`Bearer ${t.secretKey}`);
    const filtered = wsSubscribe(client, { filter: { connectionId: 'only-me', operations: ['OVERRIDE'] } });
    // Subscribed before these are written: no cursor means live events only, none of the earlier ones.
    await vi.waitFor(async () => {
      await saveConnection(t.latchkey, integration, 'only-me');
      expect(filtered.received.length).toBeGreaterThan(0);
    }, WAIT);
    await saveConnection(t.latchkey, integration, 'someone-else');
    await saveConnection(t.latchkey, integration, 'only-me');
    await vi.waitFor(() => expect(filtered.received.length).toBeGreaterThanOrEqual(2), WAIT);
    await client.dispose();
    expect(
      filtered.received.every((event) => event.connectionId === 'only-me' && event.operation === 'OVERRIDE'),
    ).toBe(true);
  });

  it('refuses anonymous and unknown callers on both transports', async () => {
    const anonymous = await openSse(sseUrl({}), {});
    expect(anonymous.status).toBe(401);
    const unknown = await openSse(sseUrl({}), { authorization: 'Bearer not-a-key' });
    expect(unknown.status).toBe(401);

    for (const authorization of [undefined, 'Bearer not-a-key']) {
      const { client, closes } = wsClient(authorization, 'params');
      const attempt = wsSubscribe(client, {});
      await vi.waitFor(() => expect(closes).toEqual([4401]), WAIT);
      expect(attempt.received).toEqual([]);
      await client.dispose();
    }

    const limited = await t.latchkey.services.apiKeys.create({
      environmentId: integration.environmentId,
      name: 'no events',
      scopes: ['environment:integrations:read'],
    });
    const { client } = wsClient(`Bearer ${limited.secretKey}`);
    const refused = wsSubscribe(client, {});
    await vi.waitFor(() => expect(refused.errors).toHaveLength(1), WAIT);
    expect(JSON.stringify(refused.errors[0])).toContain('FORBIDDEN');
    await client.dispose();
  });

  it('answers a malformed or invalid operation on its own subscription, keeping the socket', async () => {
    const { client, closes } = wsClient(`Bearer ${t.secretKey}`);
    for (const query of ['subscription { authEvents {', 'subscription { authEvents { nope } }']) {
      const errors: unknown[] = [];
      await new Promise<void>((resolve) => {
        client.subscribe(
          { query },
          {
            next: () => {},
            error: (error) => {
              errors.push(error);
              resolve();
            },
            complete: resolve,
          },
        );
      });
      expect(JSON.stringify(errors)).toMatch(/Syntax Error|Cannot query field \\"nope\\"/);
    }
    expect(closes).toEqual([]);
    await client.dispose();
  });

  it('gives a connect session token its own session events only', async () => {
    await graphqlData(t, 'mutation($d: JSON!) { createProvider(definition: $d) { __typename } }', {
      d: {
        name: 'sub-keys',
        display_name: 'Sub Keys',
        auth_mode: 'API_KEY',
        proxy: { base_url: 'https://api.example.com', headers: { authorization: 'Bearer ${apiKey}' } },
        credentials: { apiKey: { type: 'string', title: 'API key', description: 'Key', secret: true } },
        docs: 'https://example.com/docs',
      },
    });
    await graphqlData(
      t,
      'mutation { createIntegration(input: { uniqueKey: "keys", provider: "sub-keys" }) { __typename } }',
    );
    const created = await graphqlData(
      t,
      'mutation { createConnectSession(input: { endUser: { id: "widget-user" }, allowedIntegrations: ["keys"] }) { ... on ConnectSessionToken { token } } }',
    );
    const token = created.createConnectSession.token as string;

    const { client } = wsClient(`Bearer ${token}`);
    const mine = wsSubscribe(client, { after: await latestCursor() });
    // Another session's flow and a backend write must not reach this subscriber.
    const other = await graphqlData(
      t,
      'mutation { createConnectSession(input: { endUser: { id: "other-user" }, allowedIntegrations: ["keys"] }) { ... on ConnectSessionToken { token } } }',
    );
    const connected = await graphqlData(
      t,
      'mutation { connectWithApiKey(integration: "keys", apiKey: "key-of-mine") { __typename ... on ConnectedPayload { connectionId } } }',
      {},
      token,
    );
    expect(connected.connectWithApiKey.__typename).toBe('ConnectedPayload');
    await vi.waitFor(() => expect(mine.received).toHaveLength(1), WAIT);
    expect(mine.received[0]).toMatchObject({
      connectionId: connected.connectWithApiKey.connectionId,
      operation: 'CREATION',
      providerConfigKey: 'keys',
    });
    await graphqlData(
      t,
      'mutation { connectWithApiKey(integration: "keys", apiKey: "key-of-other") { __typename } }',
      {},
      other.createConnectSession.token,
    );
    await saveConnection(t.latchkey, integration, 'backend-write');
    const mineBefore = mine.received.length;
    await graphqlData(
      t,
      'mutation { connectWithApiKey(integration: "keys", apiKey: "key-of-mine-2") { __typename } }',
      {},
      token,
    );
    await vi.waitFor(() => expect(mine.received.length).toBe(mineBefore + 1), WAIT);
    await client.dispose();
    // Exactly this session's two flows: not the other session's, not the backend's write in between.
    expect(mine.received).toHaveLength(2);
    expect(mine.received.map((event) => event.connectionId)).not.toContain('backend-write');
  });
});
