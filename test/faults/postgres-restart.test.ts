/**
 * Fault drill: PostgreSQL (a private cluster) stopped and started again, once cleanly (`fast`: sessions terminated)
 * and once as a crash (`immediate`: crash recovery at start), while two Latchkey instances serve reads, connection
 * imports, API-key flows and OAuth flows (a loopback authorization server), and deliver their webhooks to a real
 * receiver.
 *
 * Contract checked: `/health` says `degraded` within 5 s of the stop; every request that needs the database answers
 * 503 `database_unavailable` within a second (no hang, no 500); both instances recover by themselves; every event
 * that committed (before, during the edges of, and after each outage) reaches the receiver exactly once, and each
 * instance's live event stream (`GET /events` as Server-Sent Events, open throughout) carries it once, in order.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSse, type SseStream } from '../../server/test/support/sse-client';
import { startWebhookReceiver, type WebhookReceiver } from '../../server/test/support/webhook-receiver';
import { Cleanup } from '../src/support/cleanup';
import {
  type Deployment,
  LatchkeyInstance,
  newDeployment,
  startInBackground,
} from './support/latchkey-instance';
import {
  type LoopbackAuthorizationServer,
  startLoopbackAuthorizationServer,
} from './support/loopback-authorization-server';
import {
  type PrivatePostgres,
  privatePostgresAvailable,
  queryRows,
  type StopMode,
  startPrivatePostgres,
} from './support/private-postgres';

const INTEGRATION = 'drill-key';
const OAUTH_INTEGRATION = 'drill-oauth';
/** The contract's bounds. */
const DEGRADED_WITHIN_MS = 5_000;
const FAIL_FAST_MS = 1_000;
/** How long each outage lasts once PostgreSQL is down. */
const OUTAGE_MS = 3_000;

type Phase = 'steady' | 'stopping' | 'down' | 'starting';

interface Outcome {
  kind: 'import' | 'read' | 'session' | 'flow' | 'oauth-connect' | 'oauth-callback';
  instance: 'a' | 'b';
  /** The phase the request started and ended in; `edge` when it spanned a change of phase. */
  phase: Phase | 'edge';
  /** 0: no answer (timeout or connection error). `oauth-connect` answers 302 when it works. */
  status: number;
  code: string | undefined;
  ms: number;
  /** Import and flow: the connection the request created when it was accepted (imports: also when refused). */
  connectionId: string | undefined;
}

/** What the drill reads from any answer: an error code, a connect session token, a flow's connection. */
interface AnswerBody {
  error?: { code?: string };
  data?: { token?: string };
  connectionId?: string;
}

describe.runIf(privatePostgresAvailable())('PostgreSQL restarted under two serving instances', () => {
  const cleanup = new Cleanup();
  let postgres: PrivatePostgres;
  let receiver: WebhookReceiver;
  let provider: LoopbackAuthorizationServer;
  let deployment: Deployment;
  let instances: Record<'a' | 'b', LatchkeyInstance>;
  let readable: string;

  beforeAll(async () => {
    postgres = cleanup.add(await startPrivatePostgres());
    receiver = cleanup.add(await startWebhookReceiver());
    // A slow receiver keeps deliveries in flight when the database goes away mid-attempt.
    receiver.behaviour = () => ({ status: 200, delayMs: 150 });
    provider = cleanup.add(await startLoopbackAuthorizationServer());
    deployment = newDeployment(await postgres.createDatabase());
    const a = cleanup.add(await LatchkeyInstance.start(deployment));
    // A has migrated the database: B boots while A takes the setup.
    const startingB = startInBackground(deployment, cleanup);

    const registered = await a.api('POST', '/providers', {
      name: 'drill-key-provider',
      display_name: 'Drill API key',
      docs: 'https://example.com/docs',
      auth_mode: 'API_KEY',
      credentials: { apiKey: { type: 'string', title: 'API key', description: 'API key' } },
    });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    const integration = await a.api('POST', '/integrations', {
      unique_key: INTEGRATION,
      provider: 'drill-key-provider',
    });
    expect(integration.status, JSON.stringify(integration.body)).toBe(200);
    const oauthProvider = await a.api('POST', '/providers', {
      name: 'drill-oauth-provider',
      display_name: 'Drill OAuth',
      docs: 'https://example.com/docs',
      auth_mode: 'OAUTH2',
      authorization_url: provider.authorizationEndpoint,
      token_url: provider.tokenEndpoint,
      proxy: { base_url: provider.url },
    });
    expect(oauthProvider.status, JSON.stringify(oauthProvider.body)).toBe(201);
    const oauthIntegration = await a.api('POST', '/integrations', {
      unique_key: OAUTH_INTEGRATION,
      provider: 'drill-oauth-provider',
      credentials: { type: 'OAUTH2', client_id: 'drill', client_secret: 'drill-secret', scopes: 'read' },
    });
    expect(oauthIntegration.status, JSON.stringify(oauthIntegration.body)).toBe(200);
    await a.setWebhookUrl(`${receiver.url}/hooks`);
    readable = 'readable-connection';
    const imported = await a.api('POST', '/connections', importBody(readable));
    expect(imported.status, JSON.stringify(imported.body)).toBe(201);
    instances = { a, b: await startingB };
  }, 120_000);

  afterAll(() => cleanup.run());

  it('degrades, fails fast with 503, recovers by itself, and delivers every committed event exactly once', async () => {
    const outcomes: Outcome[] = [];
    let phase: Phase = 'steady';
    let phaseChanges = 0;
    const enter = (next: Phase) => {
      phase = next;
      phaseChanges += 1;
    };
    let running = true;
    let serial = 0;

    /** One request; a missing answer within 5 s is recorded as status 0 (a hang, for the assertions). */
    async function call(
      name: 'a' | 'b',
      kind: Outcome['kind'],
      request: { method: string; path: string; body?: unknown; bearer?: boolean },
      connectionId?: string,
    ): Promise<{ outcome: Outcome; body: AnswerBody | null; location: string | null }> {
      const instance = instances[name];
      const started = performance.now();
      const at = phase;
      const changesAtStart = phaseChanges;
      let status = 0;
      let body: AnswerBody | null = null;
      let location: string | null = null;
      try {
        const response = await fetch(`${instance.url}${request.path}`, {
          method: request.method,
          headers: {
            accept: 'application/json',
            ...(request.bearer === false ? {} : { authorization: `Bearer ${instance.secretKey}` }),
            ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: request.body === undefined ? undefined : JSON.stringify(request.body),
          redirect: 'manual',
          signal: AbortSignal.timeout(5_000),
        });
        status = response.status;
        location = response.headers.get('location');
        const text = await response.text();
        body = text === '' ? null : (JSON.parse(text) as AnswerBody);
      } catch {
        // No answer: status stays 0.
      }
      const outcome: Outcome = {
        kind,
        instance: name,
        phase: phaseChanges === changesAtStart ? at : 'edge',
        status,
        code: body?.error?.code,
        ms: performance.now() - started,
        connectionId: connectionId ?? body?.connectionId,
      };
      outcomes.push(outcome);
      return { outcome, body, location };
    }

    /** An OAuth flow from `/oauth/connect` to the callback, on one instance; stops at the first refusal. */
    async function oauthFlow(name: 'a' | 'b', sessionToken: string): Promise<void> {
      const started = await call(name, 'oauth-connect', {
        method: 'GET',
        path: `/oauth/connect/${OAUTH_INTEGRATION}?connect_session_token=${sessionToken}`,
        bearer: false,
      });
      if (started.outcome.status !== 302 || started.location === null) return;
      const back = await fetch(started.location, { redirect: 'manual' });
      const callback = new URL(back.headers.get('location')!);
      await call(name, 'oauth-callback', {
        method: 'GET',
        path: `/oauth/callback${callback.search}`,
        bearer: false,
      });
    }

    /** Imports, reads, API-key and OAuth flows, one after another, on one instance until told to stop. */
    async function traffic(name: 'a' | 'b'): Promise<void> {
      while (running) {
        const n = serial++;
        const imported = `${name}-import-${n}`;
        await call(
          name,
          'import',
          { method: 'POST', path: '/connections', body: importBody(imported) },
          imported,
        );
        await call(name, 'read', {
          method: 'GET',
          path: `/connections/${readable}?provider_config_key=${INTEGRATION}`,
        });
        const session = await call(name, 'session', {
          method: 'POST',
          path: '/connect/sessions',
          body: { end_user: { id: `${name}-user-${n}` } },
        });
        if (session.outcome.status === 201 || session.outcome.status === 200) {
          await call(name, 'flow', {
            method: 'POST',
            path: `/api-auth/api-key/${INTEGRATION}?connect_session_token=${session.body?.data?.token}`,
            body: { apiKey: `key-${name}-${n}` },
            bearer: false,
          });
          await oauthFlow(name, session.body!.data!.token!);
        }
        await sleep(20);
      }
    }

    const streams = await Promise.all(
      (['a', 'b'] as const).map(async (name) => {
        const stream = await openSse(`${instances[name].url}/events?after=0`, {
          authorization: `Bearer ${instances[name].secretKey}`,
        });
        expect(stream.status).toBe(200);
        return stream;
      }),
    );
    const figures: Array<Record<string, unknown>> = [];
    const load = Promise.all([traffic('a'), traffic('b')]);
    try {
      await sleep(1_500);
      for (const mode of ['fast', 'immediate'] as StopMode[]) {
        const stopAt = performance.now();
        enter('stopping');
        await postgres.stop({ mode });
        enter('down');
        const degraded = await Promise.all(
          (['a', 'b'] as const).map((name) =>
            untilHealth(instances[name], 'degraded', stopAt, DEGRADED_WITHIN_MS),
          ),
        );
        await sleep(Math.max(0, OUTAGE_MS - (performance.now() - stopAt)));

        enter('starting');
        const startAt = performance.now();
        await postgres.start();
        const postgresReadyMs = performance.now() - startAt;
        const recovered = await Promise.all(
          (['a', 'b'] as const).map((name) => untilHealth(instances[name], 'ok', startAt, 15_000)),
        );
        enter('steady');
        await sleep(1_500);
        figures.push({
          mode,
          degradedMs: degraded.map(Math.round),
          postgresReadyMs: Math.round(postgresReadyMs),
          recoveredMs: recovered.map(Math.round),
        });
      }
    } finally {
      running = false;
      await load;
    }

    // Everything resumed without restarting Latchkey: a last round on each instance succeeds.
    for (const name of ['a', 'b'] as const) {
      const last = `${name}-after`;
      const imported = await instances[name].api('POST', '/connections', importBody(last));
      expect(imported.status, JSON.stringify(imported.body)).toBe(201);
      const read = await instances[name].api(
        'GET',
        `/connections/${last}?provider_config_key=${INTEGRATION}`,
      );
      expect(read.status, `${JSON.stringify(read.body)}\n${instances[name].stdout.slice(-3000)}`).toBe(200);
    }

    // No 500 and no hang: each request either worked or answered 503 database_unavailable, within a second.
    const worked = (o: Outcome) =>
      o.kind === 'oauth-connect' ? o.status === 302 : o.status === 200 || o.status === 201;
    const unexpected = outcomes.filter(
      (o) => !(worked(o) || (o.status === 503 && o.code === 'database_unavailable')),
    );
    expect(unexpected, JSON.stringify(unexpected.slice(0, 5))).toEqual([]);
    const refused = outcomes.filter((o) => o.status === 503);
    const slow = refused.filter((o) => o.ms >= FAIL_FAST_MS);
    expect(slow, JSON.stringify(slow.slice(0, 5))).toEqual([]);
    // While the database was down, nothing that needs it succeeded, and both instances were asked.
    const down = outcomes.filter((o) => o.phase === 'down');
    expect(down.filter((o) => o.status !== 503)).toEqual([]);
    expect(new Set(down.map((o) => o.instance))).toEqual(new Set(['a', 'b']));
    expect(outcomes.filter((o) => o.phase === 'steady' && o.status === 503)).toEqual([]);

    // Every committed event delivered, none twice: wait for the outbox to drain, then compare by webhook id.
    await untilDrained(deployment.databaseUrl);
    const events = await queryRows<{ id: string; connection_id: string }>(
      deployment.databaseUrl,
      'select id::text as id, connection_id from auth_events order by auth_events.id',
    );
    const sent = receiver.requests.map((request) => request.headers['webhook-id']);
    const delivered = receiver.accepted().map((request) => request.headers['webhook-id']);
    expect(duplicates(sent)).toEqual([]);
    expect([...delivered].sort()).toEqual(events.map((event) => `msg_${event.id}`).sort());
    // The live streams stayed open through both outages and carry every event once, in commit order.
    const eventIds = events.map((event) => event.id);
    for (const stream of streams) {
      await untilStreamed(stream, eventIds.length);
      stream.close();
      expect(stream.events.map((event) => event.id)).toEqual(eventIds);
    }

    // Every accepted write has its event; a refused one left either nothing or a whole connection with its event.
    const eventConnections = new Set(events.map((event) => event.connection_id));
    const connections = new Set(
      (
        await queryRows<{ connection_id: string }>(
          deployment.databaseUrl,
          'select connection_id from connections',
        )
      ).map((row) => row.connection_id),
    );
    const writes = outcomes.filter((o) => ['import', 'flow', 'oauth-callback'].includes(o.kind));
    const accepted = writes.filter(worked);
    for (const write of accepted) expect(eventConnections.has(write.connectionId!)).toBe(true);
    for (const write of writes.filter((o) => o.status === 503 && o.connectionId !== undefined)) {
      expect(eventConnections.has(write.connectionId!)).toBe(connections.has(write.connectionId!));
    }

    const byPhase = (p: Outcome['phase']) => outcomes.filter((o) => o.phase === p);
    console.log(
      JSON.stringify(
        {
          outages: figures,
          requests: outcomes.length,
          accepted: outcomes.filter(worked).length,
          oauthFlowsCompleted: accepted.filter((o) => o.kind === 'oauth-callback').length,
          refused503: refused.length,
          refusedMaxMs: Math.round(Math.max(0, ...refused.map((o) => o.ms))),
          refusedMedianMs: Math.round(median(refused.map((o) => o.ms))),
          downPhaseRequests: byPhase('down').length,
          acceptedWrites: accepted.length,
          acceptedWritesAtEdges: accepted.filter((o) => o.phase !== 'steady').length,
          events: events.length,
          webhooksReceived: receiver.requests.length,
          webhooksDelivered: delivered.length,
          streamedPerInstance: streams.map((stream) => stream.events.length),
        },
        null,
        2,
      ),
    );
  });
});

function importBody(connectionId: string) {
  return {
    provider_config_key: INTEGRATION,
    connection_id: connectionId,
    credentials: { type: 'API_KEY', apiKey: `key-${connectionId}` },
  };
}

/** Polls GET /health until it reports `wanted`; returns the ms since `since`, failing past `withinMs`. */
async function untilHealth(
  instance: LatchkeyInstance,
  wanted: 'ok' | 'degraded',
  since: number,
  withinMs: number,
): Promise<number> {
  let last = '';
  while (performance.now() - since < withinMs) {
    try {
      const health = await instance.health(2_000);
      last = `${health.status} ${JSON.stringify(health.body)}`;
      const ok = health.status === 200 && health.body?.status === 'ok';
      const degraded = health.status !== 200 && health.body?.status === 'degraded';
      if ((wanted === 'ok' && ok) || (wanted === 'degraded' && degraded)) return performance.now() - since;
    } catch (error) {
      last = String(error);
    }
    await sleep(50);
  }
  throw new Error(
    `${instance.url}/health did not report ${wanted} within ${withinMs} ms (last: ${last})\n` +
      `server stderr (tail):\n${instance.stderr.slice(-4000)}\nstdout (tail):\n${instance.stdout.slice(-4000)}`,
  );
}

async function untilStreamed(stream: SseStream, count: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (stream.events.length < count && Date.now() < deadline) await sleep(50);
}

async function untilDrained(databaseUrl: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await queryRows<{ open: string }>(
      databaseUrl,
      `select count(*)::text as open from webhook_deliveries where status <> 'delivered'`,
    );
    if (row?.open === '0') return;
    if (Date.now() > deadline) throw new Error(`${row?.open} webhook deliveries still not delivered`);
    await sleep(100);
  }
}

function duplicates(values: Array<string | undefined>): Array<string | undefined> {
  const seen = new Set<string | undefined>();
  const repeated: Array<string | undefined> = [];
  for (const value of values) {
    if (seen.has(value)) repeated.push(value);
    seen.add(value);
  }
  return repeated;
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)]!;
}
