/**
 * Fault drill: a provider's token endpoint that hangs (never answers) or answers slowly, against a real Latchkey
 * process, on a private PostgreSQL and on the embedded database.
 *
 * Contract checked: every request to the endpoint is cut at LATCHKEY_PROVIDER_TIMEOUT_MS (the endpoint sees the
 * client go away; Latchkey never waits longer); the connection records why (`refresh_failed`, last error
 * `upstream_timeout`, a failed operation log); the proactive refresher, all of whose workers were stuck on that
 * endpoint, moves on and refreshes a healthy connection before its token expires; meanwhile reads, writes and
 * `/health` answer without waiting for the hang; a forced refresh answers a clean error at the timeout; and an OAuth
 * callback whose token exchange hangs ends in an error page at the timeout, with no half-made connection. (Embedded,
 * "nothing else waits" holds because no transaction is kept open across the provider call: credentials/refresh-lock.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cleanup } from '../src/support/cleanup';
import { expectStatus } from './support/expect-status';
import { type Deployment, LatchkeyInstance, newDeployment } from './support/latchkey-instance';
import {
  type LoopbackAuthorizationServer,
  startLoopbackAuthorizationServer,
} from './support/loopback-authorization-server';
import { privatePostgresAvailable, startPrivatePostgres } from './support/private-postgres';
import {
  type RecordedTokenRequest,
  type ScriptedTokenEndpoints,
  startScriptedTokenEndpoints,
} from './support/scripted-token-endpoint';

/** LATCHKEY_PROVIDER_TIMEOUT_MS in this drill. */
const TIMEOUT_MS = 2_000;
/** The refresher runs four refreshes at once (latchkey.ts): this many stuck connections occupy all its workers. */
const REFRESHER_WORKERS = 4;
const STUCK = 6;

type Kind = 'postgres' | 'embedded';
const kinds: Kind[] = [...(privatePostgresAvailable() ? (['postgres'] as const) : []), 'embedded'];

interface Timed<T> {
  value: T;
  startedAt: number;
  endedAt: number;
  ms: number;
}

async function timed<T>(work: () => Promise<T>): Promise<Timed<T>> {
  const startedAt = Date.now();
  const value = await work();
  const endedAt = Date.now();
  return { value, startedAt, endedAt, ms: endedAt - startedAt };
}

/** The figures the closing note reports, printed once per database kind. */
const figures: Record<string, unknown> = {};

describe.each(kinds)('a hanging or slow token endpoint (%s database)', (kind) => {
  const cleanup = new Cleanup();
  let endpoints: ScriptedTokenEndpoints;
  let authorizationServer: LoopbackAuthorizationServer;
  let latchkey: LatchkeyInstance;

  beforeAll(async () => {
    endpoints = cleanup.add(await startScriptedTokenEndpoints());
    authorizationServer = cleanup.add(await startLoopbackAuthorizationServer());
    const env = {
      LATCHKEY_PROVIDER_TIMEOUT_MS: String(TIMEOUT_MS),
      // Imported tokens that expire within ten minutes are due at once.
      LATCHKEY_REFRESH_MARGIN_SECONDS: '600',
      // A failed refresh is retried by the next round: the hanging endpoint gets every chance to block the refresher.
      LATCHKEY_REFRESH_COOLDOWN_SECONDS: '0',
    };
    let deployment: Deployment;
    if (kind === 'postgres') {
      const postgres = cleanup.add(await startPrivatePostgres());
      deployment = newDeployment(await postgres.createDatabase(), { env });
    } else {
      // No DATABASE_URL: the instance's own data directory holds an embedded PGlite database.
      deployment = newDeployment('', { env: { ...env, DATABASE_URL: undefined } });
    }
    latchkey = cleanup.add(await LatchkeyInstance.start(deployment));

    for (const name of ['stuck', 'healthy']) {
      await expectStatus(
        latchkey.api('POST', '/providers', {
          name: `${name}-provider`,
          display_name: name,
          auth_mode: 'OAUTH2',
          authorization_url: `${endpoints.url}/${name}/authorize`,
          token_url: endpoints.tokenUrl(name),
          proxy: { base_url: endpoints.url },
          docs: 'https://example.com/docs',
        }),
        201,
      );
      await expectStatus(
        latchkey.api('POST', '/integrations', oauthIntegration(name, `${name}-provider`)),
        200,
      );
    }
    await expectStatus(
      latchkey.api('POST', '/providers', {
        name: 'callback-provider',
        display_name: 'callback',
        auth_mode: 'OAUTH2',
        authorization_url: authorizationServer.authorizationEndpoint,
        token_url: authorizationServer.tokenEndpoint,
        proxy: { base_url: authorizationServer.url },
        docs: 'https://example.com/docs',
      }),
      201,
    );
    await expectStatus(
      latchkey.api('POST', '/integrations', oauthIntegration('callback', 'callback-provider')),
      200,
    );
    // Not due for two hours: read during the hang, it needs no provider.
    await importConnection('healthy', 'healthy-read', 2 * 3600);
  }, 120_000);

  afterAll(async () => {
    console.info(`slow-token-endpoint figures (${kind}): ${JSON.stringify(figures[kind])}`);
    await cleanup.run();
  });

  function importConnection(integration: string, connectionId: string, expiresInSeconds: number) {
    return expectStatus(
      latchkey.api('POST', '/connections', {
        connection_id: connectionId,
        provider_config_key: integration,
        credentials: {
          type: 'OAUTH2',
          access_token: `imported-${connectionId}`,
          refresh_token: `rt-${connectionId}`,
          expires_at: new Date(Date.now() + expiresInSeconds * 1000).toISOString(),
        },
      }),
      201,
    );
  }

  const read = (integration: string, connectionId: string, query = '') =>
    latchkey.api<ConnectionBody>(
      'GET',
      `/connections/${connectionId}?provider_config_key=${integration}${query}`,
    );

  /** The dashboard connection page's data (tRPC `connections.summary`, callable with the secret key). */
  async function summary(integration: string, connectionId: string): Promise<Record<string, unknown>> {
    const input = encodeURIComponent(JSON.stringify({ integration, connectionId }));
    const response = await fetch(`${latchkey.url}/trpc/connections.summary?input=${input}`, {
      headers: { authorization: `Bearer ${latchkey.secretKey}` },
    });
    const body = (await response.json()) as { result?: { data: Record<string, unknown> } };
    expect(response.status, JSON.stringify(body)).toBe(200);
    return body.result!.data;
  }

  /** The last token request made for a connection (its refresh token is `rt-<id>`, kept by every answer). */
  const lastRequestFor = (connectionId: string): RecordedTokenRequest | undefined =>
    endpoints.requests.filter((request) => request.form.get('refresh_token') === `rt-${connectionId}`).at(-1);

  const pendingStuck = (requests: RecordedTokenRequest[]) =>
    requests.filter((request) => request.endpoint === 'stuck' && request.outcome === 'pending').length;

  it('the refresher cuts hung refreshes at the timeout, records why, and moves on to a healthy connection', async () => {
    endpoints.script('stuck', 'hang');
    for (let i = 1; i <= STUCK; i++) await importConnection('stuck', `stuck-${i}`, 60);
    await endpoints.until((requests) => pendingStuck(requests) >= 1);
    const hung = endpoints.requestsTo('stuck').filter((request) => request.outcome === 'pending');
    const hangSeenAt = Date.now();

    // During the hang: a write (the healthy connection, due at once but after every stuck one), reads that need the
    // database, and /health.
    const duringHang = {
      import: await timed(() => importConnection('healthy', 'healthy-due', 90)),
      read: await timed(() => read('healthy', 'healthy-read')),
      list: await timed(() => latchkey.api('GET', '/connections')),
      health: await timed(() => latchkey.health()),
    };
    expect(duringHang.read.value.status).toBe(200);
    expect(duringHang.read.value.body.credentials?.access_token).toBe('imported-healthy-read');
    expect(duringHang.list.value.status).toBe(200);
    expect(duringHang.health.value.status).toBe(200);
    await endpoints.until(() => hung.every((request) => request.outcome !== 'pending'));
    // None of them waited for the hang to end: each answered before the hung requests were cut.
    const hangEnded = Math.min(...hung.map((request) => request.endedAt!));
    for (const [what, call] of Object.entries(duringHang)) {
      expect(call.endedAt, `${what} answered only after the hang ended`).toBeLessThan(hangEnded);
    }

    // The refresher moves on: the healthy connection is refreshed, before its token expires. Every round puts the
    // stuck connections first (earlier expiry; no cooldown, so they are retried each round), so all its workers
    // were stuck when the healthy one's turn came: it was reached only because the hung refreshes were cut.
    await endpoints.until((requests) =>
      requests.some((request) => request.endpoint === 'healthy' && request.outcome === 'answered'),
    );
    const healthyRequest = lastRequestFor('healthy-due')!;
    const firstCut = Math.min(
      ...endpoints.requestsTo('stuck').map((request) => request.endedAt ?? Number.POSITIVE_INFINITY),
    );
    expect(healthyRequest.receivedAt).toBeGreaterThanOrEqual(firstCut);
    const refreshed = await read('healthy', 'healthy-due');
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.credentials?.access_token).toBe(healthyRequest.accessToken);
    expect(refreshed.body.refresh_state).toBe('active');
    expect(healthyRequest.endedAt!).toBeLessThan(hangSeenAt + 90_000);

    // Every stuck connection was tried and cut at the timeout (the endpoint saw Latchkey give up); none answered.
    await endpoints.until(() =>
      Array.from({ length: STUCK }, (_, i) => `stuck-${i + 1}`).every(
        (id) => lastRequestFor(id)?.outcome === 'client_gone',
      ),
    );
    const stuck = endpoints.requestsTo('stuck').filter((request) => request.outcome !== 'pending');
    expect(new Set(stuck.map((request) => request.outcome))).toEqual(new Set(['client_gone']));
    const cutAfter = stuck.map((request) => request.endedAt! - request.receivedAt);

    // The connection's state says so, in every place that shows it.
    const page = await summary('stuck', 'stuck-1');
    expect(['refresh_failed', 'needs_reauth']).toContain(page.refresh_state);
    expect(page.refresh_attempts).toBeGreaterThanOrEqual(1);
    expect(page.last_error).toMatchObject({ type: 'upstream_timeout' });
    expect(page.last_refresh_failure_at).not.toBeNull();
    const logs = await latchkey.api<{ data: unknown[] }>('GET', '/logs?connection_id=stuck-1');
    expect(JSON.stringify(logs.body.data)).toContain('upstream_timeout');
    const listed = await latchkey.api<{ connections: ConnectionBody[] }>('GET', '/connections');
    const listedStuck = listed.body.connections.filter((c) => c.connection_id.startsWith('stuck-'));
    expect(listedStuck).toHaveLength(STUCK);
    for (const connection of listedStuck) expect(connection.errors).toMatchObject([{ type: 'auth' }]);

    // Gone, so the refresher stops retrying them for the next tests.
    for (let i = 1; i <= STUCK; i++) {
      await expectStatus(latchkey.api('DELETE', `/connections/stuck-${i}?provider_config_key=stuck`), 200);
    }
    figures[kind] = {
      ...(figures[kind] as object),
      refresher: {
        stuckConnections: STUCK,
        refresherWorkers: REFRESHER_WORKERS,
        stuckRequestsCut: stuck.length,
        cutAfterMs: { min: Math.min(...cutAfter), max: Math.max(...cutAfter) },
        healthyRefreshedMsAfterHangSeen: healthyRequest.endedAt! - hangSeenAt,
        duringHangMs: Object.fromEntries(Object.entries(duringHang).map(([what, call]) => [what, call.ms])),
      },
    };
  });

  it('a forced refresh of a hung connection answers a clean error at the timeout, and nothing else waits', async () => {
    endpoints.script('stuck', 'hang');
    await importConnection('stuck', 'stuck-forced', 2 * 3600);
    const forced = timed(() => read('stuck', 'stuck-forced', '&force_refresh=true'));
    await endpoints.until(() => lastRequestFor('stuck-forced')?.outcome === 'pending');
    const meanwhile = await timed(() => read('healthy', 'healthy-read'));
    const health = await timed(() => latchkey.health());
    const answer = await forced;

    expect(meanwhile.value.status).toBe(200);
    expect(health.value.status).toBe(200);
    expect(meanwhile.endedAt).toBeLessThan(answer.endedAt);
    expect(health.endedAt).toBeLessThan(answer.endedAt);
    expect(answer.value.status).toBe(400);
    expect(answer.value.body.error).toMatchObject({
      code: 'invalid_credentials',
      payload: {
        reason: 'refresh_failed',
        connection_id: 'stuck-forced',
        refresh_state: 'refresh_failed',
        error: { type: 'upstream_timeout' },
      },
    });
    expect(answer.ms).toBeGreaterThanOrEqual(TIMEOUT_MS);
    expect(lastRequestFor('stuck-forced')?.outcome).toBe('client_gone');
    const page = await summary('stuck', 'stuck-forced');
    expect(page).toMatchObject({ refresh_state: 'refresh_failed', refresh_attempts: 1 });
    expect(page.last_error).toMatchObject({ type: 'upstream_timeout' });
    figures[kind] = {
      ...(figures[kind] as object),
      forcedRefresh: {
        answeredAfterMs: answer.ms,
        readMeanwhileMs: meanwhile.ms,
        healthMeanwhileMs: health.ms,
      },
    };
  });

  it('a slow endpoint is waited for under the timeout and cut over it', async () => {
    endpoints.script('healthy', { delayMs: TIMEOUT_MS / 2 });
    const slow = await timed(() => read('healthy', 'healthy-read', '&force_refresh=true'));
    expect(slow.value.status).toBe(200);
    expect(slow.value.body.credentials?.access_token).toBe(lastRequestFor('healthy-read')?.accessToken);
    expect(slow.ms).toBeGreaterThanOrEqual(TIMEOUT_MS / 2);

    endpoints.script('stuck', { delayMs: TIMEOUT_MS + 1_000 });
    await importConnection('stuck', 'stuck-slow', 2 * 3600);
    const tooSlow = await timed(() => read('stuck', 'stuck-slow', '&force_refresh=true'));
    expect(tooSlow.value.status).toBe(400);
    expect(tooSlow.value.body.error?.payload?.error).toMatchObject({ type: 'upstream_timeout' });
    const cut = lastRequestFor('stuck-slow')!;
    // Latchkey left before the answer came.
    expect(cut.outcome).toBe('client_gone');
    figures[kind] = {
      ...(figures[kind] as object),
      slowEndpoint: { underTimeoutAnsweredMs: slow.ms, overTimeoutCutMs: tooSlow.ms },
    };
  });

  it('an OAuth callback whose token exchange hangs ends in an error page at the timeout, nothing half-made', async () => {
    authorizationServer.holdTokenRequests = true;
    const token = await latchkey.connectSessionToken('callback-user');
    const started = await fetch(`${latchkey.url}/oauth/connect/callback?connect_session_token=${token}`, {
      redirect: 'manual',
    });
    expect(started.status, await started.text()).toBe(302);
    const authorized = await fetch(started.headers.get('location')!, { redirect: 'manual' });
    expect(authorized.status).toBe(302);
    const callback = new URL(authorized.headers.get('location')!);

    const arrived = authorizationServer.nextTokenRequest();
    const page = await timed(async () => {
      const response = await fetch(`${latchkey.url}/oauth/callback${callback.search}`, {
        headers: { accept: 'text/html' },
        signal: AbortSignal.timeout(TIMEOUT_MS * 5),
      });
      return {
        status: response.status,
        type: response.headers.get('content-type'),
        html: await response.text(),
      };
    });
    const held = await arrived;
    expect(held.outcome).toBe('client_gone');
    expect(page.value.status).toBeGreaterThanOrEqual(400);
    expect(page.value.status).toBeLessThan(600);
    expect(page.value.type).toMatch(/text\/html/);
    expect(page.value.html).toContain('upstream_timeout');
    expect(page.ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);

    // No connection was made, and the spent state cannot be used again.
    const listed = await latchkey.api<{ connections: unknown[] }>(
      'GET',
      '/connections?integrationId=callback',
    );
    expect(listed.status).toBe(200);
    expect(listed.body.connections).toEqual([]);
    authorizationServer.holdTokenRequests = false;
    const replay = await fetch(`${latchkey.url}/oauth/callback${callback.search}`, {
      headers: { accept: 'application/json' },
    });
    expect(replay.status).toBe(400);
    expect(((await replay.json()) as { error: { code: string } }).error.code).toBe('invalid_state');
    expect(authorizationServer.tokenRequests).toHaveLength(1);
    figures[kind] = {
      ...(figures[kind] as object),
      callback: { status: page.value.status, answeredAfterMs: page.ms },
    };
  });
});

interface ConnectionBody {
  connection_id: string;
  credentials?: { access_token?: string };
  refresh_state?: string;
  errors?: Array<{ type: string }>;
  error?: { code: string; message: string; payload?: { error?: unknown } & Record<string, unknown> };
}

function oauthIntegration(uniqueKey: string, provider: string) {
  return {
    unique_key: uniqueKey,
    provider,
    credentials: {
      type: 'OAUTH2',
      client_id: `${uniqueKey}-client`,
      client_secret: `${uniqueKey}-secret`,
      scopes: 'read',
    },
  };
}
