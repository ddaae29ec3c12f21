/**
 * The connection read served on node:http ahead of Hono (transports/rest/fast-connection-read.ts) must answer every
 * request exactly as the Hono route does: the same status, body and headers, for successes and for every error. Each
 * request goes once through a real server (where the fast path takes it) and once through `app.request` (Hono only).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startHttpServer } from '../src/http-server';
import { createLogger } from '../src/platform/logging/logger';
import { databaseKinds } from './support/test-database';
import { createTestLatchkey, type TestLatchkey } from './support/test-latchkey';

interface Case {
  name: string;
  path: string;
  headers?: Record<string, string>;
  /** False when the fast path must leave the request to Hono. */
  fast?: boolean;
}

describe.each(databaseKinds())('fast connection read (%s)', (kind) => {
  let t: TestLatchkey;
  let server: RunningServer;
  let readOnlyKey: string;
  let sessionToken: string;
  const takenByFastPath: boolean[] = [];

  beforeAll(async () => {
    t = await createTestLatchkey(kind, { HOST: '127.0.0.1', PORT: '0' });
    const [fast] = t.latchkey.nodeRoutes;
    t.latchkey.nodeRoutes[0] = (request: IncomingMessage, response: ServerResponse) => {
      const taken = fast!(request, response);
      takenByFastPath.push(taken);
      return taken;
    };
    server = await startHttpServer({ ...t.latchkey, close: async () => {} }, createLogger('silent'));
    const created = await t.request('/integrations', {
      method: 'POST',
      json: {
        unique_key: 'gh',
        provider: 'github',
        credentials: { type: 'OAUTH2', client_id: 'id', client_secret: 'secret', scopes: 'repo' },
      },
    });
    expect(created.status).toBe(200);
    const imported = await t.request('/connections', {
      method: 'POST',
      json: {
        provider_config_key: 'gh',
        connection_id: 'alice/work id',
        credentials: {
          type: 'OAUTH2',
          access_token: 'gho_fast_path_access',
          refresh_token: 'ghr_fast_path_refresh',
          expires_at: new Date(Date.now() + 3_600_000).toISOString(),
        },
        end_user: { id: 'alice', email: 'alice@example.com' },
        tags: { team: 'a' },
      },
    });
    expect(imported.status, await imported.clone().text()).toBe(201);
    const dev = await t.latchkey.services.environments.getByName('dev');
    readOnlyKey = (
      await t.latchkey.services.apiKeys.create({
        environmentId: dev.id,
        name: 'reader',
        scopes: ['environment:connections:read'],
      })
    ).secretKey;
    const session = await t.request('/connect/sessions', {
      method: 'POST',
      json: { end_user: { id: 'bob' } },
    });
    sessionToken = ((await session.json()) as { data: { token: string } }).data.token;
  });

  afterAll(async () => {
    await server?.stop();
    await t?.[Symbol.asyncDispose]();
  });

  const id = encodeURIComponent('alice/work id');
  const cases = (): Case[] => [
    { name: 'a read', path: `/connections/${id}?provider_config_key=gh` },
    {
      name: 'the SDK query with boolean strings',
      path: `/connections/${id}?provider_config_key=gh&force_refresh=false&refresh_token=false&refresh_github_app_jwt_token=false`,
    },
    { name: 'a trailing slash', path: `/connections/${id}/?provider_config_key=gh` },
    { name: 'the legacy singular path', path: `/connection/${id}?provider_config_key=gh` },
    {
      name: 'the refresh token asked for',
      path: `/connections/${id}?provider_config_key=gh&refresh_token=true`,
    },
    { name: 'an unknown connection', path: '/connections/nobody?provider_config_key=gh' },
    { name: 'an unknown integration', path: `/connections/${id}?provider_config_key=nope` },
    { name: 'no provider_config_key', path: `/connections/${id}` },
    { name: 'an unknown query key', path: `/connections/${id}?provider_config_key=gh&surprise=1` },
    { name: 'a bad boolean', path: `/connections/${id}?provider_config_key=gh&force_refresh=maybe` },
    { name: 'bracket query values', path: `/connections/${id}?provider_config_key[a]=gh` },
    { name: 'malformed percent-encoding', path: '/connections/%E0%A4%A?provider_config_key=gh' },
    { name: 'an id longer than allowed', path: `/connections/${'x'.repeat(300)}?provider_config_key=gh` },
    {
      name: 'no authorization',
      path: `/connections/${id}?provider_config_key=gh`,
      headers: { authorization: '' },
    },
    {
      name: 'a non-bearer authorization',
      path: `/connections/${id}?provider_config_key=gh`,
      headers: { authorization: 'Basic abc' },
    },
    {
      name: 'an unknown key',
      path: `/connections/${id}?provider_config_key=gh`,
      headers: { authorization: 'Bearer 00000000-0000-4000-8000-000000000000' },
    },
    {
      name: 'a key without the credentials scope',
      path: `/connections/${id}?provider_config_key=gh`,
      headers: { authorization: `Bearer ${readOnlyKey}` },
    },
    {
      name: 'a forced refresh without the credentials scope',
      path: `/connections/${id}?provider_config_key=gh&force_refresh=true`,
      headers: { authorization: `Bearer ${readOnlyKey}` },
    },
    {
      name: 'a connect session token',
      path: `/connections/${id}?provider_config_key=gh`,
      headers: { authorization: `Bearer ${sessionToken}` },
    },
    {
      name: 'a caller request id',
      path: `/connections/${id}?provider_config_key=gh`,
      headers: { 'x-request-id': 'trace-123' },
    },
    {
      name: 'a JSON content type with no body',
      path: `/connections/${id}?provider_config_key=gh`,
      headers: { 'content-type': 'application/json' },
    },
    {
      name: 'a content type the JSON middleware refuses',
      path: `/connections/${id}?provider_config_key=gh`,
      headers: { 'content-type': 'text/plain' },
      fast: false,
    },
  ];

  it.each(cases().map((c) => [c.name, c] as const))('answers %s as the Hono route does', async (_name, c) => {
    const headers = { authorization: `Bearer ${t.secretKey}`, ...c.headers };
    if (headers.authorization === '') delete (headers as Partial<typeof headers>).authorization;
    takenByFastPath.length = 0;
    const viaServer = await fetch(`${server.url}${c.path}`, { headers });
    expect(takenByFastPath).toEqual([c.fast ?? true]);
    const viaHono = await t.latchkey.app.request(c.path, { headers });

    expect(viaServer.status).toBe(viaHono.status);
    expect(normalise(await viaServer.json())).toEqual(normalise(await viaHono.json()));
    for (const name of ['content-type', 'access-control-allow-origin', 'access-control-expose-headers']) {
      expect(viaServer.headers.get(name), name).toBe(viaHono.headers.get(name));
    }
    const requestId = viaServer.headers.get('x-request-id');
    if (c.headers?.['x-request-id'] !== undefined) expect(requestId).toBe(c.headers['x-request-id']);
    else expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('keeps secrets out of its answers unless asked, and counts every read', async () => {
    const read = async (query: string) =>
      (await (
        await fetch(`${server.url}/connections/${id}?provider_config_key=gh${query}`, {
          headers: { authorization: `Bearer ${t.secretKey}` },
        })
      ).json()) as { credentials: Record<string, unknown>; last_fetched_at: string | null };
    const plain = await read('');
    expect(JSON.stringify(plain)).not.toContain('ghr_fast_path_refresh');
    expect(plain.credentials.access_token).toBe('gho_fast_path_access');
    const withRefresh = await read('&refresh_token=true');
    expect(withRefresh.credentials.refresh_token).toBe('ghr_fast_path_refresh');
    // The next read shows the previous one's time, as it would once written.
    const before = Date.now();
    await read('');
    const after = await read('');
    expect(after.last_fetched_at).not.toBeNull();
    expect(Date.parse(after.last_fetched_at!)).toBeGreaterThanOrEqual(before - 1000);
  });
});

/** `last_fetched_at` moves with every read; everything else must match exactly. */
function normalise(body: unknown): unknown {
  if (body !== null && typeof body === 'object' && 'last_fetched_at' in body) {
    return { ...body, last_fetched_at: '(moves with every read)' };
  }
  return body;
}
