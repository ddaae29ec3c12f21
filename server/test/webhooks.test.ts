/**
 * Webhook delivery against a real receiver on loopback: failures, timeouts and 429 before it recovers, a restart in
 * between, settled failures, the retry horizon, replay, key rotation, and two workers on one PostgreSQL. Signatures
 * are checked with the real `@nangohq/node` and recomputed as a Standard Webhooks library would.
 */
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLatchkey, type Latchkey } from '../src/latchkey';
import { createDatabase } from '../src/platform/database/database';
import { createLogger } from '../src/platform/logging/logger';
import type { WebhookDeliveryView } from '../src/webhooks/webhook-delivery.service';
import { createEventIntegration, type EventIntegration, saveConnection } from './support/auth-event-fixtures';
import { startFlowHarness } from './support/flow-harness';
import { patchEnvironment } from './support/public-key-flows';
import { databaseKinds } from './support/test-database';
import { createTestLatchkey, type TestLatchkey } from './support/test-latchkey';
import { checkSignatures, connectionOf, eventIdOf, orderViolations } from './support/webhook-assertions';
import {
  defaultAnswer,
  type ReceivedWebhook,
  startWebhookReceiver,
  type WebhookReceiver,
} from './support/webhook-receiver';

/** Tiny waits so retries happen within a test's time; the 429's one-second Retry-After is honoured as it is. */
const FAST = {
  LATCHKEY_ALLOW_PRIVATE_URLS: '1',
  LATCHKEY_WEBHOOK_POLL_MS: '50',
  // Long enough that a loaded CI machine (parallel suites) does not turn a slow 200 into a timeout; the receiver's
  // 'hang' answers still take exactly this long.
  LATCHKEY_WEBHOOK_TIMEOUT_MS: '2000',
  LATCHKEY_WEBHOOK_BACKOFF_BASE_MS: '20',
  LATCHKEY_WEBHOOK_BACKOFF_MAX_SECONDS: '1',
  LATCHKEY_PROACTIVE_REFRESH: 'off',
};
const WAIT = { timeout: 20_000, interval: 50 };

async function deliveries(t: TestLatchkey, query: string): Promise<WebhookDeliveryView[]> {
  const response = await t.request(`/webhooks/deliveries?${query}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { data: WebhookDeliveryView[] }).data;
}

async function signingKey(t: TestLatchkey): Promise<string> {
  const response = await t.request('/environment?include=webhook_signing_key');
  return ((await response.json()) as { data: { webhook_signing_key: string } }).data.webhook_signing_key;
}

async function setWebhookUrl(t: TestLatchkey, primary: string | null, secondary: string | null = null) {
  const response = await t.request('/environment/webhook', {
    method: 'PATCH',
    json: { primary_url: primary, secondary_url: secondary },
  });
  expect(response.status, await response.clone().text()).toBe(200);
}

const onPath = (receiver: WebhookReceiver, path: string) =>
  receiver.requests.filter((request) => request.path === path);

function distinctIds(requests: ReceivedWebhook[]): Set<string> {
  return new Set(requests.map((request) => request.headers['webhook-id']!));
}

describe.each(databaseKinds())('webhook delivery (%s)', (kind) => {
  let t: TestLatchkey;
  let receiver: WebhookReceiver;
  let integration: EventIntegration;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    t = await createTestLatchkey(kind, FAST);
    integration = await createEventIntegration(t);
  });
  afterAll(async () => {
    await t?.[Symbol.asyncDispose]();
    await receiver?.close();
  });

  it('takes webhook settings through PATCH /environment/webhook and PATCH /environment', async () => {
    const initial = (await (await t.request('/environment')).json()) as { data: Record<string, unknown> };
    expect(initial.data).toMatchObject({
      webhook_url: null,
      webhook_secondary_url: null,
      webhook_on_auth_creation: true,
      webhook_on_auth_refresh_error: true,
    });
    expect(initial.data).not.toHaveProperty('webhook_signing_key');

    const bad = await t.request('/environment/webhook', {
      method: 'PATCH',
      json: { primary_url: 'ftp://x.test/' },
    });
    expect(bad.status).toBe(400);
    const both = await t.request('/environment', {
      method: 'PATCH',
      json: { webhook_url: 'https://a.test/', primary_url: 'https://b.test/' },
    });
    expect(both.status).toBe(400);

    const nangoNames = await t.request('/environment', {
      method: 'PATCH',
      json: { primary_url: 'https://hooks.example.com/a', secondary_url: 'https://hooks.example.com/b' },
    });
    expect(((await nangoNames.json()) as { data: unknown }).data).toMatchObject({
      webhook_url: 'https://hooks.example.com/a',
      webhook_secondary_url: 'https://hooks.example.com/b',
    });
    const ours = await t.request('/environment', {
      method: 'PATCH',
      json: { webhook_secondary_url: null, webhook_on_auth_creation: false },
    });
    expect(((await ours.json()) as { data: unknown }).data).toMatchObject({
      webhook_url: 'https://hooks.example.com/a',
      webhook_secondary_url: null,
      webhook_on_auth_creation: false,
    });
    await t.request('/environment', { method: 'PATCH', json: { webhook_on_auth_creation: true } });
    expect(await signingKey(t)).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('sends one POST per URL when a secondary URL is set', async () => {
    await setWebhookUrl(t, `${receiver.url}/primary`, `${receiver.url}/secondary`);
    await saveConnection(t.latchkey, integration, 'two-urls');
    await vi.waitFor(() => {
      expect(onPath(receiver, '/primary')).toHaveLength(1);
      expect(onPath(receiver, '/secondary')).toHaveLength(1);
    }, WAIT);
    expect(onPath(receiver, '/primary')[0]!.headers['webhook-id']).toBe(
      onPath(receiver, '/secondary')[0]!.headers['webhook-id'],
    );
  });

  it('delivers every event exactly once, in order per connection, through 500s, timeouts and a 429', async () => {
    const path = '/recover';
    await setWebhookUrl(t, `${receiver.url}${path}`);
    let seen = 0;
    receiver.behaviour = (request) => {
      if (request.path !== path) return defaultAnswer(request);
      seen += 1;
      if (seen <= 3) return { status: 500 };
      if (seen <= 5) return 'hang';
      if (seen === 6) return { status: 429, headers: { 'retry-after': '1' } };
      return { status: 200 };
    };
    const connections = ['recover-a', 'recover-b', 'recover-c'];
    for (let round = 0; round < 3; round++) {
      for (const id of connections) await saveConnection(t.latchkey, integration, id);
    }

    await vi.waitFor(
      () => expect(distinctIds(receiver.accepted().filter((r) => r.path === path)).size).toBe(9),
      WAIT,
    );
    receiver.behaviour = defaultAnswer;
    const requests = onPath(receiver, path);
    const accepted = requests.filter((request) => request.status === 200);
    expect(accepted).toHaveLength(9);
    expect(requests.filter((request) => request.status === 500)).toHaveLength(3);
    expect(requests.filter((request) => request.status === 0)).toHaveLength(2);
    expect(orderViolations(requests)).toEqual([]);

    const key = await signingKey(t);
    for (const request of accepted) {
      expect(checkSignatures(request, key)).toEqual({ nango: true, standard: true, legacy: false });
      // Nango's legacy SHA-256 signature only goes to environments that opt in.
      expect(request.headers).not.toHaveProperty('x-nango-signature');
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.headers['user-agent']).toMatch(/^Latchkey\/\d+\.\d+\.\d+$/);
      expect(Math.abs(Number(request.headers['webhook-timestamp']) * 1000 - request.receivedAt)).toBeLessThan(
        2000,
      );
    }
    for (const id of connections) {
      const bodies = accepted
        .filter((request) => connectionOf(request) === id)
        .map((r) => JSON.parse(r.body));
      expect(bodies.map((body) => body.operation)).toEqual(['creation', 'override', 'override']);
      expect(bodies[0]).toEqual({
        from: 'nango',
        type: 'auth',
        operation: 'creation',
        success: true,
        connectionId: id,
        providerConfigKey: 'hooks',
        authMode: 'OAUTH2',
        provider: 'github',
        environment: 'dev',
        tags: { team: 'qa' },
        endUser: { endUserId: `user-${id}`, endUserEmail: `${id}@example.com`, tags: {} },
      });
    }
    // The body is sent with its keys sorted, at every depth, as Nango does.
    const body = accepted[0]!.body;
    expect(body).toBe(JSON.stringify(sortDeep(JSON.parse(body))));

    // Retry-After: 1 was honoured: the same delivery came back no sooner than a second later.
    const throttled = requests.find((request) => request.status === 429)!;
    const retried = requests.find(
      (request) =>
        request.receivedAt > throttled.receivedAt &&
        request.headers['webhook-id'] === throttled.headers['webhook-id'],
    )!;
    expect(retried.receivedAt - throttled.receivedAt).toBeGreaterThanOrEqual(950);

    // Every request the receiver saw is a recorded attempt, with what happened to it. The worker records the last
    // answer just after the receiver sent it, so the log is read once it has caught up.
    const deliveryLog = async () =>
      (await Promise.all(connections.map((id) => deliveries(t, `connection_id=${id}`)))).flat();
    await vi.waitFor(async () => {
      const current = await deliveryLog();
      expect(current.filter((delivery) => delivery.status === 'delivered')).toHaveLength(9);
    }, WAIT);
    const log = await deliveryLog();
    expect(log).toHaveLength(9);
    const attempts = log.flatMap((delivery) => delivery.attempts);
    expect(attempts).toHaveLength(requests.length);
    expect(attempts.filter((attempt) => attempt.status_code === 500)).toHaveLength(3);
    expect(attempts.filter((attempt) => attempt.error?.startsWith('upstream_timeout'))).toHaveLength(2);
    expect(attempts.filter((attempt) => attempt.status_code === 429)).toHaveLength(1);
  });

  it('replays a delivery as a new pending copy with the same webhook-id', async () => {
    const [original] = await deliveries(t, 'connection_id=recover-a&status=delivered&limit=1');
    const before = onPath(receiver, '/recover').length;
    const response = await t.request(`/webhooks/deliveries/${original!.id}/replay`, { method: 'POST' });
    expect(response.status).toBe(201);
    const copy = ((await response.json()) as { data: WebhookDeliveryView }).data;
    expect(copy).toMatchObject({
      event_id: original!.event_id,
      url: original!.url,
      status: 'pending',
      attempts: [],
    });
    expect(copy.id).not.toBe(original!.id);
    await vi.waitFor(() => expect(onPath(receiver, '/recover').length).toBe(before + 1), WAIT);
    expect(eventIdOf(onPath(receiver, '/recover').at(-1)!)).toBe(Number(original!.event_id));
    await vi.waitFor(async () => {
      const replayed = (await deliveries(t, 'connection_id=recover-a')).find((d) => d.id === copy.id);
      expect(replayed?.status).toBe('delivered');
    }, WAIT);

    expect((await t.request(`/webhooks/deliveries/${randomUUID()}/replay`, { method: 'POST' })).status).toBe(
      404,
    );
    expect((await t.request('/webhooks/deliveries/nope/replay', { method: 'POST' })).status).toBe(400);
  });

  it('gives up at once on a 4xx other than 408 and 429: failed, one attempt', async () => {
    await setWebhookUrl(t, `${receiver.url}/status/400`);
    await saveConnection(t.latchkey, integration, 'refused');
    await vi.waitFor(async () => {
      expect((await deliveries(t, 'connection_id=refused'))[0]?.status).toBe('failed');
    }, WAIT);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const [delivery] = await deliveries(t, 'connection_id=refused');
    expect(delivery).toMatchObject({ attempt_count: 1, last_status_code: 400, next_attempt_at: null });
    expect(delivery!.attempts).toHaveLength(1);
    expect(onPath(receiver, '/status/400')).toHaveLength(1);
    expect(await deliveries(t, 'status=failed')).toHaveLength(1);
  });

  it('signs with the new key once the signing key is rotated', async () => {
    const oldKey = await signingKey(t);
    const response = await t.request('/environment/webhook-signing-key/rotate', { method: 'POST' });
    expect(response.status).toBe(200);
    const newKey = ((await response.json()) as { data: { webhook_signing_key: string } }).data
      .webhook_signing_key;
    expect(newKey).not.toBe(oldKey);
    expect(await signingKey(t)).toBe(newKey);

    await setWebhookUrl(t, `${receiver.url}/rotated`);
    await saveConnection(t.latchkey, integration, 'rotated');
    await vi.waitFor(() => expect(onPath(receiver, '/rotated')).toHaveLength(1), WAIT);
    const [request] = onPath(receiver, '/rotated');
    expect(checkSignatures(request!, newKey)).toEqual({ nango: true, standard: true, legacy: false });
    expect(checkSignatures(request!, oldKey)).toEqual({ nango: false, standard: false, legacy: false });
  });

  it('adds X-Nango-Signature only while the environment opts in, as the setting stands at each attempt', async () => {
    const path = '/legacy';
    const key = await signingKey(t);
    await setWebhookUrl(t, `${receiver.url}${path}`);
    await saveConnection(t.latchkey, integration, 'legacy-default');
    await vi.waitFor(() => expect(onPath(receiver, path)).toHaveLength(1), WAIT);
    const [unsigned] = onPath(receiver, path);
    expect(unsigned!.headers).not.toHaveProperty('x-nango-signature');
    expect(checkSignatures(unsigned!, key)).toEqual({ nango: true, standard: true, legacy: false });

    // A receiver that takes only the legacy signature: the event waits, retried, until the opt-in reaches an attempt.
    receiver.behaviour = (request) =>
      request.path !== path
        ? defaultAnswer(request)
        : { status: request.headers['x-nango-signature'] === undefined ? 500 : 200 };
    await saveConnection(t.latchkey, integration, 'legacy-opted-in');
    await vi.waitFor(() => expect(onPath(receiver, path).length).toBeGreaterThan(1), WAIT);
    await patchEnvironment(t.request, { legacy_webhook_signature: true });
    await vi.waitFor(
      () => expect(onPath(receiver, path).filter((r) => r.status === 200)).toHaveLength(2),
      WAIT,
    );
    receiver.behaviour = defaultAnswer;
    const attempts = onPath(receiver, path).slice(1);
    const signed = attempts.at(-1)!;
    expect(attempts[0]!.status).toBe(500);
    expect(signed.headers['webhook-id']).toBe(attempts[0]!.headers['webhook-id']);
    expect(checkSignatures(signed, key)).toEqual({ nango: true, standard: true, legacy: true });

    await patchEnvironment(t.request, { legacy_webhook_signature: false });
    await saveConnection(t.latchkey, integration, 'legacy-opted-out');
    await vi.waitFor(
      () => expect(onPath(receiver, path).filter((r) => r.status === 200)).toHaveLength(3),
      WAIT,
    );
    expect(onPath(receiver, path).at(-1)!.headers).not.toHaveProperty('x-nango-signature');
  });

  it('checks scopes: a key without the webhooks scopes cannot list or replay deliveries', async () => {
    const limited = await t.latchkey.services.apiKeys.create({
      environmentId: integration.environmentId,
      name: 'reader',
      scopes: ['environment:connections:read'],
    });
    const list = await t.request('/webhooks/deliveries', { key: limited.secretKey });
    expect(list.status).toBe(403);
    const [any] = await deliveries(t, 'limit=1');
    const replay = await t.request(`/webhooks/deliveries/${any!.id}/replay`, {
      method: 'POST',
      key: limited.secretKey,
    });
    expect(replay.status).toBe(403);
    const rotate = await t.request('/environment/webhook-signing-key/rotate', {
      method: 'POST',
      key: limited.secretKey,
    });
    expect(rotate.status).toBe(403);
  });

  // Last: it replaces this suite's Latchkey with a second one on the same database.
  it('loses nothing across a restart while the receiver is down', async () => {
    const path = '/restart';
    await setWebhookUrl(t, `${receiver.url}${path}`);
    let down = true;
    receiver.behaviour = (request) =>
      request.path === path && down ? { status: 503 } : defaultAnswer(request);
    for (let round = 0; round < 2; round++) {
      for (const id of ['restart-a', 'restart-b']) await saveConnection(t.latchkey, integration, id);
    }
    await vi.waitFor(() => expect(onPath(receiver, path).length).toBeGreaterThanOrEqual(2), WAIT);
    await t.latchkey.stopBackground();

    const second = await createLatchkey(t.latchkey.config, {
      logger: createLogger('silent'),
      db: t.database.db,
    });
    try {
      down = false;
      await vi.waitFor(
        () => expect(distinctIds(receiver.accepted().filter((r) => r.path === path)).size).toBe(4),
        WAIT,
      );
      const requests = onPath(receiver, path);
      expect(requests.filter((request) => request.status === 200)).toHaveLength(4);
      expect(orderViolations(requests)).toEqual([]);
      const key = await signingKey(t);
      for (const request of requests) expect(checkSignatures(request, key).nango).toBe(true);
    } finally {
      await second.stopBackground();
    }
  });
});

describe.each(databaseKinds())('webhook policy limits (%s)', (kind) => {
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    receiver = await startWebhookReceiver();
  });
  afterAll(() => receiver?.close());

  it('refuses a private address when private URLs are not allowed: failed, attempt says url_not_allowed', async () => {
    const { LATCHKEY_ALLOW_PRIVATE_URLS: _, ...strict } = FAST;
    await using t = await createTestLatchkey(kind, strict);
    const integration = await createEventIntegration(t);
    const http = await t.request('/environment/webhook', {
      method: 'PATCH',
      json: { primary_url: `${receiver.url}/plain` },
    });
    expect(http.status).toBe(400);
    await setWebhookUrl(t, receiver.url.replace('http:', 'https:').concat('/private'));
    await saveConnection(t.latchkey, integration, 'private');
    await vi.waitFor(async () => {
      expect((await deliveries(t, 'connection_id=private'))[0]?.status).toBe('failed');
    }, WAIT);
    const [delivery] = await deliveries(t, 'connection_id=private');
    expect(delivery!.attempts).toHaveLength(1);
    expect(delivery!.attempts[0]!.error).toMatch(/^url_not_allowed/);
    expect(receiver.requests).toHaveLength(0);
  });

  it('marks a delivery dead once the retry horizon has passed', async () => {
    await using t = await createTestLatchkey(kind, {
      ...FAST,
      LATCHKEY_WEBHOOK_RETRY_HORIZON_SECONDS: '1',
      LATCHKEY_WEBHOOK_BACKOFF_BASE_MS: '100',
    });
    const integration = await createEventIntegration(t);
    await setWebhookUrl(t, `${receiver.url}/status/503`);
    await saveConnection(t.latchkey, integration, 'horizon');
    await vi.waitFor(async () => {
      expect((await deliveries(t, 'connection_id=horizon'))[0]?.status).toBe('dead');
    }, WAIT);
    const [delivery] = await deliveries(t, 'connection_id=horizon');
    expect(delivery!.attempts.length).toBeGreaterThanOrEqual(2);
    expect(delivery!.attempts.every((attempt) => attempt.status_code === 503)).toBe(true);
    const span =
      Date.parse(delivery!.attempts.at(-1)!.attempted_at) - Date.parse(delivery!.attempts[0]!.attempted_at);
    // The last retry was scheduled within the horizon; it runs up to a poll interval later.
    expect(span).toBeLessThanOrEqual(1500);
    expect(onPath(receiver, '/status/503')).toHaveLength(delivery!.attempts.length);
  });
});

describe.runIf(process.env.TEST_DATABASE_URL)('two webhook workers on one PostgreSQL', () => {
  it('delivers each event once, in order per connection', async () => {
    await using receiver = await startWebhookReceiver();
    receiver.behaviour = () => ({ status: 200, delayMs: Math.floor(Math.random() * 20) });
    await using t = await createTestLatchkey('postgres', { ...FAST, LATCHKEY_WEBHOOK_CONCURRENCY: '2' });
    const integration = await createEventIntegration(t);
    await setWebhookUrl(t, `${receiver.url}/pair`);
    // A second instance: its own pool, bus and worker on the same database.
    const ownDb = createDatabase({ kind: 'postgres', url: t.database.url!, poolSize: 5 });
    let second: Latchkey | undefined;
    try {
      const secondLogs: string[] = [];
      const sink = new Writable({
        write(chunk, _encoding, done) {
          secondLogs.push(String(chunk));
          done();
        },
      });
      second = await createLatchkey(t.latchkey.config, { logger: createLogger('debug', sink), db: ownDb });
      const instances = [t.latchkey, second];
      for (let round = 0; round < 4; round++) {
        await Promise.all(
          ['p1', 'p2', 'p3', 'p4', 'p5'].map((id, i) =>
            saveConnection(instances[(i + round) % 2]!, integration, id),
          ),
        );
      }
      await vi.waitFor(() => expect(distinctIds(receiver.requests).size).toBe(20), WAIT);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(receiver.requests).toHaveLength(20);
      expect(orderViolations(receiver.requests)).toEqual([]);
      // Both workers took part: the once-only result is not one worker doing everything.
      const delivered = (logs: string[]) =>
        logs.filter((line) => line.includes('"webhook delivered"')).length;
      expect(delivered(t.logs)).toBeGreaterThan(0);
      expect(delivered(secondLogs)).toBeGreaterThan(0);
      expect(delivered(t.logs) + delivered(secondLogs)).toBe(20);
    } finally {
      await second?.stopBackground();
      await ownDb.destroy();
    }
  });
});

describe('webhook from a real OAuth flow', () => {
  it('announces the new connection with a signed creation webhook', async () => {
    await using receiver = await startWebhookReceiver();
    await using h = await startFlowHarness('pglite', { env: FAST });
    const patch = await h.api('/environment/webhook', {
      method: 'PATCH',
      json: { primary_url: `${receiver.url}/flow` },
    });
    expect(patch.status).toBe(200);
    const token = await h.createSession();
    const callback = await h.authorize('local', `connect_session_token=${token}`);
    const result = (await (await h.complete(callback)).json()) as { connectionId: string };
    await vi.waitFor(() => expect(receiver.accepted()).toHaveLength(1), WAIT);
    const [request] = receiver.accepted();
    expect(JSON.parse(request!.body)).toMatchObject({
      type: 'auth',
      operation: 'creation',
      success: true,
      connectionId: result.connectionId,
      providerConfigKey: 'local',
      authMode: 'OAUTH2',
      endUser: { endUserId: 'user-1', endUserEmail: 'user@example.com' },
    });
    const keyResponse = await h.api('/environment?include=webhook_signing_key');
    const { webhook_signing_key: key } = (
      (await keyResponse.json()) as { data: { webhook_signing_key: string } }
    ).data;
    expect(checkSignatures(request!, key).nango).toBe(true);
  });
});

function sortDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortDeep);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortDeep((value as Record<string, unknown>)[key])]),
  );
}
