/**
 * Refresh on read against a real authorization server with 2-second tokens and rotating refresh tokens: a refresh
 * token spent twice revokes the whole grant there, so a double refresh would fail these tests for real.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_ID, CLIENT_SECRET, type FlowHarness, startFlowHarness } from '../support/flow-harness';
import { databaseKinds } from '../support/test-database';

interface ConnectionBody {
  credentials: { access_token?: string; refresh_token?: string; expires_at?: string };
  refresh_state: string;
  errors: Array<{ type: string }>;
}

/** A full authorization-code flow through Latchkey for one integration; returns the new connection id. */
async function connectThrough(h: FlowHarness, integration: string): Promise<string> {
  const token = await h.createSession();
  const response = await h.complete(await h.authorize(integration, `connect_session_token=${token}`));
  return ((await response.json()) as { connectionId: string }).connectionId;
}

async function readConnection(h: FlowHarness, integration: string, id: string, query: string) {
  const response = await h.api(`/connections/${id}?provider_config_key=${integration}${query}`);
  return {
    status: response.status,
    body: (await response.json()) as ConnectionBody & {
      error?: { code: string; payload?: Record<string, unknown> };
    },
  };
}

describe.each(databaseKinds())('refresh on read (%s)', (kind) => {
  let h: FlowHarness;
  beforeAll(async () => {
    h = await startFlowHarness(kind, {
      oidc: { accessTokenTtlSeconds: 2 },
      env: {
        LATCHKEY_REFRESH_MARGIN_SECONDS: '1',
        LATCHKEY_REFRESH_COOLDOWN_SECONDS: '1',
        LATCHKEY_PROACTIVE_REFRESH: 'off',
      },
    });
  });
  afterAll(() => h[Symbol.asyncDispose]());

  const connect = () => connectThrough(h, 'local');
  const read = (id: string, query = '') => readConnection(h, 'local', id, query);
  const storedRefreshToken = async (id: string) => {
    const row = await h.t.database.db
      .selectFrom('connections')
      .selectAll()
      .where('connection_id', '=', id)
      .executeTakeFirstOrThrow();
    const credentials = h.t.latchkey.services.connections.readCredentials(row);
    return credentials.type === 'OAUTH2' ? credentials.refresh_token : undefined;
  };

  it('returns the stored token while fresh, refreshes once it is due, and keeps the rotated refresh token', async () => {
    const id = await connect();
    const first = await read(id);
    expect(first.status).toBe(200);
    const grantsBefore = h.oidc.counters.refreshGrants;
    expect((await read(id)).body.credentials.access_token).toBe(first.body.credentials.access_token);
    expect(h.oidc.counters.refreshGrants).toBe(grantsBefore);

    const oldRefreshToken = await storedRefreshToken(id);
    await sleep(1100);
    const second = await read(id);
    expect(second.status).toBe(200);
    expect(second.body.credentials.access_token).not.toBe(first.body.credentials.access_token);
    expect(second.body.credentials).not.toHaveProperty('refresh_token');
    expect(h.oidc.counters.refreshGrants).toBe(grantsBefore + 1);
    const newRefreshToken = await storedRefreshToken(id);
    expect(newRefreshToken).toBeDefined();
    expect(newRefreshToken).not.toBe(oldRefreshToken);
  });

  it('shares one refresh among 30 concurrent readers, all getting the same new token', async () => {
    const id = await connect();
    await sleep(1100);
    const before = h.oidc.counters.refreshGrants;
    const results = await Promise.all(Array.from({ length: 30 }, () => read(id)));
    expect(results.map((r) => r.status)).toEqual(Array(30).fill(200));
    expect(new Set(results.map((r) => r.body.credentials.access_token)).size).toBe(1);
    expect(h.oidc.counters.refreshGrants).toBe(before + 1);
    // The grant is intact: a forced refresh afterwards still works (a double spend would have revoked it).
    expect((await read(id, '&force_refresh=true')).status).toBe(200);
  });

  it('forces a refresh on demand and shows the refresh token only when asked', async () => {
    const id = await connect();
    const before = await read(id);
    const forced = await read(
      id,
      '&force_refresh=true&refresh_token=true&refresh_github_app_jwt_token=false',
    );
    expect(forced.status).toBe(200);
    expect(forced.body.credentials.access_token).not.toBe(before.body.credentials.access_token);
    expect(forced.body.credentials.refresh_token).toBe(await storedRefreshToken(id));
    expect((await read(id, '&force_refresh=maybe')).status).toBe(400);
  });

  it('refuses credential options to a key without the credentials scope', async () => {
    const id = await connect();
    const dev = await h.t.latchkey.services.environments.getByName('dev');
    const reader = await h.t.latchkey.services.apiKeys.create({
      environmentId: dev.id,
      name: 'reader',
      scopes: ['environment:connections:read'],
    });
    const plain = await fetch(`${h.url}/connections/${id}?provider_config_key=local`, {
      headers: { authorization: `Bearer ${reader.secretKey}` },
    });
    expect(plain.status).toBe(200);
    expect(((await plain.json()) as ConnectionBody).credentials).toEqual({});
    const forced = await fetch(`${h.url}/connections/${id}?provider_config_key=local&force_refresh=true`, {
      headers: { authorization: `Bearer ${reader.secretKey}` },
    });
    expect(forced.status).toBe(403);
  });

  it('handles a revoked grant: 400 and refresh_failed, then needs_reauth on the second invalid_grant, 424 after', async () => {
    const id = await connect();
    await h.oidc.revokeAll();
    const forced = await read(id, '&force_refresh=true');
    expect(forced.status).toBe(400);
    expect(forced.body.error).toMatchObject({
      code: 'invalid_credentials',
      payload: { reason: 'refresh_failed', refresh_state: 'refresh_failed' },
    });
    // Once the token is due and the cooldown over, the next read tries again and meets invalid_grant again.
    await sleep(2200);
    const second = await read(id);
    expect(second.status).toBe(400);
    expect(second.body.error?.payload).toMatchObject({ refresh_state: 'needs_reauth' });
    const after = await read(id);
    expect(after.status).toBe(424);
    expect(after.body.error).toMatchObject({
      code: 'invalid_credentials',
      payload: { reason: 'needs_reauth' },
    });
    const listed = await h.api(`/connections/${id}?provider_config_key=local&refresh_token=false`);
    expect(listed.status).toBe(424);
    const events = await h.t.database.db
      .selectFrom('auth_events')
      .selectAll()
      .where('connection_id', '=', id)
      .orderBy('id')
      .execute();
    expect(events.map((e) => [e.operation, e.success])).toEqual([
      ['creation', true],
      ['refresh', false],
      ['refresh', false],
    ]);
    expect(events[1]!.payload.error?.type).toBe('token_exchange_failed');
    expect(JSON.stringify(events)).not.toContain(String(await storedRefreshToken(id)));
  });
});

describe.each(databaseKinds())('refresh failure states and the background refresher (%s)', (kind) => {
  let h: FlowHarness;
  let tokenProxy: Server;
  let failing = false;
  let proxied = 0;

  beforeAll(async () => {
    h = await startFlowHarness(kind, {
      oidc: { accessTokenTtlSeconds: 2 },
      env: {
        LATCHKEY_REFRESH_MARGIN_SECONDS: '1',
        LATCHKEY_REFRESH_COOLDOWN_SECONDS: '1',
        LATCHKEY_PROACTIVE_REFRESH: 'off',
      },
    });
    // The provider's token endpoint through a switch: forwards to the real server, or answers 503 while failing.
    tokenProxy = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      if (failing) {
        res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"temporarily_unavailable"}');
        return;
      }
      proxied += 1;
      const upstream = await fetch(h.oidc.tokenEndpoint, {
        method: 'POST',
        headers: {
          'content-type': String(req.headers['content-type']),
          ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
        },
        body: Buffer.concat(chunks),
      });
      res.writeHead(upstream.status, { 'content-type': 'application/json' }).end(await upstream.text());
    });
    await new Promise<void>((resolve) => tokenProxy.listen(0, '127.0.0.1', resolve));
    const { port } = tokenProxy.address() as AddressInfo;
    await h.registerProvider({
      name: 'flaky-oidc',
      display_name: 'Flaky OIDC',
      auth_mode: 'OAUTH2',
      authorization_url: h.oidc.authorizationEndpoint,
      token_url: `http://127.0.0.1:${port}/token`,
      proxy: { base_url: h.oidc.issuer },
      docs: 'https://example.com/docs',
    });
    await h.createIntegration({
      unique_key: 'flaky',
      provider: 'flaky-oidc',
      credentials: {
        type: 'OAUTH2',
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        scopes: 'openid,offline_access,read',
      },
    });
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => tokenProxy.close(() => resolve()));
    await h[Symbol.asyncDispose]();
  });

  const connect = () => connectThrough(h, 'flaky');
  const read = (id: string, query = '') => readConnection(h, 'flaky', id, query);

  it('backs off after a transient failure, then recovers to active and says so', async () => {
    const id = await connect();
    failing = true;
    await sleep(1100);
    const failed = await read(id);
    expect(failed.status).toBe(400);
    expect(failed.body.error?.payload).toMatchObject({
      reason: 'refresh_failed',
      refresh_state: 'refresh_failed',
    });
    const during = await read(id);
    expect(during.status).toBe(424);
    expect(during.body.error?.payload).toMatchObject({ reason: 'refresh_backoff' });

    failing = false;
    await sleep(1100);
    const recovered = await read(id);
    expect(recovered.status).toBe(200);
    expect(recovered.body.refresh_state).toBe('active');
    expect(recovered.body.errors).toEqual([]);
    const events = await h.t.database.db
      .selectFrom('auth_events')
      .selectAll()
      .where('connection_id', '=', id)
      .orderBy('id')
      .execute();
    expect(events.map((e) => [e.operation, e.success])).toEqual([
      ['creation', true],
      ['refresh', false],
      ['refresh', true],
    ]);
  });

  it('refreshes due connections in the background, each once, and skips fresh ones', async () => {
    const due = await connect();
    await sleep(1100);
    const fresh = await connect();
    const before = proxied;
    const round = await h.t.latchkey.refresher.runOnce();
    expect(round.refreshed).toBeGreaterThanOrEqual(1);
    expect(proxied - before).toBe(round.refreshed);
    const row = await h.t.database.db
      .selectFrom('connections')
      .selectAll()
      .where('connection_id', '=', due)
      .executeTakeFirstOrThrow();
    expect(row.last_refresh_success_at).not.toBeNull();
    expect(row.expires_at!.getTime()).toBeGreaterThan(Date.now());
    const untouched = await h.t.database.db
      .selectFrom('connections')
      .selectAll()
      .where('connection_id', '=', fresh)
      .executeTakeFirstOrThrow();
    expect(untouched.last_refresh_success_at).toBeNull();
    // Running twice at once claims each row once.
    await sleep(1100);
    const counted = proxied;
    const [a, b] = await Promise.all([h.t.latchkey.refresher.runOnce(), h.t.latchkey.refresher.runOnce()]);
    expect(a).toBe(b);
    expect(proxied - counted).toBe(a.refreshed);
  });
});
