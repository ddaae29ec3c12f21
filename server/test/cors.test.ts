/**
 * CORS by environment (issue 14): without allowed origins no route a secret key uses answers
 * `Access-Control-Allow-Origin` (the connection read on both of its paths, the proxy, integrations, GraphQL, tRPC);
 * with them, the exact origin is granted for that environment only, browser routes (session token, public key)
 * with credentials; preflights pass for an origin any environment allows; `*` allows every origin. Fast path
 * requests go through a real server, the rest through the Hono app.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startHttpServer } from '../src/http-server';
import { createLogger } from '../src/platform/logging/logger';
import { databaseKinds } from './support/test-database';
import { createTestLatchkey, type TestLatchkey } from './support/test-latchkey';

const APP = 'https://app.example';
const STAGING_APP = 'https://staging-app.example';
const EVIL = 'https://evil.example';

describe.each(databaseKinds())('CORS (%s)', (kind) => {
  let t: TestLatchkey;
  let server: RunningServer;
  let stagingKey: string;
  let sessionToken: string;
  const read = '/connections/alice?provider_config_key=gh';

  /** A request as a page on `origin` makes it; `key: null` sends no Authorization. */
  const from = (origin: string, path: string, init: Parameters<TestLatchkey['request']>[1] = {}) =>
    t.request(path, { ...init, headers: { origin, ...(init.headers as Record<string, string>) } });
  const fastRead = (origin: string, key = t.secretKey) =>
    fetch(`${server.url}${read}`, { headers: { origin, authorization: `Bearer ${key}` } });
  const setOrigins = async (key: string, allowedOrigins: string[]) => {
    const response = await t.request('/environment', { method: 'PATCH', key, json: { allowedOrigins } });
    expect(response.status, await response.clone().text()).toBe(200);
  };
  const acao = (response: Response) => response.headers.get('access-control-allow-origin');

  /** Every route a secret key uses, as a page on `origin` calls it with the dev key. */
  const secretKeyRoutes = (origin: string) => ({
    'connection read (Hono)': () => from(origin, read),
    'connection read (fast path)': () => fastRead(origin),
    proxy: () => from(origin, '/proxy/user', { headers: { 'provider-config-key': 'gh' } }),
    integrations: () => from(origin, '/integrations'),
    environment: () => from(origin, '/environment'),
    'connect session creation': () =>
      from(origin, '/connect/sessions', { method: 'POST', json: { end_user: { id: 'u' } } }),
    graphql: () =>
      from(origin, '/graphql', { method: 'POST', json: { query: '{ integrations { uniqueKey } }' } }),
    trpc: () => from(origin, '/trpc/integrations.list'),
  });

  beforeAll(async () => {
    t = await createTestLatchkey(kind, { HOST: '127.0.0.1', PORT: '0' });
    server = await startHttpServer({ ...t.latchkey, close: async () => {} }, createLogger('silent'));
    const integration = await t.request('/integrations', {
      method: 'POST',
      json: {
        unique_key: 'gh',
        provider: 'github',
        credentials: { type: 'OAUTH2', client_id: 'a', client_secret: 'b' },
      },
    });
    expect(integration.status).toBe(200);
    const imported = await t.request('/connections', {
      method: 'POST',
      json: {
        provider_config_key: 'gh',
        connection_id: 'alice',
        credentials: { type: 'OAUTH2', access_token: 'gho_cors_access' },
      },
    });
    expect(imported.status).toBe(201);
    stagingKey = (await t.latchkey.services.environments.create('staging')).secretKey;
    const session = await t.request('/connect/sessions', {
      method: 'POST',
      json: { end_user: { id: 'u1' } },
    });
    sessionToken = ((await session.json()) as { data: { token: string } }).data.token;
  });
  afterAll(async () => {
    await server?.stop();
    await t?.[Symbol.asyncDispose]();
  });

  describe('with no allowed origins anywhere', () => {
    it.each(Object.keys(secretKeyRoutes(APP)))(
      'answers %s without Access-Control-Allow-Origin',
      async (name) => {
        const response = await secretKeyRoutes(APP)[name as keyof ReturnType<typeof secretKeyRoutes>]();
        expect(response.status).toBeLessThan(500);
        expect(acao(response)).toBeNull();
        expect(response.headers.get('access-control-allow-credentials')).toBeNull();
        expect(response.headers.get('vary')).toMatch(/Origin/);
      },
    );

    it('answers browser routes and preflights without it either', async () => {
      expect(acao(await from(APP, '/connect/session', { key: sessionToken }))).toBeNull();
      const preflight = await from(APP, '/connect/session', {
        method: 'OPTIONS',
        key: null,
        headers: {
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'authorization',
        },
      });
      expect(preflight.status).toBe(204);
      expect(acao(preflight)).toBeNull();
      expect(preflight.headers.get('access-control-allow-methods')).toBeNull();
    });

    it('sends no CORS headers to same-origin and server callers', async () => {
      for (const response of [
        await t.request(read),
        await from('http://latchkey.test', read),
        await fetch(`${server.url}${read}`, { headers: { authorization: `Bearer ${t.secretKey}` } }),
      ]) {
        expect(response.status).toBe(200);
        expect([...response.headers.keys()].filter((name) => name.startsWith('access-control-'))).toEqual([]);
        expect(response.headers.get('vary')).toBeNull();
      }
    });

    it('keeps the public OpenAPI document readable from anywhere', async () => {
      expect(acao(await from(APP, '/openapi.json', { key: null }))).toBe('*');
    });
  });

  describe('with allowed origins', () => {
    beforeAll(async () => {
      await setOrigins(t.secretKey, [APP]);
      await setOrigins(stagingKey, [STAGING_APP]);
    });

    it.each(Object.keys(secretKeyRoutes(APP)))(
      'grants %s to the exact origin, without credentials',
      async (name) => {
        const response = await secretKeyRoutes(APP)[name as keyof ReturnType<typeof secretKeyRoutes>]();
        expect(acao(response)).toBe(APP);
        expect(response.headers.get('vary')).toMatch(/Origin/);
        expect(response.headers.get('access-control-allow-credentials')).toBeNull();
        expect(response.headers.get('access-control-expose-headers')).toContain('X-Request-Id');
      },
    );

    it.each(Object.keys(secretKeyRoutes(APP)))(
      'refuses %s to an origin only another environment allows',
      async (name) => {
        const response =
          await secretKeyRoutes(STAGING_APP)[name as keyof ReturnType<typeof secretKeyRoutes>]();
        expect(acao(response)).toBeNull();
        expect(
          acao(await secretKeyRoutes(EVIL)[name as keyof ReturnType<typeof secretKeyRoutes>]()),
        ).toBeNull();
      },
    );

    it('grants each environment its own origins', async () => {
      expect(acao(await from(STAGING_APP, '/integrations', { key: stagingKey }))).toBe(STAGING_APP);
      expect(acao(await from(APP, '/integrations', { key: stagingKey }))).toBeNull();
      expect(acao(await fastRead(STAGING_APP, stagingKey))).toBe(STAGING_APP);
      expect(acao(await fastRead(APP, stagingKey))).toBeNull();
    });

    it('answers the fast path and the Hono route alike, errors included', async () => {
      for (const [origin, key] of [
        [APP, t.secretKey],
        [EVIL, t.secretKey],
        [APP, 'not-a-key'],
        [APP, sessionToken],
      ] as const) {
        for (const path of [read, '/connections/nobody?provider_config_key=gh']) {
          const viaServer = await fetch(`${server.url}${path}`, {
            headers: { origin, authorization: `Bearer ${key}` },
          });
          const viaHono = await from(origin, path, { key });
          expect(viaServer.status).toBe(viaHono.status);
          for (const name of [
            'access-control-allow-origin',
            'access-control-allow-credentials',
            'access-control-expose-headers',
            'vary',
          ]) {
            expect(viaServer.headers.get(name), `${name} ${origin} ${path}`).toBe(viaHono.headers.get(name));
          }
        }
      }
    });

    it('grants browser routes with credentials to an origin of the session environment', async () => {
      const session = await from(APP, '/connect/session', { key: sessionToken });
      expect(session.status).toBe(200);
      expect(acao(session)).toBe(APP);
      expect(session.headers.get('access-control-allow-credentials')).toBe('true');
      expect(session.headers.get('vary')).toMatch(/Origin/);
      // The session's reads of the API groups are the widget's too.
      const integrations = await from(APP, '/integrations', { key: sessionToken });
      expect(integrations.headers.get('access-control-allow-credentials')).toBe('true');
      const direct = await from(APP, `/api-auth/api-key/gh?connect_session_token=${sessionToken}`, {
        method: 'POST',
        key: null,
        json: { apiKey: 'x' },
      });
      expect(direct.status).toBeLessThan(500);
      expect(acao(direct)).toBe(APP);
      expect(direct.headers.get('access-control-allow-credentials')).toBe('true');

      expect(acao(await from(STAGING_APP, '/connect/session', { key: sessionToken }))).toBeNull();
      expect(acao(await from(EVIL, '/connect/session', { key: sessionToken }))).toBeNull();
    });

    it('lets the widget read the refusal of an unknown or expired session token', async () => {
      const unknown = `nango_connect_session_${'0'.repeat(64)}`;
      const refused = await from(APP, '/connect/session', { key: unknown });
      expect(refused.status).toBe(401);
      expect(acao(refused)).toBe(APP);
      expect(acao(await from(EVIL, '/connect/session', { key: unknown }))).toBeNull();
    });

    it("grants the session's event stream (SSE) to its origins", async () => {
      const controller = new AbortController();
      const stream = await fetch(`${server.url}/connect/session/events`, {
        headers: { origin: APP, authorization: `Bearer ${sessionToken}`, accept: 'text/event-stream' },
        signal: controller.signal,
      });
      expect(stream.status).toBe(200);
      expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
      expect(acao(stream)).toBe(APP);
      expect(stream.headers.get('access-control-allow-credentials')).toBe('true');
      controller.abort();
      const other = await from(STAGING_APP, '/connect/session/events', { key: sessionToken });
      expect(other.status).toBe(200);
      expect(acao(other)).toBeNull();
    });

    it('answers a preflight for an origin any environment allows, and only those', async () => {
      const preflight = (origin: string, path: string) =>
        from(origin, path, {
          method: 'OPTIONS',
          key: null,
          headers: {
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'authorization,content-type',
          },
        });
      for (const origin of [APP, STAGING_APP]) {
        for (const path of ['/connect/session', '/api-auth/api-key/gh', '/connections/alice', '/graphql']) {
          const response = await preflight(origin, path);
          expect(response.status).toBe(204);
          expect(acao(response)).toBe(origin);
          expect(response.headers.get('access-control-allow-credentials')).toBe('true');
          expect(response.headers.get('access-control-allow-methods')).toContain('POST');
          expect(response.headers.get('access-control-allow-headers')).toBe('authorization,content-type');
          expect(response.headers.get('vary')).toMatch(/Origin/);
        }
      }
      const refused = await preflight(EVIL, '/connect/session');
      expect(refused.status).toBe(204);
      expect(acao(refused)).toBeNull();
      expect(refused.headers.get('access-control-allow-credentials')).toBeNull();
    });

    it('follows a settings change at once', async () => {
      await setOrigins(t.secretKey, []);
      expect(acao(await from(APP, '/integrations'))).toBeNull();
      expect(acao(await fastRead(APP))).toBeNull();
      await setOrigins(t.secretKey, [APP]);
      expect(acao(await fastRead(APP))).toBe(APP);
    });
  });

  describe('with `*`', () => {
    beforeAll(async () => {
      await setOrigins(t.secretKey, ['*']);
    });
    afterAll(async () => {
      await setOrigins(t.secretKey, []);
    });

    it('grants every origin, echoed exactly, never `*` itself', async () => {
      for (const route of Object.values(secretKeyRoutes(EVIL))) expect(acao(await route())).toBe(EVIL);
      const session = await from(EVIL, '/connect/session', { key: sessionToken });
      expect(acao(session)).toBe(EVIL);
      expect(session.headers.get('access-control-allow-credentials')).toBe('true');
      // Still per environment: staging lists only its own app.
      expect(acao(await from(EVIL, '/integrations', { key: stagingKey }))).toBeNull();
    });

    it('grants no opaque origin', async () => {
      expect(acao(await from('null', '/integrations'))).toBeNull();
    });
  });

  it('refuses an origin that is not an origin in the settings', async () => {
    for (const origins of [['https://app.example/path'], ['*.example.com'], ['app.example']]) {
      const response = await t.request('/environment', {
        method: 'PATCH',
        json: { allowedOrigins: origins },
      });
      expect(response.status).toBe(400);
    }
  });
});
