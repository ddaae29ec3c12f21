/**
 * The proxy (compat doc 2.6) end to end over real ports: connections made through the real flows, requests forwarded
 * to real local servers (an echo API, the OIDC server's userinfo, a signature-checking OAuth 1.0a provider), bodies
 * streamed both ways, retries timed, redirects, the outbound policy and the errors.
 */
import { createHash, randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { Provider } from '@latchkey/providers';
import { Nango } from '@nangohq/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { integrationWithoutSecrets } from '../src/auth-modes/mode-helpers';
import { authModeOf } from '../src/auth-modes/registry';
import { credentialQuery, requestCredentials } from '../src/auth-modes/request-credentials';
import { createLogger } from '../src/platform/logging/logger';
import { createOutboundStream } from '../src/platform/outbound/outbound-stream';
import { createProxyService } from '../src/proxy/proxy.service';
import { isRetryableStatus, MAX_RETRY_WAIT_MS, retryWaitMs } from '../src/proxy/retry-policy';
import {
  answer,
  type Echo,
  type EchoUpstream,
  readBody,
  startEchoUpstream,
  type UpstreamHandler,
} from './support/echo-upstream';
import { CLIENT_ID, CLIENT_SECRET, type FlowHarness, startFlowHarness } from './support/flow-harness';
import { freePort } from './support/free-port';
import { type OAuth1Provider, startOAuth1Provider } from './support/oauth1-provider';
import { databaseKinds } from './support/test-database';
import { createTestLatchkey } from './support/test-latchkey';

const DOCS = 'https://example.com/docs';
const API_KEY = 'ak-proxy-7f3c9d1e';
const BASIC_USER = { username: 'ada', password: 'proxy basic secret 42' };
const API_KEY_FIELD = {
  apiKey: { type: 'string', title: 'API key', description: 'Your API key', secret: true },
};
const MIB = 1024 * 1024;

interface ErrorBody {
  error: { code: string; message?: string; errors?: Array<{ path: string[] }>; payload?: unknown };
}

describe.each(databaseKinds())('proxy (%s)', (kind) => {
  let h: FlowHarness;
  let api: EchoUpstream;
  /** Another origin, for redirects that leave the provider. */
  let elsewhere: EchoUpstream;
  let apiKeyConnection: string;

  async function post(path: string, body?: unknown): Promise<Record<string, unknown>> {
    const separator = path.includes('?') ? '&' : '?';
    const response = await fetch(
      `${h.url}${path}${separator}connect_session_token=${await h.createSession()}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      },
    );
    const json = (await response.json()) as Record<string, unknown>;
    expect(response.status, JSON.stringify(json)).toBe(200);
    return json;
  }

  /** A request through the proxy with the dev key; `headers` are added to the proxy's own. */
  function proxy(
    path: string,
    connection: { id: string; key: string },
    init: RequestInit & { headers?: Record<string, string>; secretKey?: string } = {},
  ): Promise<Response> {
    const { secretKey, headers, ...rest } = init;
    return fetch(`${h.url}/proxy${path}`, {
      ...rest,
      headers: {
        authorization: `Bearer ${secretKey ?? h.t.secretKey}`,
        'connection-id': connection.id,
        'provider-config-key': connection.key,
        ...headers,
      },
    });
  }

  async function errorOf(response: Response): Promise<{ status: number } & ErrorBody['error']> {
    return { status: response.status, ...((await response.json()) as ErrorBody).error };
  }

  const apikey = () => ({ id: apiKeyConnection, key: 'apikey' });
  const last = (upstream: EchoUpstream) => upstream.requests.at(-1)!;

  beforeAll(async () => {
    h = await startFlowHarness(kind);
    api = await startEchoUpstream();
    elsewhere = await startEchoUpstream();
    await h.registerProvider({
      name: 'echo-api',
      display_name: 'Echo API',
      docs: DOCS,
      auth_mode: 'API_KEY',
      proxy: {
        base_url: `${api.url}/tenants/\${connectionConfig.tenant}`,
        headers: { 'x-api-key': '${apiKey}' },
        query: { api_key: '${apiKey}' },
      },
      connection_config: {
        tenant: { type: 'string', title: 'Tenant', description: 'Your tenant', pattern: '^[a-z]+$' },
      },
      credentials: API_KEY_FIELD,
    });
    await h.createIntegration({ unique_key: 'apikey', provider: 'echo-api' });
    const created = await post('/api-auth/api-key/apikey?params[tenant]=acme', { apiKey: API_KEY });
    apiKeyConnection = String(created.connectionId);
  });
  afterAll(async () => {
    await api?.close();
    await elsewhere?.close();
    await h?.[Symbol.asyncDispose]();
  });

  describe('credential injection', () => {
    it('API key: the declared header and query parameter, base URL filled from the connection config', async () => {
      const response = await proxy('/users?page=2', apikey());
      expect(response.status).toBe(200);
      const echo = (await response.json()) as Echo;
      expect(echo.method).toBe('GET');
      expect(echo.url).toBe(`/tenants/acme/users?page=2&api_key=${API_KEY}`);
      expect(echo.headers['x-api-key']).toBe(API_KEY);
      // Latchkey's own key and the proxy's control headers stay with Latchkey.
      expect(echo.headers.authorization).toBeUndefined();
      expect(echo.headers['connection-id']).toBeUndefined();
      expect(echo.headers['provider-config-key']).toBeUndefined();
    });

    it('basic: a Basic header', async () => {
      await h.registerProvider({
        name: 'echo-basic',
        display_name: 'Echo Basic',
        docs: DOCS,
        auth_mode: 'BASIC',
        proxy: { base_url: api.url },
        credentials: {
          username: { type: 'string', title: 'User name', description: 'Your user name' },
          password: { type: 'string', title: 'Password', description: 'Your password', secret: true },
        },
      });
      await h.createIntegration({ unique_key: 'basic', provider: 'echo-basic' });
      const { connectionId } = await post('/api-auth/basic/basic', BASIC_USER);
      const response = await proxy('/me', { id: String(connectionId), key: 'basic' });
      expect(response.status).toBe(200);
      const expected = Buffer.from(`${BASIC_USER.username}:${BASIC_USER.password}`).toString('base64');
      expect(((await response.json()) as Echo).headers.authorization).toBe(`Basic ${expected}`);
    });

    it('OAuth 2.0: the access token is accepted by the real authorization server userinfo endpoint', async () => {
      const callback = await h.authorize('local', `connect_session_token=${await h.createSession()}`);
      const { connectionId } = (await (await h.complete(callback)).json()) as { connectionId: string };
      // `local` has the OIDC server itself as proxy base URL: `GET /me` there is userinfo, which checks the token.
      const response = await proxy('/me', { id: connectionId, key: 'local' });
      expect(response.status, await response.clone().text()).toBe(200);
      expect(await response.json()).toMatchObject({ sub: expect.any(String) });
    });

    describe('OAuth 2.0 against the echo API', () => {
      let connection: { id: string; key: string };
      async function storedToken(): Promise<string> {
        const response = await h.api(`/connections/${connection.id}?provider_config_key=oidc-echo`);
        return ((await response.json()) as { credentials: { access_token: string } }).credentials
          .access_token;
      }

      beforeAll(async () => {
        await h.registerProvider({
          name: 'oidc-echo',
          display_name: 'OIDC tokens, echo API',
          docs: DOCS,
          auth_mode: 'OAUTH2',
          authorization_url: h.oidc.authorizationEndpoint,
          token_url: h.oidc.tokenEndpoint,
          default_scopes: ['openid', 'offline_access', 'read'],
          proxy: { base_url: api.url },
        });
        await h.createIntegration({
          unique_key: 'oidc-echo',
          provider: 'oidc-echo',
          credentials: {
            type: 'OAUTH2',
            client_id: CLIENT_ID,
            client_secret: CLIENT_SECRET,
            scopes: 'openid',
          },
        });
        const callback = await h.authorize('oidc-echo', `connect_session_token=${await h.createSession()}`);
        const body = (await (await h.complete(callback)).json()) as { connectionId: string };
        connection = { id: body.connectionId, key: 'oidc-echo' };
      });

      it('sends Authorization: Bearer <access_token>', async () => {
        const response = await proxy('/me', connection);
        expect(((await response.json()) as Echo).headers.authorization).toBe(`Bearer ${await storedToken()}`);
      });

      it('answers a 401 with one forced refresh and a second try with the new token', async () => {
        const before = await storedToken();
        const refreshes = h.oidc.counters.refreshGrants;
        const arrived = api.requests.length;
        api.queue.push(answer(401, { 'content-type': 'application/json' }, '{"error":"token revoked"}'));
        const response = await proxy('/me', connection);
        expect(response.status).toBe(200);
        const after = await storedToken();
        expect(after).not.toBe(before);
        expect(h.oidc.counters.refreshGrants).toBe(refreshes + 1);
        expect(api.requests.slice(arrived).map((r) => r.headers.authorization)).toEqual([
          `Bearer ${before}`,
          `Bearer ${after}`,
        ]);
      });

      it('passes a second 401 on instead of refreshing again', async () => {
        const refreshes = h.oidc.counters.refreshGrants;
        api.queue.push(answer(401, {}, 'no'), answer(401, {}, 'still no'));
        const response = await proxy('/me', connection);
        expect(response.status).toBe(401);
        expect(await response.text()).toBe('still no');
        expect(h.oidc.counters.refreshGrants).toBe(refreshes + 1);
      });
    });

    it('OAuth 2.0 client credentials: Bearer <token>', async () => {
      await h.registerProvider({
        name: 'cc-echo',
        display_name: 'Client credentials, echo API',
        docs: DOCS,
        auth_mode: 'OAUTH2_CC',
        token_url: h.oidc.tokenEndpoint,
        token_params: { grant_type: 'client_credentials' },
        proxy: { base_url: api.url },
      });
      await h.createIntegration({ unique_key: 'cc-echo', provider: 'cc-echo' });
      const { connectionId } = await post('/oauth2/auth/cc-echo', {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
      });
      const response = await proxy('/x', { id: String(connectionId), key: 'cc-echo' });
      expect(((await response.json()) as Echo).headers.authorization).toMatch(/^Bearer \S+$/);
    });

    describe('OAuth 1.0a', () => {
      let provider: OAuth1Provider;
      beforeAll(async () => {
        provider = await startOAuth1Provider();
      });
      afterAll(() => provider?.close());

      it('signs each request so the provider verifies it, query parameters included', async () => {
        await h.registerProvider({
          name: 'local-oauth1-proxy',
          display_name: 'Local OAuth 1.0a',
          docs: DOCS,
          auth_mode: 'OAUTH1',
          request_url: `${provider.url}/oauth/request_token`,
          authorization_url: `${provider.url}/oauth/authorize`,
          token_url: `${provider.url}/oauth/access_token`,
          signature_method: 'HMAC-SHA1',
          proxy: { base_url: provider.url },
        });
        await h.createIntegration({
          unique_key: 'oauth1',
          provider: 'local-oauth1-proxy',
          credentials: {
            type: 'OAUTH1',
            client_id: provider.consumerKey,
            client_secret: provider.consumerSecret,
          },
        });
        const connect = await fetch(
          `${h.url}/oauth/connect/oauth1?connect_session_token=${await h.createSession()}`,
          {
            redirect: 'manual',
          },
        );
        const authorized = await fetch(connect.headers.get('location') ?? '', { redirect: 'manual' });
        const done = await h.complete(new URL(authorized.headers.get('location') ?? ''));
        const { connectionId } = (await done.json()) as { connectionId: string };
        const connection = { id: connectionId, key: 'oauth1' };

        const plain = await proxy('/api/me', connection);
        expect(plain.status, await plain.clone().text()).toBe(200);
        expect(await plain.json()).toEqual({ id: '4242', screen_name: 'latchkey_tester' });
        const withQuery = await proxy('/api/me?fields=id%2Cname&lang=en', connection);
        expect(withQuery.status).toBe(200);
        expect(provider.lastParams.api_me).toEqual({ fields: 'id,name', lang: 'en' });
        expect(provider.requests.api_me).toBe(2);
        expect(provider.problems).toEqual([]);
      });
    });
  });

  describe('passthrough', () => {
    it('forwards method, encoded path, query, body, custom Content-Type and Nango-Proxy-* headers', async () => {
      const payload = JSON.stringify({ name: 'Ada', note: 'ünïcode' });
      const response = await proxy('/items/a%20b/%C3%A9?x=1&y=two%2Bthree&z=a+b', apikey(), {
        method: 'POST',
        body: payload,
        headers: {
          'content-type': 'application/vnd.test+json; charset=utf-8',
          'nango-proxy-x-trace': 'trace-1',
          'Nango-Proxy-Accept': 'application/vnd.test+json',
          'x-not-for-the-provider': 'no',
        },
      });
      expect(response.status).toBe(200);
      const echo = (await response.json()) as Echo;
      expect(echo.method).toBe('POST');
      expect(echo.url).toBe(`/tenants/acme/items/a%20b/%C3%A9?x=1&y=two%2Bthree&z=a+b&api_key=${API_KEY}`);
      expect(echo.body).toBe(payload);
      expect(echo.headers['content-type']).toBe('application/vnd.test+json; charset=utf-8');
      expect(echo.headers['content-length']).toBe(String(Buffer.byteLength(payload)));
      expect(echo.headers['x-trace']).toBe('trace-1');
      expect(echo.headers.accept).toBe('application/vnd.test+json');
      expect(echo.headers['x-not-for-the-provider']).toBeUndefined();
      expect(echo.headers['nango-proxy-x-trace']).toBeUndefined();
    });

    it('forwards PUT, PATCH, DELETE and HEAD', async () => {
      for (const method of ['PUT', 'PATCH', 'DELETE']) {
        const response = await proxy('/things/1', apikey(), { method, body: `${method} body` });
        const echo = (await response.json()) as Echo;
        expect([echo.method, echo.body]).toEqual([method, `${method} body`]);
      }
      const head = await proxy('/things/1', apikey(), { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.headers.get('x-echo')).toBe('head');
      expect(last(api).method).toBe('HEAD');
    });

    it('passes the upstream status, headers and body on, and sends no body for GET', async () => {
      api.queue.push(
        answer(418, { 'content-type': 'text/plain', 'x-upstream': 'teapot' }, 'short and stout'),
      );
      const response = await proxy('/brew', apikey());
      expect(response.status).toBe(418);
      expect(response.headers.get('x-upstream')).toBe('teapot');
      expect(response.headers.get('content-type')).toBe('text/plain');
      expect(await response.text()).toBe('short and stout');
      expect(last(api).headers['content-length']).toBeUndefined();
      expect(last(api).headers['transfer-encoding']).toBeUndefined();
    });

    it('keeps hop-by-hop, CORS and cookie headers of the provider to itself, both ways', async () => {
      api.queue.push(async (req, res, received) => {
        await readBody(req, received);
        // Raw headers, as a provider may send them: two cookies, the legacy Set-Cookie2, Connection naming X-Hop.
        res.writeHead(200, [
          ...['Connection', 'close, X-Hop', 'X-Hop', 'connection-scoped', 'Keep-Alive', 'timeout=5'],
          ...['Set-Cookie', 'session=provider; Path=/; HttpOnly', 'Set-Cookie', 'tracking=1; Path=/'],
          ...['Set-Cookie2', 'legacy=1; Version=1'],
          ...[
            'Access-Control-Allow-Origin',
            'https://evil.example',
            'Access-Control-Allow-Credentials',
            'true',
          ],
          ...['Access-Control-Expose-Headers', 'X-Hop', 'X-Kept', 'yes', 'Content-Type', 'text/plain'],
        ]);
        res.end('ok');
      });
      const response = await proxy('/hops', apikey(), {
        headers: {
          origin: 'https://app.example',
          'nango-proxy-upgrade': 'websocket',
          'nango-proxy-te': 'trailers',
        },
      });
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('ok');
      expect(response.headers.get('x-kept')).toBe('yes');
      expect(response.headers.get('x-hop')).toBeNull();
      // Latchkey's server speaks keep-alive with its own caller; the provider's values do not come through.
      expect(response.headers.get('keep-alive')).not.toBe('timeout=5');
      expect(response.headers.get('connection') ?? '').not.toMatch(/close|x-hop/i);
      expect(response.headers.getSetCookie()).toEqual([]);
      expect(response.headers.get('set-cookie2')).toBeNull();
      // No access-control-* at all: not the provider's, and none of Latchkey's (no allowed origins configured).
      expect([...response.headers.keys()].filter((name) => name.startsWith('access-control-'))).toEqual([]);
      expect(last(api).headers.upgrade).toBeUndefined();
      expect(last(api).headers.te).toBeUndefined();
    });

    it('streams a large response: the caller reads the start before the provider has sent the rest', async () => {
      const chunks = Array.from({ length: 8 }, () => randomBytes(MIB));
      let callerHasStart!: () => void;
      const started = new Promise<void>((resolve) => {
        callerHasStart = resolve;
      });
      api.queue.push(async (req, res, received) => {
        await readBody(req, received);
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.write(chunks[0]);
        await started;
        for (const chunk of chunks.slice(1)) res.write(chunk);
        res.end();
      });
      const response = await proxy('/download', apikey());
      expect(response.status).toBe(200);
      const reader = response.body!.getReader();
      const hash = createHash('sha256');
      let bytes = 0;
      for (;;) {
        const { done, value } = await withTimeout(reader.read(), 'the first megabyte never came through');
        if (done) break;
        hash.update(value);
        bytes += value.length;
        if (bytes >= MIB) callerHasStart();
      }
      expect(bytes).toBe(8 * MIB);
      expect(hash.digest('hex')).toBe(sha256(Buffer.concat(chunks)));
    });

    it('streams a large request body: the provider reads the start before the caller has sent the rest', async () => {
      const chunks = Array.from({ length: 8 }, () => randomBytes(MIB));
      let providerHasStart!: () => void;
      const started = new Promise<void>((resolve) => {
        providerHasStart = resolve;
      });
      api.queue.push(async (req, res) => {
        const hash = createHash('sha256');
        let bytes = 0;
        for await (const chunk of req as AsyncIterable<Buffer>) {
          hash.update(chunk);
          bytes += chunk.length;
          if (bytes >= MIB) providerHasStart();
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ bytes, sha256: hash.digest('hex') }));
      });
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (sent === 1) await withTimeout(started, 'the first megabyte never reached the provider');
          if (sent === chunks.length) return controller.close();
          controller.enqueue(chunks[sent++]!);
        },
      });
      const response = await proxy('/upload', apikey(), {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/octet-stream' },
        duplex: 'half',
      } as RequestInit & { headers: Record<string, string> });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ bytes: 8 * MIB, sha256: sha256(Buffer.concat(chunks)) });
    });

    it('passes a compressed body untouched, or decodes it with Decompress: true', async () => {
      const json = JSON.stringify({ compressed: true, padding: 'x'.repeat(2000) });
      const gzipHandler: UpstreamHandler = async (req, res, received) => {
        await readBody(req, received);
        res
          .writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' })
          .end(gzipSync(json));
      };
      api.queue.push(gzipHandler);
      const raw = await proxy('/gz', apikey(), { headers: { 'accept-encoding': 'gzip' } });
      expect(raw.headers.get('content-encoding')).toBe('gzip');
      expect(await raw.text()).toBe(json); // fetch decodes what it asked for
      expect(last(api).headers['accept-encoding']).toBe('gzip');

      api.queue.push(gzipHandler);
      const decoded = await proxy('/gz', apikey(), {
        headers: { decompress: 'true', 'accept-encoding': 'identity' },
      });
      expect(decoded.headers.get('content-encoding')).toBeNull();
      expect(await decoded.text()).toBe(json);
      expect(last(api).headers['accept-encoding']).toBe('gzip, deflate, br');
    });

    it('works with the Nango Node SDK', async () => {
      const nango = new Nango({ host: h.url, secretKey: h.t.secretKey });
      const response = await nango.proxy({
        method: 'POST',
        endpoint: '/sdk',
        providerConfigKey: 'apikey',
        connectionId: apiKeyConnection,
        headers: { 'X-Sdk': 'yes' },
        params: { q: 'search' },
        data: { hello: 'world' },
        retries: 1,
      });
      const echo = response.data as Echo;
      expect(echo.url).toBe(`/tenants/acme/sdk?q=search&api_key=${API_KEY}`);
      expect(echo.headers['x-sdk']).toBe('yes');
      expect(JSON.parse(echo.body)).toEqual({ hello: 'world' });
    });
  });

  describe('redirects', () => {
    it('follows a redirect on the provider host with the credentials', async () => {
      api.queue.push(answer(302, { location: '/tenants/acme/moved-here' }));
      const response = await proxy('/old', apikey());
      const echo = (await response.json()) as Echo;
      expect(echo.url).toBe('/tenants/acme/moved-here');
      expect(echo.headers['x-api-key']).toBe(API_KEY);
    });

    it('drops the credentials on a redirect to another origin unless Forward-Headers-On-Redirect: true', async () => {
      api.queue.push(answer(302, { location: `${elsewhere.url}/blob` }));
      const plain = (await (
        await proxy('/file', apikey(), { headers: { 'nango-proxy-x-trace': 't' } })
      ).json()) as Echo;
      expect(plain.url).toBe('/blob');
      expect(plain.headers['x-api-key']).toBeUndefined();
      expect(plain.headers['x-trace']).toBe('t');

      api.queue.push(answer(302, { location: `${elsewhere.url}/blob` }));
      const forwarded = await proxy('/file', apikey(), {
        headers: { 'forward-headers-on-redirect': 'true' },
      });
      expect(((await forwarded.json()) as Echo).headers['x-api-key']).toBe(API_KEY);
    });

    it('turns a 303 after a POST into a GET without the body', async () => {
      api.queue.push(answer(303, { location: '/tenants/acme/result' }));
      const response = await proxy('/submit', apikey(), { method: 'POST', body: 'form=1' });
      const echo = (await response.json()) as Echo;
      expect([echo.method, echo.url, echo.body]).toEqual(['GET', '/tenants/acme/result', '']);
    });
  });

  describe('retries', () => {
    it('retries a 503 after the Retry-After seconds, sending the same body again', async () => {
      const arrived = api.requests.length;
      api.queue.push(answer(503, { 'retry-after': '1' }, 'busy'));
      const response = await proxy('/flaky', apikey(), {
        method: 'POST',
        body: 'same body',
        headers: { retries: '2' },
      });
      expect(response.status).toBe(200);
      const [first, second] = api.requests.slice(arrived);
      expect(api.requests.length - arrived).toBe(2);
      expect(second!.at - first!.at).toBeGreaterThanOrEqual(1000);
      expect([first!.body?.toString(), second!.body?.toString()]).toEqual(['same body', 'same body']);
    });

    it('retries 429 and 5xx with backoff up to Retries, then passes the last answer on', async () => {
      const arrived = api.requests.length;
      api.queue.push(answer(500), answer(429), answer(502, {}, 'still down'));
      const response = await proxy('/down', apikey(), { headers: { retries: '2' } });
      expect(response.status).toBe(502);
      expect(await response.text()).toBe('still down');
      expect(api.requests.length - arrived).toBe(3);
    });

    it('does not retry without Retries', async () => {
      const arrived = api.requests.length;
      api.queue.push(answer(503, {}, 'busy'));
      expect((await proxy('/once', apikey())).status).toBe(503);
      expect(api.requests.length - arrived).toBe(1);
    });

    it('retries the statuses listed in Retry-On, and no others', async () => {
      let arrived = api.requests.length;
      api.queue.push(answer(409, {}, 'conflict'));
      const retried = await proxy('/conflict', apikey(), {
        headers: { retries: '1', 'retry-on': '409,423' },
      });
      expect(retried.status).toBe(200);
      expect(api.requests.length - arrived).toBe(2);

      arrived = api.requests.length;
      api.queue.push(answer(404, {}, 'missing'));
      const notRetried = await proxy('/missing', apikey(), { headers: { retries: '1', 'retry-on': '409' } });
      expect(notRetried.status).toBe(404);
      expect(api.requests.length - arrived).toBe(1);
    });

    it('passes a Retry-After longer than the cap straight on', async () => {
      const arrived = api.requests.length;
      api.queue.push(answer(429, { 'retry-after': '120' }, 'slow down'));
      const response = await proxy('/limited', apikey(), { headers: { retries: '3' } });
      expect(response.status).toBe(429);
      expect(response.headers.get('retry-after')).toBe('120');
      expect(api.requests.length - arrived).toBe(1);
    });
  });

  describe('errors', () => {
    it('answers 400 invalid_headers without Connection-Id or Provider-Config-Key', async () => {
      const arrived = api.requests.length;
      const noHeaders = await fetch(`${h.url}/proxy/x`, {
        headers: { authorization: `Bearer ${h.t.secretKey}` },
      });
      const error = await errorOf(noHeaders);
      expect(error).toMatchObject({ status: 400, code: 'invalid_headers' });
      expect(error.errors?.map((e) => e.path[0]).sort()).toEqual(['connection-id', 'provider-config-key']);
      const noKey = await fetch(`${h.url}/proxy/x`, {
        headers: { authorization: `Bearer ${h.t.secretKey}`, 'connection-id': apiKeyConnection },
      });
      expect(await errorOf(noKey)).toMatchObject({ status: 400, code: 'invalid_headers' });
      const badRetries = await proxy('/x', apikey(), { headers: { retries: 'many' } });
      expect(await errorOf(badRetries)).toMatchObject({ status: 400, code: 'invalid_headers' });
      expect(api.requests.length).toBe(arrived);
    });

    it('answers 404 for an unknown connection or integration', async () => {
      expect(await errorOf(await proxy('/x', { id: 'nobody', key: 'apikey' }))).toMatchObject({
        status: 404,
        code: 'not_found',
      });
      expect(await errorOf(await proxy('/x', { id: apiKeyConnection, key: 'nothing' }))).toMatchObject({
        status: 404,
        code: 'unknown_provider_config',
      });
    });

    it('needs the environment:proxy:use scope', async () => {
      const dev = await h.t.latchkey.services.environments.getByName('dev');
      const reader = await h.t.latchkey.services.apiKeys.create({
        environmentId: dev.id,
        name: 'credentials-reader',
        scopes: ['environment:connections:read', 'environment:connections:read_credentials'],
      });
      const denied = await proxy('/x', apikey(), { secretKey: reader.secretKey });
      expect(await errorOf(denied)).toMatchObject({
        status: 403,
        code: 'forbidden',
        payload: { required_scope: 'environment:proxy:use' },
      });
      const proxyOnly = await h.t.latchkey.services.apiKeys.create({
        environmentId: dev.id,
        name: 'proxy-only',
        scopes: ['environment:proxy:use'],
      });
      expect((await proxy('/x', apikey(), { secretKey: proxyOnly.secretKey })).status).toBe(200);
    });

    it('answers 502 upstream_unreachable when the provider cannot be reached', async () => {
      const closed = `http://127.0.0.1:${await freePort()}`;
      const response = await proxy('/x', apikey(), { headers: { 'base-url-override': closed } });
      expect(await errorOf(response)).toMatchObject({ status: 502, code: 'upstream_unreachable' });
    });

    it('answers 504 upstream_timeout when the provider goes silent', async () => {
      api.queue.push(() => {}); // reads nothing, answers nothing
      const { services } = h.t.latchkey;
      const impatient = createProxyService({
        credentials: services.credentials,
        integrations: services.integrations,
        outbound: createOutboundStream({ allowPrivateUrls: true, idleTimeoutMs: 300 }),
        allowPrivateUrls: true,
      });
      const dev = await services.environments.getByName('dev');
      const attempt = impatient.forward(
        { environment: dev, scopes: ['environment:*'] },
        {
          connectionId: apiKeyConnection,
          providerConfigKey: 'apikey',
          method: 'GET',
          path: '/silence',
          query: '',
          baseUrlOverride: undefined,
          retries: 0,
          retryOn: [],
          decompress: false,
          forwardHeadersOnRedirect: false,
          headers: {},
          contentType: undefined,
          acceptEncoding: undefined,
          body: { stream: undefined, length: undefined, chunked: false },
          bufferLimit: MIB,
          signal: undefined,
          log: createLogger('silent'),
        },
      );
      await expect(attempt).rejects.toMatchObject({ code: 'upstream_timeout', status: 504 });
    });

    it('answers 400 unsupported_provider when there is no base URL, and uses Base-Url-Override', async () => {
      await h.registerProvider({
        name: 'no-proxy-api',
        display_name: 'No proxy',
        docs: DOCS,
        auth_mode: 'API_KEY',
        credentials: API_KEY_FIELD,
      });
      await h.createIntegration({ unique_key: 'no-proxy', provider: 'no-proxy-api' });
      const { connectionId } = await post('/api-auth/api-key/no-proxy', { apiKey: 'k' });
      const connection = { id: String(connectionId), key: 'no-proxy' };
      expect(await errorOf(await proxy('/x', connection))).toMatchObject({
        status: 400,
        code: 'unsupported_provider',
      });
      // The SDK sends '' when no override is set: that is no override.
      expect((await proxy('/x', connection, { headers: { 'base-url-override': '' } })).status).toBe(400);
      const overridden = await proxy('/x?a=1', connection, {
        headers: { 'base-url-override': `${api.url}/v2/` },
      });
      expect(((await overridden.json()) as Echo).url).toBe('/v2/x?a=1');
    });

    it('never writes credentials to the logs', async () => {
      const token = await h.api(`/connections/${apiKeyConnection}?provider_config_key=apikey`);
      expect(token.status).toBe(200);
      const logs = h.t.logs.join('\n');
      expect(logs).toContain('proxy request');
      expect(logs).not.toContain(API_KEY);
      expect(logs).not.toContain(BASIC_USER.password);
      expect(logs).not.toMatch(/Bearer [A-Za-z0-9_-]{20,}/);
    });
  });
});

describe.each(databaseKinds())('proxy under the strict outbound policy (%s)', (kind) => {
  it('refuses loopback addresses with 400 url_not_allowed before any request', async () => {
    await using t = await createTestLatchkey(kind);
    await using upstream = await startEchoUpstream();
    const provider = await t.request('/providers', {
      method: 'POST',
      json: {
        name: 'public-api',
        display_name: 'Public API',
        docs: DOCS,
        auth_mode: 'API_KEY',
        proxy: { base_url: 'https://api.example.com', headers: { 'x-api-key': '${apiKey}' } },
        credentials: API_KEY_FIELD,
      },
    });
    expect(provider.status).toBe(201);
    expect(
      (
        await t.request('/integrations', {
          method: 'POST',
          json: { unique_key: 'pub', provider: 'public-api' },
        })
      ).status,
    ).toBe(200);
    const session = await t.request('/connect/sessions', {
      method: 'POST',
      json: { end_user: { id: 'u1' } },
    });
    const { token } = ((await session.json()) as { data: { token: string } }).data;
    const created = await t.request(`/api-auth/api-key/pub?connect_session_token=${token}`, {
      method: 'POST',
      key: null,
      json: { apiKey: API_KEY },
    });
    const { connectionId } = (await created.json()) as { connectionId: string };
    expect(created.status).toBe(200);

    const { port } = new URL(upstream.url);
    for (const override of [upstream.url, `https://127.0.0.1:${port}`, `https://localhost:${port}`]) {
      const response = await t.request('/proxy/x', {
        headers: {
          'connection-id': connectionId,
          'provider-config-key': 'pub',
          'base-url-override': override,
        },
      });
      const body = (await response.json()) as ErrorBody;
      expect([response.status, body.error.code], override).toEqual([400, 'url_not_allowed']);
    }
    expect(upstream.requests).toEqual([]);
  });
});

describe('proxy rules', () => {
  const provider = (definition: Partial<Provider>): Provider =>
    ({ name: 'p', display_name: 'P', docs: DOCS, auth_mode: 'OAUTH2', ...definition }) as Provider;

  const integration = integrationWithoutSecrets('i', 'p');
  const credentialHeaders = (
    provider: Provider,
    credentials: Parameters<typeof requestCredentials>[0]['credentials'],
    connectionConfig: Record<string, string>,
  ) =>
    requestCredentials({
      mode: authModeOf(credentials.type),
      provider,
      integration,
      credentials,
      connectionConfig,
      request: { method: 'GET', url: new URL('https://x.test/'), headers: {} },
    }).headers;

  it('injects per mode, lets proxy.headers override, and leaves out half-filled templates', () => {
    const oauth2 = { type: 'OAUTH2', access_token: 'at-1', raw: {} } as const;
    expect(credentialHeaders(provider({}), oauth2, {})).toEqual({ authorization: 'Bearer at-1' });
    const github = provider({
      proxy: { base_url: 'https://api.github.com', headers: { Authorization: 'token ${accessToken}' } },
    });
    expect(credentialHeaders(github, oauth2, {})).toEqual({ authorization: 'token at-1' });
    const none = provider({ auth_mode: 'NONE', proxy: { base_url: 'https://x.test' } });
    expect(credentialHeaders(none, { type: 'NONE' }, {})).toEqual({});
    const apiKey = provider({
      auth_mode: 'API_KEY',
      proxy: {
        base_url: 'https://x.test',
        headers: { 'X-Key': '${apiKey}', 'X-Org': '${connectionConfig.org}' },
        query: { key: '${apiKey}', org: '${connectionConfig.org}' },
      },
    });
    const credentials = { type: 'API_KEY', apiKey: 'k' } as const;
    expect(credentialHeaders(apiKey, credentials, {})).toEqual({ 'x-key': 'k' });
    expect(
      credentialQuery({
        mode: authModeOf('API_KEY'),
        provider: apiKey,
        credentials,
        connectionConfig: { org: 'acme' },
      }),
    ).toEqual({ key: 'k', org: 'acme' });
  });

  it('retries 429 and 5xx, the Retry-On statuses, or the provider error_code list instead', () => {
    const plain = provider({});
    expect([429, 500, 503, 404, 409].map((s) => isRetryableStatus(s, [], plain))).toEqual([
      true,
      true,
      true,
      false,
      false,
    ]);
    expect(isRetryableStatus(409, [409], plain)).toBe(true);
    const own = provider({
      proxy: { base_url: 'https://x.test', retry: { error_code: ['403', '52x', '500-502'] } },
    });
    expect([403, 429, 501, 503].map((s) => isRetryableStatus(s, [], own))).toEqual([
      true,
      false,
      true,
      false,
    ]);
  });

  it('waits as asked: Retry-After seconds or date, the provider headers, capped', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    const plain = provider({});
    expect(retryWaitMs({ 'retry-after': '3' }, 1, plain, now)).toBe(3000);
    expect(retryWaitMs({ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }, 1, plain, now)).toBe(5000);
    expect(
      retryWaitMs({ 'retry-after': String(MAX_RETRY_WAIT_MS / 1000 + 1) }, 1, plain, now),
    ).toBeUndefined();
    const own = provider({
      proxy: { base_url: 'https://x.test', retry: { after: 'x-wait', at: ['x-reset'] } },
    });
    expect(retryWaitMs({ 'x-wait': '2' }, 1, own, now)).toBe(2000);
    expect(retryWaitMs({ 'x-reset': String(now / 1000 + 4) }, 1, own, now)).toBe(4000);
    const backoff = retryWaitMs({}, 3, plain, now)!;
    expect(backoff).toBeGreaterThanOrEqual(400);
    expect(backoff).toBeLessThanOrEqual(800);
  });
});

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Fails instead of hanging when a streaming step never happens (a proxy that buffers would deadlock here). */
function withTimeout<T>(promise: Promise<T>, message: string, ms = 10_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
