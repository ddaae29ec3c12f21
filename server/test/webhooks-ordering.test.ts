/**
 * Order per connection while a delivery waits in backoff: a connection's later event is held until its earlier one is
 * delivered, even when the later one is due first, and other connections' events are not held up behind it.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createEventIntegration, type EventIntegration, saveConnection } from './support/auth-event-fixtures';
import { databaseKinds } from './support/test-database';
import { createTestLatchkey, type TestLatchkey } from './support/test-latchkey';
import { connectionOf, eventIdOf, orderViolations } from './support/webhook-assertions';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver';

describe.each(databaseKinds())('webhook order while a delivery is in backoff (%s)', (kind) => {
  let t: TestLatchkey;
  let receiver: WebhookReceiver;
  let integration: EventIntegration;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    t = await createTestLatchkey(kind, {
      LATCHKEY_ALLOW_PRIVATE_URLS: '1',
      LATCHKEY_WEBHOOK_POLL_MS: '50',
      LATCHKEY_WEBHOOK_BACKOFF_BASE_MS: '20',
      LATCHKEY_WEBHOOK_BACKOFF_MAX_SECONDS: '5',
      LATCHKEY_PROACTIVE_REFRESH: 'off',
    });
    integration = await createEventIntegration(t);
    const response = await t.request('/environment/webhook', {
      method: 'PATCH',
      json: { primary_url: `${receiver.url}/order` },
    });
    expect(response.status).toBe(200);
  });
  afterAll(async () => {
    await t?.[Symbol.asyncDispose]();
    await receiver?.close();
  });

  it('holds a later event of the connection, not the events of others', async () => {
    // The first attempt of the first event is told to come back in two seconds; everything else is accepted.
    receiver.behaviour = (_request, index) =>
      index === 0 ? { status: 503, headers: { 'retry-after': '2' } } : { status: 200 };
    await saveConnection(t.latchkey, integration, 'waiting');
    await vi.waitFor(() => expect(receiver.requests).toHaveLength(1), { timeout: 10_000, interval: 20 });

    // While it waits: a later event of the same connection, and an event of another one.
    await saveConnection(t.latchkey, integration, 'waiting');
    await saveConnection(t.latchkey, integration, 'other');
    await vi.waitFor(() => expect(receiver.accepted()).toHaveLength(3), { timeout: 10_000, interval: 20 });

    const [refused, ...rest] = receiver.requests;
    const accepted = receiver.accepted();
    expect(rest).toEqual(accepted);
    // The other connection went first, during the wait; then the waiting connection's events, in order.
    expect(accepted.map(connectionOf)).toEqual(['other', 'waiting', 'waiting']);
    expect(accepted.slice(1).map(eventIdOf)).toEqual([eventIdOf(refused!), eventIdOf(refused!) + 1]);
    expect(orderViolations(receiver.requests)).toEqual([]);
  });
});
