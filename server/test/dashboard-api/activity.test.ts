/**
 * The dashboard's activity views: operation logs paged by keyset under each filter, one operation with its messages,
 * the live log subscription (a new operation arrives, and again when it ends), and a webhook delivery with every
 * attempt and its body.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LatchkeyClient, LatchkeyOutputs } from '../../client/src/index';
import { finishAttempt } from '../../src/webhooks/webhook-delivery.repository';
import {
  createEventIntegration,
  type EventIntegration,
  saveConnection,
} from '../support/auth-event-fixtures';
import { type ServedLatchkey, serveTestLatchkey } from '../support/served-latchkey';
import { databaseKinds } from '../support/test-database';
import { latchkeyClient } from '../support/trpc-client';
import { failure } from './dashboard-api-fixtures';

type Operation = LatchkeyOutputs['logs']['page']['items'][number];

describe.each(databaseKinds())('dashboard activity API (%s)', (kind) => {
  let s: ServedLatchkey;
  let client: LatchkeyClient;
  let environmentId: string;
  let integration: EventIntegration;

  /** An operation at a given time (started_at is set by the database; the test moves it). */
  async function operation(
    fields: { action?: string; integration?: string; connection?: string; status?: 'success' | 'failed' },
    startedAt: Date,
  ): Promise<string> {
    const log = await s.t.latchkey.services.logs.start(environmentId, {
      kind: 'auth',
      action: fields.action ?? 'oauth2',
      ...(fields.integration === undefined ? {} : { integrationKey: fields.integration }),
      ...(fields.connection === undefined ? {} : { connectionId: fields.connection }),
    });
    await log.info('flow started', { step: 1 });
    if (fields.status === 'success') await log.succeed(fields.connection ?? 'c');
    if (fields.status === 'failed') await log.fail('token_exchange_failed', 'the provider refused the code');
    await s.t.database.db
      .updateTable('operations')
      .set({ started_at: startedAt } as never)
      .where('id', '=', log.id)
      .execute();
    return log.id;
  }

  beforeAll(async () => {
    s = await serveTestLatchkey(kind);
    client = latchkeyClient(s.url, { secretKey: s.t.secretKey });
    integration = await createEventIntegration(s.t, 'logs-int');
    environmentId = integration.environmentId;
  });
  afterAll(() => s[Symbol.asyncDispose]());

  it('pages operations newest first by keyset under each filter, and shows one with its messages', async () => {
    const base = Date.UTC(2026, 10, 1, 12);
    const made: string[] = [];
    for (let i = 0; i < 7; i++) {
      made.push(
        await operation(
          {
            integration: i % 2 === 0 ? 'github' : 'slack',
            connection: `conn-${i}`,
            status: i === 3 ? 'failed' : 'success',
            action: i === 5 ? 'api_key' : 'oauth2',
          },
          // Two share a start time: the id breaks the tie, and paging must still neither skip nor repeat.
          new Date(base + (i === 2 ? 1 : i) * 60_000),
        ),
      );
    }
    const within = { from: new Date(base).toISOString(), to: new Date(base + 3_600_000).toISOString() };
    const all = await client.logs.page.query({ ...within, limit: 50 });
    expect(all.items).toHaveLength(7);
    expect(all.nextCursor).toBeNull();
    const startTimes = all.items.map((item) => Date.parse(item.started_at));
    expect([...startTimes].sort((a, b) => b - a)).toEqual(startTimes);

    const paged: Operation[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.logs.page.query({ ...within, limit: 2, ...(cursor ? { cursor } : {}) });
      expect(page.items.length).toBeLessThanOrEqual(2);
      paged.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    expect(paged.map((item) => item.id)).toEqual(all.items.map((item) => item.id));

    const ids = async (filter: Record<string, string>) =>
      (await client.logs.page.query({ ...within, ...filter })).items.map((item) => item.connection_id).sort();
    expect(await ids({ status: 'failed' })).toEqual(['conn-3']);
    expect(await ids({ integration: 'slack' })).toEqual(['conn-1', 'conn-3', 'conn-5']);
    expect(await ids({ connectionId: 'conn-4' })).toEqual(['conn-4']);
    expect(await ids({ action: 'api_key' })).toEqual(['conn-5']);
    expect(await ids({ kind: 'refresh' })).toEqual([]);
    expect(
      await ids({
        from: new Date(base + 4 * 60_000).toISOString(),
        to: new Date(base + 6 * 60_000).toISOString(),
      }),
    ).toEqual(['conn-4', 'conn-5']);

    const failed = await client.logs.get.query({ id: made[3]! });
    expect(failed).toMatchObject({ id: made[3], status: 'failed', error_code: 'token_exchange_failed' });
    expect(failed.messages.map((m) => [m.level, m.message])).toEqual([
      ['info', 'flow started'],
      ['error', 'the provider refused the code'],
    ]);
    expect(await failure(client.logs.get.query({ id: randomUUID() }))).toMatchObject({ httpStatus: 404 });
    expect(await failure(client.logs.page.query({ cursor: 'nope' }))).toMatchObject({ httpStatus: 400 });
  });

  it('streams operations live: a new one arrives as it starts and again as it ends', async () => {
    const received: Array<{ id: string; data: Operation }> = [];
    let failed: unknown;
    const subscription = client.logs.live.subscribe(undefined, {
      onData: (event) => received.push(event),
      onError: (error) => {
        failed = error;
      },
    });
    try {
      // The stream opens before anything is written: give it a moment, then log.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const log = await s.t.latchkey.services.logs.start(environmentId, {
        kind: 'auth',
        action: 'oauth2',
        integrationKey: 'github',
        connectionId: 'live-1',
      });
      await waitUntil(() => received.some((event) => event.data.id === log.id), 'the started operation');
      expect(received.find((event) => event.data.id === log.id)?.data.status).toBe('running');
      await log.succeed('live-1');
      await waitUntil(
        () => received.some((event) => event.data.id === log.id && event.data.status === 'success'),
        'the ended operation',
      );
      expect(failed).toBeUndefined();
      // Ids are unique per event and carry the change time for resumption.
      expect(new Set(received.map((event) => event.id)).size).toBe(received.length);
      expect(received.every((event) => /^\d+\.[0-9a-f-]{36}\.\w+$/.test(event.id))).toBe(true);
    } finally {
      subscription.unsubscribe();
    }
  });

  it('resumes the live log after the last event id a client saw', async () => {
    const first = await s.t.latchkey.services.logs.start(environmentId, { kind: 'auth', action: 'oauth2' });
    await first.succeed('resume-1');
    const seen: string[] = [];
    const a = client.logs.live.subscribe({ lastEventId: '0.x' }, { onData: (event) => seen.push(event.id) });
    await waitUntil(() => seen.some((id) => id.includes(first.id)), 'the earlier operation from the start');
    a.unsubscribe();
    const last = seen.find((id) => id.includes(first.id) && id.endsWith('.success'))!;
    const resumed: string[] = [];
    const b = client.logs.live.subscribe(
      { lastEventId: last },
      { onData: (event) => resumed.push(event.id) },
    );
    try {
      const next = await s.t.latchkey.services.logs.start(environmentId, { kind: 'auth', action: 'oauth2' });
      await waitUntil(() => resumed.some((id) => id.includes(next.id)), 'the next operation');
      expect(resumed.some((id) => id.includes(first.id))).toBe(false);
    } finally {
      b.unsubscribe();
    }
  });

  it('shows a webhook delivery with every attempt and its body', async () => {
    const saved = await saveConnection(s.t.latchkey, integration, 'hooked');
    const event = await s.t.database.db
      .selectFrom('auth_events')
      .select('id')
      .where('connection_id', '=', saved.row.connection_id)
      .executeTakeFirstOrThrow();
    const deliveryId = randomUUID();
    await s.t.database.db
      .insertInto('webhook_deliveries')
      // Due far ahead: the test plays the attempts itself, the webhook worker must leave this one alone.
      .values({
        id: deliveryId,
        event_id: event.id,
        environment_id: environmentId,
        url: 'https://hooks.example.com/a',
        status: 'pending',
        next_attempt_at: new Date('2100-01-01T00:00:00Z'),
      })
      .execute();
    const at = new Date('2026-11-02T10:00:00Z');
    await finishAttempt(
      s.t.database.db,
      deliveryId,
      { statusCode: 503, error: 'HTTP 503', durationMs: 40, attemptedAt: at },
      { status: 'pending', nextAttemptAt: new Date('2100-01-01T00:00:00Z') },
    );
    await finishAttempt(
      s.t.database.db,
      deliveryId,
      { statusCode: 200, error: null, durationMs: 12, attemptedAt: new Date(at.getTime() + 2500) },
      { status: 'delivered' },
    );

    const delivery = await client.webhooks.get.query({ id: deliveryId });
    expect(delivery).toMatchObject({
      id: deliveryId,
      connection_id: 'hooked',
      provider_config_key: 'logs-int',
      status: 'delivered',
      attempt_count: 2,
      attempts: [
        { status_code: 503, error: 'HTTP 503', duration_ms: 40, attempted_at: '2026-11-02T10:00:00.000Z' },
        { status_code: 200, error: null, duration_ms: 12, attempted_at: '2026-11-02T10:00:02.500Z' },
      ],
      payload: { type: 'auth', operation: 'creation', connectionId: 'hooked', providerConfigKey: 'logs-int' },
    });
    expect(JSON.stringify(delivery.payload)).not.toContain('token-hooked');
    expect(await failure(client.webhooks.get.query({ id: randomUUID() }))).toMatchObject({ httpStatus: 404 });
  });
});

async function waitUntil(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
