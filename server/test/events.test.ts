/**
 * Live auth events: `GET /events` pages resume from a cursor without loss; a subscription that starts while events
 * are being written switches from backlog to live without losing or repeating one; the SSE stream delivers live
 * events and resumes from `Last-Event-ID`; on PostgreSQL an event committed by one instance reaches a subscriber of
 * another through LISTEN/NOTIFY.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AuthContext } from '../src/auth/auth-context';
import type { AuthEventView } from '../src/events/event.service';
import { startHttpServer } from '../src/http-server';
import { createLatchkey, type Latchkey } from '../src/latchkey';
import { createDatabase } from '../src/platform/database/database';
import { createLogger } from '../src/platform/logging/logger';
import { createEventIntegration, type EventIntegration, saveConnection } from './support/auth-event-fixtures';
import { freePort } from './support/free-port';
import { openSse } from './support/sse-client';
import { databaseKinds } from './support/test-database';
import { createTestLatchkey, type TestLatchkey } from './support/test-latchkey';

const QUIET = { LATCHKEY_WEBHOOKS: 'off', LATCHKEY_PROACTIVE_REFRESH: 'off' };
const WAIT = { timeout: 10_000, interval: 25 };

interface EventPage {
  data: AuthEventView[];
  next_cursor: string;
}

function devAuth(integration: EventIntegration): AuthContext {
  return { environment: { id: integration.environmentId, name: 'dev' }, scopes: ['environment:*'] };
}

describe.each(databaseKinds())('auth events (%s)', (kind) => {
  let t: TestLatchkey;
  let integration: EventIntegration;

  async function page(query: string, key?: string): Promise<EventPage> {
    const response = await t.request(`/events?${query}`, key === undefined ? {} : { key });
    expect(response.status, await response.clone().text()).toBe(200);
    return (await response.json()) as EventPage;
  }

  async function everything(): Promise<AuthEventView[]> {
    const all: AuthEventView[] = [];
    for (let after = '0'; ; ) {
      const next = await page(`after=${after}&limit=1000`);
      if (next.data.length === 0) return all;
      all.push(...next.data);
      after = next.next_cursor;
    }
  }

  beforeAll(async () => {
    const port = await freePort();
    t = await createTestLatchkey(kind, { ...QUIET, PORT: String(port), HOST: '127.0.0.1' });
    integration = await createEventIntegration(t);
  });
  afterAll(() => t?.[Symbol.asyncDispose]());

  it('pages through events by cursor and resumes where it stopped', async () => {
    for (const id of ['page-a', 'page-b', 'page-a', 'page-b', 'page-a']) {
      await saveConnection(t.latchkey, integration, id);
    }
    const seen: AuthEventView[] = [];
    let cursor = '0';
    for (;;) {
      const next = await page(`after=${cursor}&limit=2`);
      expect(next.data.length).toBeLessThanOrEqual(2);
      seen.push(...next.data);
      if (next.data.length === 0) {
        expect(next.next_cursor).toBe(cursor);
        break;
      }
      expect(next.next_cursor).toBe(next.data.at(-1)!.id);
      cursor = next.next_cursor;
    }
    expect(seen.map((event) => `${event.connectionId}:${event.operation}`)).toEqual([
      'page-a:creation',
      'page-b:creation',
      'page-a:override',
      'page-b:override',
      'page-a:override',
    ]);
    const ids = seen.map((event) => BigInt(event.id));
    expect(ids).toEqual([...ids].sort((a, b) => (a < b ? -1 : 1)));
    expect(seen[0]).toMatchObject({
      from: 'nango',
      type: 'auth',
      success: true,
      providerConfigKey: 'hooks',
      environment: 'dev',
      authMode: 'OAUTH2',
    });
    expect(Number.isNaN(Date.parse(seen[0]!.created_at))).toBe(false);

    await saveConnection(t.latchkey, integration, 'page-c');
    await saveConnection(t.latchkey, integration, 'page-c');
    const resumed = await page(`after=${cursor}`);
    expect(resumed.data.map((event) => event.operation)).toEqual(['creation', 'override']);
  });

  it('validates the cursor, checks the scope and keeps environments apart', async () => {
    expect((await t.request('/events?after=abc')).status).toBe(400);
    expect((await t.request('/events?limit=0')).status).toBe(400);
    const limited = await t.latchkey.services.apiKeys.create({
      environmentId: integration.environmentId,
      name: 'integrations only',
      scopes: ['environment:integrations:read'],
    });
    expect((await t.request('/events', { key: limited.secretKey })).status).toBe(403);

    const prodKey = t.latchkey.createdEnvironments.find((e) => e.environment.name === 'prod')!.secretKey;
    const prod = await createEventIntegration(t, 'prod-hooks', prodKey);
    await saveConnection(t.latchkey, prod, 'prod-only');
    const prodEvents = await page('after=0', prodKey);
    expect(prodEvents.data.map((event) => event.connectionId)).toEqual(['prod-only']);
    expect((await everything()).some((event) => event.connectionId === 'prod-only')).toBe(false);
  });

  it('switches a subscription from backlog to live without losing or repeating an event', async () => {
    const start = (await everything()).at(-1)!.id;
    const received: AuthEventView[] = [];
    let subscription: { close(): void } | undefined;
    // Writes keep going while the subscription reads its backlog and goes live.
    for (let i = 0; i < 30; i++) {
      await saveConnection(t.latchkey, integration, `switch-${i % 4}`);
      if (i === 10) {
        subscription = t.latchkey.services.events.subscribe(devAuth(integration), start, (event) => {
          received.push(event);
        });
      }
    }
    await vi.waitFor(() => expect(received).toHaveLength(30), WAIT);
    subscription!.close();
    const stored = (await everything()).filter((event) => BigInt(event.id) > BigInt(start));
    expect(received.map((event) => event.id)).toEqual(stored.map((event) => event.id));
  });

  it('streams live events over SSE and resumes from Last-Event-ID', async () => {
    const server = await startHttpServer({ ...t.latchkey, close: async () => {} }, createLogger('silent'));
    const auth = { authorization: `Bearer ${t.secretKey}` };
    try {
      const before = (await everything()).at(-1)!.id;
      await saveConnection(t.latchkey, integration, 'sse-a');
      const first = await openSse(`${server.url}/events?after=${before}`, auth);
      expect(first.status).toBe(200);
      expect(first.contentType).toMatch(/^text\/event-stream/);
      await vi.waitFor(() => expect(first.events).toHaveLength(1), WAIT);
      await saveConnection(t.latchkey, integration, 'sse-a');
      await vi.waitFor(() => expect(first.events).toHaveLength(2), WAIT);
      first.close();
      await first.ended;

      // Written while nobody listens: the reconnection must bring them first.
      await saveConnection(t.latchkey, integration, 'sse-b');
      await saveConnection(t.latchkey, integration, 'sse-b');
      const second = await openSse(`${server.url}/events`, {
        ...auth,
        'last-event-id': first.events[1]!.id!,
      });
      await vi.waitFor(() => expect(second.events).toHaveLength(2), WAIT);
      await saveConnection(t.latchkey, integration, 'sse-c');
      await vi.waitFor(() => expect(second.events).toHaveLength(3), WAIT);

      // Without a cursor the stream starts at the newest event: live ones only.
      const live = await openSse(`${server.url}/events`, auth);
      await saveConnection(t.latchkey, integration, 'sse-d');
      await vi.waitFor(() => expect(live.events).toHaveLength(1), WAIT);
      await vi.waitFor(() => expect(second.events).toHaveLength(4), WAIT);

      const streamed = [...first.events, ...second.events];
      expect(streamed.every((event) => event.event === 'auth')).toBe(true);
      const bodies = streamed.map((event) => JSON.parse(event.data) as AuthEventView);
      expect(streamed.map((event) => event.id)).toEqual(bodies.map((body) => body.id));
      expect(bodies.map((body) => `${body.connectionId}:${body.operation}`)).toEqual([
        'sse-a:creation',
        'sse-a:override',
        'sse-b:creation',
        'sse-b:override',
        'sse-c:creation',
        'sse-d:creation',
      ]);
      const stored = (await everything()).filter((event) => BigInt(event.id) > BigInt(before));
      expect(bodies.map((body) => body.id)).toEqual(stored.map((event) => event.id));
      expect((JSON.parse(live.events[0]!.data) as AuthEventView).connectionId).toBe('sse-d');

      const forbidden = await openSse(`${server.url}/events`, { authorization: 'Bearer nope' });
      expect(forbidden.status).toBe(401);

      // A graceful stop ends open streams instead of waiting out the shutdown timeout for them.
      const stopping = Date.now();
      await server.stop();
      await Promise.all([second.ended, live.ended]);
      expect(Date.now() - stopping).toBeLessThan(3000);
    } finally {
      await server.stop();
    }
  });
});

describe.runIf(process.env.TEST_DATABASE_URL)('auth events across instances (postgres)', () => {
  it('delivers an event committed by one instance to a subscriber of another (LISTEN/NOTIFY)', async () => {
    await using t = await createTestLatchkey('postgres', QUIET);
    const integration = await createEventIntegration(t);
    const ownDb = createDatabase({ kind: 'postgres', url: t.database.url!, poolSize: 3 });
    let other: Latchkey | undefined;
    try {
      other = await createLatchkey(t.latchkey.config, { logger: createLogger('silent'), db: ownDb });
      const received: Array<{ event: AuthEventView; at: number }> = [];
      const auth = devAuth(integration);
      const cursor = await other.services.events.streamCursor(auth, undefined);
      const subscription = other.services.events.subscribe(auth, cursor, (event) => {
        received.push({ event, at: Date.now() });
      });
      // Let the subscription finish reading its (empty) backlog: from here only a notification can wake it.
      await new Promise((resolve) => setTimeout(resolve, 300));
      for (const id of ['remote-a', 'remote-b', 'remote-a']) {
        const committed = Date.now();
        await saveConnection(t.latchkey, integration, id);
        await vi.waitFor(() => expect(received.at(-1)?.event.connectionId).toBe(id), WAIT);
        // Well under the bus's 5-second resync: the notification woke it.
        expect(received.at(-1)!.at - committed).toBeLessThan(1500);
      }
      subscription.close();
      expect(received.map(({ event }) => `${event.connectionId}:${event.operation}`)).toEqual([
        'remote-a:creation',
        'remote-b:creation',
        'remote-a:override',
      ]);
    } finally {
      await other?.stopBackground();
      await ownDb.destroy();
    }
  });
});
