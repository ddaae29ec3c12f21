/**
 * The home page's numbers: one value per UTC day for each series (rows seeded on known days land on them, older ones
 * are left out, other environments never count), and the needs-attention lists with their totals.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LatchkeyClient } from '../../client/src/index';
import {
  createEventIntegration,
  type EventIntegration,
  saveConnection,
} from '../support/auth-event-fixtures';
import { databaseKinds } from '../support/test-database';
import { createTestLatchkey, type TestLatchkey } from '../support/test-latchkey';
import { failure, keyClient } from './dashboard-api-fixtures';

const DAY = 86_400_000;

describe.each(databaseKinds())('dashboard stats API (%s)', (kind) => {
  let t: TestLatchkey;
  let client: LatchkeyClient;
  let dev: EventIntegration;
  let prod: EventIntegration;
  const today = new Date(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`).getTime();
  /** Noon (UTC) `n` days ago; late evening too, to catch a local-time day boundary. */
  const daysAgo = (n: number, hour = 12) => new Date(today - n * DAY + hour * 3_600_000);

  async function connection(
    integration: EventIntegration,
    id: string,
    createdAt: Date,
    state?: 'needs_reauth',
  ) {
    const saved = await saveConnection(t.latchkey, integration, id);
    await t.database.db
      .updateTable('connections')
      .set({
        created_at: createdAt,
        ...(state ? { refresh_state: state, last_refresh_failure_at: createdAt } : {}),
      } as never)
      .where('id', '=', saved.row.id)
      .execute();
    return saved;
  }

  async function authEvent(integration: EventIntegration, operation: string, success: boolean, at: Date) {
    const row = await t.database.db
      .insertInto('auth_events')
      .values({
        environment_id: integration.environmentId,
        connection_id: 'x',
        integration_key: integration.key,
        operation: operation as 'refresh',
        success,
        payload: JSON.stringify({ type: 'auth', operation }),
        created_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async function delivery(integration: EventIntegration, status: 'delivered' | 'failed' | 'dead', at: Date) {
    const eventId = await authEvent(integration, 'creation', true, at);
    const id = randomUUID();
    await t.database.db
      .insertInto('webhook_deliveries')
      .values({
        id,
        event_id: eventId,
        environment_id: integration.environmentId,
        url: 'https://hooks.example.com',
        status,
        last_error: status === 'delivered' ? null : 'HTTP 500',
        created_at: at,
      })
      .execute();
    return id;
  }

  async function flow(
    integration: EventIntegration,
    action: string,
    status: 'success' | 'failed' | 'running',
    at: Date,
  ) {
    await t.database.db
      .insertInto('operations')
      .values({
        id: randomUUID(),
        environment_id: integration.environmentId,
        kind: 'auth',
        action,
        integration_key: integration.key,
        connection_id: null,
        status,
        error_code: null,
        started_at: at,
      })
      .execute();
  }

  beforeAll(async () => {
    t = await createTestLatchkey(kind);
    client = keyClient(t);
    dev = await createEventIntegration(t, 'stats-int');
    const prodKey = await t.latchkey.services.apiKeys.create({
      environmentId: (await t.latchkey.services.environments.getByName('prod')).id,
      name: 'prod',
      scopes: ['environment:*'],
    });
    prod = await createEventIntegration(t, 'stats-int', prodKey.secretKey);

    await connection(dev, 'today-1', daysAgo(0, 0.5));
    await connection(dev, 'today-2', daysAgo(0, 1));
    await connection(dev, 'yesterday', daysAgo(1, 23.9), 'needs_reauth');
    await connection(dev, 'first-day', daysAgo(13));
    await connection(dev, 'too-old', daysAgo(14, 23.9), 'needs_reauth');
    await connection(prod, 'elsewhere', daysAgo(0));

    await authEvent(dev, 'refresh', false, daysAgo(2));
    await authEvent(dev, 'refresh', false, daysAgo(2));
    await authEvent(dev, 'refresh', true, daysAgo(2));
    await authEvent(prod, 'refresh', false, daysAgo(2));

    await delivery(dev, 'delivered', daysAgo(0));
    await delivery(dev, 'delivered', daysAgo(3));
    await delivery(dev, 'failed', daysAgo(3));
    await delivery(dev, 'dead', daysAgo(4));
    await delivery(prod, 'dead', daysAgo(4));

    await flow(dev, 'oauth2', 'success', daysAgo(5));
    await flow(dev, 'oauth2', 'failed', daysAgo(5));
    await flow(dev, 'api_key', 'running', daysAgo(5));
    await flow(dev, 'refresh', 'success', daysAgo(5));
    await flow(dev, 'revocation', 'success', daysAgo(5));
  });
  afterAll(() => t[Symbol.asyncDispose]());

  it('counts each series per UTC day over the last 14 days, in this environment only', async () => {
    const stats = await client.stats.home.query();
    expect(stats.days).toHaveLength(14);
    expect(stats.days.at(-1)).toBe(new Date(today).toISOString().slice(0, 10));
    expect(stats.days[0]).toBe(new Date(today - 13 * DAY).toISOString().slice(0, 10));
    for (const values of Object.values(stats.series)) expect(values).toHaveLength(14);

    const on = (series: number[], n: number) => series[13 - n];
    const total = (series: number[]) => series.reduce((a, b) => a + b, 0);
    expect(on(stats.series.connectionsCreated, 0)).toBe(2);
    expect(on(stats.series.connectionsCreated, 1)).toBe(1);
    expect(on(stats.series.connectionsCreated, 13)).toBe(1);
    // The `creation` events of saved connections are not refresh failures; the 14-day-old connection is out.
    expect(total(stats.series.connectionsCreated)).toBe(4);
    expect(on(stats.series.refreshFailures, 2)).toBe(2);
    expect(total(stats.series.refreshFailures)).toBe(2);
    expect(on(stats.series.webhooksOk, 0)).toBe(1);
    expect(on(stats.series.webhooksOk, 3)).toBe(1);
    expect(on(stats.series.webhooksFailed, 3)).toBe(1);
    expect(on(stats.series.webhooksFailed, 4)).toBe(1);
    expect(total(stats.series.webhooksFailed)).toBe(2);
    // Refreshes and revocations are not flows.
    expect(on(stats.series.flowsStarted, 5)).toBe(3);
    expect(on(stats.series.flowsCompleted, 5)).toBe(1);
    expect(total(stats.series.flowsStarted)).toBe(3);

    const week = await client.stats.home.query({ days: 7 });
    expect(week.days).toEqual(stats.days.slice(7));
    expect(week.series.connectionsCreated).toEqual(stats.series.connectionsCreated.slice(7));
    expect(await failure(client.stats.home.query({ days: 91 }))).toMatchObject({ httpStatus: 400 });
  });

  it('lists what needs attention: connections to reconnect and dead deliveries, with totals', async () => {
    const { attention } = await client.stats.home.query();
    expect(attention.needsReauthCount).toBe(2);
    expect(attention.needsReauth).toEqual([
      { connectionId: 'too-old', integration: 'stats-int', since: daysAgo(14, 23.9).toISOString() },
      { connectionId: 'yesterday', integration: 'stats-int', since: daysAgo(1, 23.9).toISOString() },
    ]);
    expect(attention.deadDeliveriesCount).toBe(1);
    expect(attention.deadDeliveries).toEqual([
      {
        id: expect.any(String),
        eventType: 'auth.creation',
        connectionId: 'x',
        lastError: 'HTTP 500',
        at: daysAgo(4).toISOString(),
      },
    ]);
  });
});
