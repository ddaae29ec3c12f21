/**
 * Fault drill: `kill -9` of a Latchkey instance in the middle of an OAuth flow, with two instances on one PostgreSQL
 * (a private cluster) and a loopback authorization server whose token endpoint the drill holds open.
 *
 * - Killed between `/oauth/connect` and the callback: the other instance completes the flow from the stored state.
 * - Killed during the token exchange: the state was already spent, so the browser's retry is refused cleanly (4xx),
 *   the code is never exchanged twice, and starting over works.
 * In both: no half-made connection, and a replayed callback creates nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cleanup } from '../src/support/cleanup';
import { freePort } from '../src/support/free-port';
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
  startPrivatePostgres,
} from './support/private-postgres';

const INTEGRATION = 'drill-oauth';

/** The callback's JSON answer: the connection on success, the error otherwise. */
interface CallbackJson {
  providerConfigKey?: string;
  connectionId?: string;
  error?: { code: string; message: string };
}

describe.runIf(privatePostgresAvailable())('kill -9 during an OAuth flow', () => {
  const cleanup = new Cleanup();
  let postgres: PrivatePostgres;
  let provider: LoopbackAuthorizationServer;
  let deployment: Deployment;
  let a: LatchkeyInstance;
  let b: LatchkeyInstance;

  beforeAll(async () => {
    postgres = cleanup.add(await startPrivatePostgres());
    provider = cleanup.add(await startLoopbackAuthorizationServer());
    // Both instances stand behind one public URL (A's), as behind a load balancer: the provider sends the browser
    // back there, and the drill delivers that callback to whichever instance is alive.
    const portA = await freePort();
    deployment = newDeployment(await postgres.createDatabase(), { publicUrl: `http://127.0.0.1:${portA}` });
    a = cleanup.add(await LatchkeyInstance.start(deployment, { port: portA }));
    // A has migrated the database: B boots while A takes the setup.
    const startingB = startInBackground(deployment, cleanup);

    const registered = await a.api('POST', '/providers', {
      name: 'drill-oauth-provider',
      display_name: 'Drill OAuth',
      auth_mode: 'OAUTH2',
      authorization_url: provider.authorizationEndpoint,
      token_url: provider.tokenEndpoint,
      proxy: { base_url: provider.url },
      docs: 'https://example.com/docs',
    });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    const integration = await a.api('POST', '/integrations', {
      unique_key: INTEGRATION,
      provider: 'drill-oauth-provider',
      credentials: { type: 'OAUTH2', client_id: 'drill', client_secret: 'drill-secret', scopes: 'read' },
    });
    expect(integration.status, JSON.stringify(integration.body)).toBe(200);
    b = await startingB;
  }, 120_000);

  afterAll(() => cleanup.run());

  /** GET /oauth/connect on `instance`; returns the state and the provider URL the browser is sent to. */
  async function startFlow(instance: LatchkeyInstance, sessionToken: string) {
    const response = await fetch(
      `${instance.url}/oauth/connect/${INTEGRATION}?connect_session_token=${sessionToken}`,
      { redirect: 'manual' },
    );
    const location = response.headers.get('location');
    expect(response.status, await response.text()).toBe(302);
    const authorizeUrl = new URL(location!);
    expect(authorizeUrl.origin).toBe(provider.url);
    return { state: authorizeUrl.searchParams.get('state')!, authorizeUrl };
  }

  /** The provider's redirect back: the callback URL on the public URL, with code and state. */
  async function authorize(authorizeUrl: URL): Promise<URL> {
    const response = await fetch(authorizeUrl, { redirect: 'manual' });
    expect(response.status).toBe(302);
    const callback = new URL(response.headers.get('location')!);
    expect(callback.origin + callback.pathname).toBe(`${deployment.publicUrl}/oauth/callback`);
    return callback;
  }

  /** The callback delivered to `instance` (the load balancer's choice), as JSON or as the browser's page. */
  async function deliverCallback(instance: LatchkeyInstance, callback: URL, as: 'json' | 'html') {
    const response = await fetch(`${instance.url}/oauth/callback${callback.search}`, {
      headers: { accept: as === 'json' ? 'application/json' : 'text/html' },
      redirect: 'manual',
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    return {
      status: response.status,
      text,
      json: as === 'json' ? (JSON.parse(text) as CallbackJson) : {},
    };
  }

  /** A replayed callback answers a clean refusal on every instance and makes no token request. */
  async function expectRefused(instance: LatchkeyInstance, callback: URL): Promise<void> {
    const tokenRequests = provider.tokenRequests.length;
    const json = await deliverCallback(instance, callback, 'json');
    expect(json.status).toBe(400);
    expect(json.json.error?.code).toBe('invalid_state');
    const page = await deliverCallback(instance, callback, 'html');
    expect(page.status).toBe(400);
    expect(page.text).toContain('<html');
    expect(provider.tokenRequests.length).toBe(tokenRequests);
  }

  const connectionsOf = (endUserId: string) =>
    queryRows<{ connection_id: string; credentials_version: number }>(
      deployment.databaseUrl,
      `select connection_id, credentials_version from connections where end_user->>'id' = $1`,
      [endUserId],
    );
  const eventsOf = (endUserId: string) =>
    queryRows(
      deployment.databaseUrl,
      `select id from auth_events where payload->'endUser'->>'endUserId' = $1`,
      [endUserId],
    );
  const oauthSessionsWithState = async (state: string) =>
    (await queryRows(deployment.databaseUrl, 'select id from oauth_sessions where id = $1', [state])).length;

  it('killed between /oauth/connect and the callback: the other instance completes the flow, once', async () => {
    const token = await a.connectSessionToken('user-between');
    const { state, authorizeUrl } = await startFlow(a, token);
    expect(await oauthSessionsWithState(state)).toBe(1);

    await a.kill({ signal: 'SIGKILL' });
    const killedAt = performance.now();
    await expect(fetch(`${a.url}/health`)).rejects.toThrow();
    const callback = await authorize(authorizeUrl);

    const completed = await deliverCallback(b, callback, 'json');
    const completedMs = performance.now() - killedAt;
    expect(completed.status, completed.text).toBe(200);
    expect(completed.json.providerConfigKey).toBe(INTEGRATION);
    const connectionId = completed.json.connectionId!;
    expect(provider.tokenRequests.map((r) => r.outcome)).toEqual(['answered']);

    const stored = await connectionsOf('user-between');
    expect(stored.map((row) => row.connection_id)).toEqual([connectionId]);
    const read = await b.api<{ credentials: { access_token: string } }>(
      'GET',
      `/connections/${connectionId}?provider_config_key=${INTEGRATION}`,
    );
    expect(read.status).toBe(200);
    expect(read.body.credentials.access_token).toBe(
      provider.accessTokenFor(callback.searchParams.get('code')!),
    );
    expect(await oauthSessionsWithState(state)).toBe(0);
    expect(await eventsOf('user-between')).toHaveLength(1);

    // The state is spent: a replay, on the surviving instance or on the restarted one, is refused and changes nothing.
    const restarting = a.restart();
    await expectRefused(b, callback);
    await restarting;
    await expectRefused(a, callback);
    expect(await connectionsOf('user-between')).toEqual(stored);
    expect(await eventsOf('user-between')).toHaveLength(1);
    console.log(
      JSON.stringify({
        fault: 'kill -9 between /oauth/connect and the callback',
        completedOnOtherInstanceMsAfterKill: Math.round(completedMs),
        tokenRequests: provider.tokenRequests.length,
        connections: stored.length,
        replaysRefused: 4,
      }),
    );
  });

  it('killed during the token exchange: the retry is refused cleanly, nothing half-made, and starting over works', async () => {
    const token = await b.connectSessionToken('user-during');
    const { state, authorizeUrl } = await startFlow(a, token);
    const callback = await authorize(authorizeUrl);
    const before = provider.tokenRequests.length;

    provider.holdTokenRequests = true;
    const arrived = provider.nextTokenRequest();
    const answer = deliverCallback(a, callback, 'json').then(
      (response) => response,
      (error: unknown) => error as Error,
    );
    const held = await arrived;
    await a.kill({ signal: 'SIGKILL' });
    // The browser got no answer at all: the connection dropped with the process.
    expect(await answer).toBeInstanceOf(Error);
    await until(() => held.outcome !== 'pending');
    expect(held.outcome).toBe('client_gone');
    provider.holdTokenRequests = false;
    const restarting = a.restart();

    // Nothing half-made: no connection, no event; the state was taken by the dead instance and cannot be used again.
    expect(await connectionsOf('user-during')).toEqual([]);
    expect(await eventsOf('user-during')).toEqual([]);
    expect(await oauthSessionsWithState(state)).toBe(0);

    // The browser retries the callback (on the surviving instance): a clear 4xx, and the code is not exchanged twice.
    await expectRefused(b, callback);
    expect(provider.tokenRequests.length - before).toBe(1);
    expect(await connectionsOf('user-during')).toEqual([]);

    // The user starts over with the same connect session: the flow completes on the surviving instance.
    const again = await startFlow(b, token);
    const completed = await deliverCallback(b, await authorize(again.authorizeUrl), 'json');
    expect(completed.status, completed.text).toBe(200);
    expect((await connectionsOf('user-during')).map((row) => row.connection_id)).toEqual([
      completed.json.connectionId,
    ]);
    expect(await eventsOf('user-during')).toHaveLength(1);

    // The restarted instance refuses the old callback too.
    await restarting;
    await expectRefused(a, callback);
    expect(await connectionsOf('user-during')).toHaveLength(1);
    console.log(
      JSON.stringify({
        fault: 'kill -9 during the token exchange',
        heldTokenRequest: held.outcome,
        codeExchanges: provider.tokenRequests.filter(
          (r) => r.form.get('code') === callback.searchParams.get('code'),
        ).length,
        connectionsAfterKill: 0,
        retriesRefused: 4,
        connectionsAfterStartingOver: 1,
      }),
    );
  });
});

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
