/**
 * Fault drill: the webhook receiver is down for "10 minutes" (first refusing connections, its server closed, then
 * answering 503), then back, while two Latchkey instances on one PostgreSQL (a private cluster) keep recording auth
 * events of several connections: creations, overrides, refresh failures and recoveries, deletions.
 *
 * Contract checked: every event is delivered exactly once (one 2xx per event), and in order per connection: no
 * attempt of a connection's later event, refused or answered, starts before its earlier event was delivered.
 *
 * Time is scaled down 30 times so the drill fits in about a minute: the 10-minute outage lasts 20 s; the first backoff
 * (2 s → 67 ms) and the retry horizon (24 h → 48 min) are the production defaults divided by 30, so the deliveries go
 * through as many doublings during the outage (ten to twelve attempts) as in 10 real minutes. The longest wait is
 * capped at 10 s (5 min at this scale) instead of the scaled default (1 h → 120 s): past the outage the bound has
 * reached the cap, so with the default a delivery may wait up to the whole cap after the receiver is back (measured
 * 14 s and 47 s at this scale, 7 and 23 real minutes), which would only make the drill longer, not change what
 * arrives. Nothing goes dead: the horizon is far past the outage.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionOf, eventIdOf, orderViolations } from '../../server/test/support/webhook-assertions';
import {
  type ReceivedWebhook,
  startWebhookReceiver,
  type WebhookReceiver,
} from '../../server/test/support/webhook-receiver';
import { Cleanup } from '../src/support/cleanup';
import { freePort } from '../src/support/free-port';
import { expectStatus } from './support/expect-status';
import { type Deployment, LatchkeyInstance, newDeployment } from './support/latchkey-instance';
import { privatePostgresAvailable, queryRows, startPrivatePostgres } from './support/private-postgres';
import { type ScriptedTokenEndpoints, startScriptedTokenEndpoints } from './support/scripted-token-endpoint';

const SCALE = 30;
const OUTAGE_MS = (10 * 60_000) / SCALE;
const SCALED_RETRIES = {
  LATCHKEY_WEBHOOK_BACKOFF_BASE_MS: String(Math.round(2_000 / SCALE)),
  LATCHKEY_WEBHOOK_BACKOFF_MAX_SECONDS: '10',
  LATCHKEY_WEBHOOK_RETRY_HORIZON_SECONDS: String(86_400 / SCALE),
};
/** The longest a delivery may wait once the receiver is back: the capped backoff, plus margin. */
const DRAIN_LIMIT_MS = 30_000;
const INTEGRATION = 'hooks';

interface DeliveryRow extends Record<string, unknown> {
  id: string;
  event_id: string;
  connection_id: string;
  operation: string;
  success: boolean;
  status: string;
  attempts: number;
  delivered_at: Date | null;
}

interface AttemptRow extends Record<string, unknown> {
  delivery_id: string;
  status_code: number | null;
  error: string | null;
  attempted_at: Date;
}

describe.runIf(privatePostgresAvailable())(
  'a webhook receiver down for 10 minutes (scaled), then back',
  () => {
    const cleanup = new Cleanup();
    let deployment: Deployment;
    let instances: LatchkeyInstance[];
    let endpoints: ScriptedTokenEndpoints;
    let receiverPort: number;
    /** Every receiver process of the drill (the one before the outage, the one after). */
    const receivers: WebhookReceiver[] = [];
    const received = (): ReceivedWebhook[] => receivers.flatMap((receiver) => receiver.requests);

    beforeAll(async () => {
      const postgres = cleanup.add(await startPrivatePostgres());
      endpoints = cleanup.add(await startScriptedTokenEndpoints());
      deployment = newDeployment(await postgres.createDatabase(), { env: SCALED_RETRIES });
      instances = [
        cleanup.add(await LatchkeyInstance.start(deployment)),
        cleanup.add(await LatchkeyInstance.start(deployment)),
      ];
      receiverPort = await freePort();
      receivers.push(await startWebhookReceiver({ port: receiverPort }));
      await instances[0]!.setWebhookUrl(`http://127.0.0.1:${receiverPort}/hooks`);

      await expectStatus(
        instances[0]!.api('POST', '/providers', {
          name: 'hooks-provider',
          display_name: 'Hooks',
          auth_mode: 'OAUTH2',
          authorization_url: `${endpoints.url}/hooks/authorize`,
          token_url: endpoints.tokenUrl('hooks'),
          docs: 'https://example.com/docs',
        }),
        201,
      );
      await expectStatus(
        instances[0]!.api('POST', '/integrations', {
          unique_key: INTEGRATION,
          provider: 'hooks-provider',
          credentials: { type: 'OAUTH2', client_id: 'hooks', client_secret: 'hooks-secret', scopes: 'read' },
        }),
        200,
      );
    }, 120_000);

    afterAll(async () => {
      for (const receiver of receivers) await receiver.close();
      await cleanup.run();
    });

    /** Each action writes one auth event, on one instance or the other. */
    let turn = 0;
    const next = () => instances[turn++ % instances.length]!;
    const importConnection = (id: string) =>
      expectStatus(
        next().api('POST', '/connections', {
          connection_id: id,
          provider_config_key: INTEGRATION,
          credentials: {
            type: 'OAUTH2',
            access_token: `at-${id}-${turn}`,
            refresh_token: `rt-${id}`,
            expires_at: new Date(Date.now() + 2 * 3600_000).toISOString(),
          },
        }),
        201,
      );
    const forceRefresh = (id: string, status: number) =>
      expectStatus(
        next().api('GET', `/connections/${id}?provider_config_key=${INTEGRATION}&force_refresh=true`),
        status,
      );
    const remove = (id: string) =>
      expectStatus(next().api('DELETE', `/connections/${id}?provider_config_key=${INTEGRATION}`), 200);

    /** Runs the actions evenly spread over `ms`, so events keep arriving while earlier ones wait in backoff. */
    async function spread(ms: number, actions: Array<() => Promise<unknown>>): Promise<void> {
      const started = Date.now();
      for (const [index, action] of actions.entries()) {
        await action();
        await sleep(Math.max(0, started + ((index + 1) * ms) / actions.length - Date.now()));
      }
    }

    const deliveries = () =>
      queryRows<DeliveryRow>(
        deployment.databaseUrl,
        `select d.id, d.event_id::text as event_id, e.connection_id, e.operation, e.success, d.status, d.attempts,
        d.delivered_at
       from webhook_deliveries d join auth_events e on e.id = d.event_id order by d.event_id`,
      );

    it('delivers every event exactly once and in order per connection', async () => {
      const c = (n: number) => `conn-${n}`;
      const ids = Array.from({ length: 9 }, (_, i) => c(i + 1));

      // Up: six connections are created and their events delivered at once.
      for (const id of ids.slice(0, 6)) await importConnection(id);
      await until(async () => (await deliveries()).every((d) => d.status === 'delivered'), 20_000);
      const beforeOutage = received().length;

      // Down, first half: the receiver's server is closed, every attempt is refused.
      await receivers[0]!.close();
      const outageStarted = Date.now();
      endpoints.script('hooks', 'refuse');
      await spread(OUTAGE_MS / 2, [
        ...ids.slice(0, 6).map((id) => () => importConnection(id)),
        ...ids.slice(0, 6).map((id) => () => forceRefresh(id, 400)),
        () => importConnection(c(7)),
        () => importConnection(c(8)),
      ]);

      // Down, second half: the receiver is back on its port but answers 503.
      const unavailable = await startWebhookReceiver({ port: receiverPort });
      unavailable.behaviour = () => ({ status: 503 });
      receivers.push(unavailable);
      endpoints.script('hooks', 'answer');
      await spread(OUTAGE_MS / 2, [
        ...ids.slice(0, 6).map((id) => () => forceRefresh(id, 200)),
        () => remove(c(1)),
        () => remove(c(2)),
        () => remove(c(7)),
        () => importConnection(c(8)),
      ]);

      // Back: the receiver accepts again; more events follow.
      await unavailable.close();
      const back = await startWebhookReceiver({ port: receiverPort });
      receivers.push(back);
      const backAt = Date.now();
      await importConnection(c(9));
      await importConnection(c(3));
      await remove(c(4));

      await until(async () => (await deliveries()).every((d) => d.status === 'delivered'), DRAIN_LIMIT_MS);
      const drainedAt = Date.now();
      const rows = await deliveries();
      const events = await queryRows<{ id: string }>(
        deployment.databaseUrl,
        'select id::text as id from auth_events order by auth_events.id',
      );

      // Every event had its one delivery, and each was accepted exactly once.
      expect(rows.map((d) => d.event_id)).toEqual(events.map((e) => e.id));
      const accepted = received().filter((request) => request.status >= 200 && request.status < 300);
      const acceptedIds = accepted.map((request) => String(eventIdOf(request)));
      expect([...acceptedIds].sort()).toEqual(rows.map((d) => d.event_id).sort());
      expect(new Set(acceptedIds).size).toBe(acceptedIds.length);
      // The payloads are the events': each names its connection and operation.
      for (const request of accepted) {
        const row = rows.find((d) => d.event_id === String(eventIdOf(request)))!;
        expect(JSON.parse(request.body)).toMatchObject({
          connectionId: row.connection_id,
          operation: row.operation,
          success: row.success,
        });
      }
      expect(rows.map((d) => `${d.connection_id}:${d.operation}`)).toEqual(
        expect.arrayContaining([
          `${c(5)}:creation`,
          `${c(5)}:override`,
          `${c(5)}:refresh`,
          `${c(1)}:deletion`,
          `${c(9)}:creation`,
        ]),
      );
      expect(rows.filter((d) => d.operation === 'refresh' && !d.success)).toHaveLength(6);
      expect(rows.filter((d) => d.operation === 'refresh' && d.success)).toHaveLength(6);

      // In order per connection, judged by the receiver (every request it saw, 503s included) ...
      expect(orderViolations(received())).toEqual([]);
      for (const id of ids) {
        const seen = accepted.filter((request) => connectionOf(request) === id).map(eventIdOf);
        expect(seen).toEqual([...seen].sort((a, b) => a - b));
      }
      // ... and by the attempt log, which also has the refused connections the receiver never saw: no attempt of a
      // later event of a connection started before its earlier event was delivered.
      const attempts = await queryRows<AttemptRow>(
        deployment.databaseUrl,
        'select delivery_id, status_code, error, attempted_at from webhook_attempts order by id',
      );
      const firstAttempt = new Map<string, number>();
      for (const attempt of attempts) {
        if (!firstAttempt.has(attempt.delivery_id))
          firstAttempt.set(attempt.delivery_id, attempt.attempted_at.getTime());
      }
      const violations: string[] = [];
      for (const later of rows) {
        for (const earlier of rows) {
          if (
            earlier.connection_id !== later.connection_id ||
            Number(earlier.event_id) >= Number(later.event_id)
          ) {
            continue;
          }
          if (firstAttempt.get(later.id)! < earlier.delivered_at!.getTime()) {
            violations.push(`event ${later.event_id} tried before event ${earlier.event_id} was delivered`);
          }
        }
      }
      expect(violations).toEqual([]);

      const refused = attempts.filter(
        (a) => a.status_code === null && a.error?.startsWith('upstream_unreachable'),
      );
      const unavailableAnswers = attempts.filter((a) => a.status_code === 503);
      expect(refused.length).toBeGreaterThan(0);
      expect(unavailableAnswers.length).toBeGreaterThan(0);
      expect(attempts.length).toBe(refused.length + unavailableAnswers.length + rows.length);
      console.info(
        `webhook-receiver-down figures: ${JSON.stringify({
          events: rows.length,
          byOperation: countBy(
            rows.map((d) => `${d.operation}${d.operation === 'refresh' ? `:${d.success}` : ''}`),
          ),
          deliveredBeforeOutage: beforeOutage,
          outageMs: backAt - outageStarted,
          attempts: attempts.length,
          refusedAttempts: refused.length,
          answered503: unavailableAnswers.length,
          maxAttemptsOfOneDelivery: Math.max(...rows.map((d) => d.attempts)),
          drainedMsAfterBack: drainedAt - backAt,
          accepted: accepted.length,
          duplicates: acceptedIds.length - new Set(acceptedIds).size,
        })}`,
      );
    });
  },
);

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

async function until(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(200);
  }
}
