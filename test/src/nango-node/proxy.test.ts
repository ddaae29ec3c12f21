/**
 * The proxy through `@nangohq/node` (`proxy`, `get`, `post`, `put`, `patch`, `delete`): requests reach a real local
 * API with the connection's credentials injected (an OAuth 2 bearer token from the real authorization server, an API
 * key from the provider's header template, an OAuth 1.0a signature the strict local provider verifies).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EchoUpstream, startEchoUpstream } from '../../../server/test/support/echo-upstream';
import { CLIENT_ID, CLIENT_SECRET } from '../../../server/test/support/flow-harness';
import { databaseKinds } from '../../../server/test/support/test-database';
import { API_KEY, KEYS, type SdkFixture, sdkRejection, startSdkFixture } from './fixture';

interface Echo {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

describe.each(databaseKinds())('@nangohq/node proxy (%s)', (kind) => {
  let f: SdkFixture;
  let upstream: EchoUpstream;
  let oauth2 = '';
  let apiKey = '';
  let oauth1 = '';

  beforeAll(async () => {
    f = await startSdkFixture(kind);
    upstream = await startEchoUpstream();
    await f.h.registerProvider({
      name: 'echo-oauth2',
      display_name: 'Echo (OAuth 2)',
      docs: 'https://example.com/docs',
      auth_mode: 'OAUTH2',
      authorization_url: f.h.oidc.authorizationEndpoint,
      token_url: f.h.oidc.tokenEndpoint,
      proxy: { base_url: `${upstream.url}/v2` },
    });
    await f.h.createIntegration({
      unique_key: 'echo-oauth2',
      provider: 'echo-oauth2',
      credentials: {
        type: 'OAUTH2',
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        scopes: 'openid,read',
      },
    });
    await f.h.registerProvider({
      name: 'echo-api',
      display_name: 'Echo (API key)',
      docs: 'https://example.com/docs',
      auth_mode: 'API_KEY',
      credentials: {
        apiKey: { type: 'string', title: 'API key', description: 'Your API key', secret: true },
      },
      proxy: { base_url: upstream.url, headers: { 'x-api-key': '${apiKey}' } },
    });
    await f.h.createIntegration({ unique_key: 'echo-api', provider: 'echo-api' });
    oauth2 = await f.connectOAuth2('proxy-user', 'echo-oauth2');
    apiKey = await f.connectApiKey('proxy-user', 'echo-api');
    oauth1 = await f.connectOAuth1('proxy-user');
  });
  afterAll(async () => {
    await upstream?.close();
    await f?.[Symbol.asyncDispose]();
  });

  it('get sends the OAuth 2 access token, the query and the caller’s headers to the provider', async () => {
    const response = await f.nango.get<Echo>({
      endpoint: '/users/me',
      providerConfigKey: 'echo-oauth2',
      connectionId: oauth2,
      params: { page: '2', q: 'a b' },
      headers: { 'X-Custom': 'kept' },
    });
    expect(response.status).toBe(200);
    const token = await f.nango.getToken('echo-oauth2', oauth2);
    expect(response.data.method).toBe('GET');
    expect(response.data.url).toBe('/v2/users/me?page=2&q=a+b');
    expect(response.data.headers.authorization).toBe(`Bearer ${token}`);
    expect(response.data.headers['x-custom']).toBe('kept');
    // Latchkey's own headers stay between the SDK and Latchkey.
    expect(response.data.headers).not.toHaveProperty('connection-id');
    expect(response.data.headers).not.toHaveProperty('provider-config-key');
    expect(JSON.stringify(response.data.headers)).not.toContain(f.h.t.secretKey);
  });

  it('post, put, patch and delete carry their method and JSON body', async () => {
    const config = { endpoint: 'items/1', providerConfigKey: 'echo-api', connectionId: apiKey };
    const posted = await f.nango.post<Echo>({ ...config, data: { name: 'new' } });
    expect(posted.data).toMatchObject({ method: 'POST', url: '/items/1', body: '{"name":"new"}' });
    expect(posted.data.headers['x-api-key']).toBe(API_KEY);
    expect(posted.data.headers['content-type']).toContain('application/json');
    const put = await f.nango.put<Echo>({ ...config, data: { name: 'replaced' } });
    expect(put.data).toMatchObject({ method: 'PUT', body: '{"name":"replaced"}' });
    const patched = await f.nango.patch<Echo>({ ...config, data: { name: 'patched' } });
    expect(patched.data).toMatchObject({ method: 'PATCH', body: '{"name":"patched"}' });
    const deleted = await f.nango.delete<Echo>({ ...config, data: { reason: 'done' } });
    expect(deleted.data).toMatchObject({ method: 'DELETE', body: '{"reason":"done"}' });
  });

  it('proxy takes the method, base URL override and retries from its configuration', async () => {
    const response = await f.nango.proxy<Echo>({
      method: 'GET',
      endpoint: '/elsewhere',
      providerConfigKey: 'echo-api',
      connectionId: apiKey,
      baseUrlOverride: `${upstream.url}/override`,
      retries: 2,
      retryOn: [503],
    });
    expect(response.data).toMatchObject({ method: 'GET', url: '/override/elsewhere' });
    // A provider's 503 is retried as asked, then its answer passes through.
    const arrived = upstream.requests.length;
    upstream.queue.push(
      (_req, res) => res.writeHead(503).end(),
      (_req, res) => res.writeHead(201, { 'content-type': 'application/json' }).end('{"ok":true}'),
    );
    const retried = await f.nango.proxy({
      method: 'POST',
      endpoint: '/flaky',
      providerConfigKey: 'echo-api',
      connectionId: apiKey,
      retries: 2,
      retryOn: [503],
      data: {},
    });
    expect(retried.status).toBe(201);
    expect(retried.data).toEqual({ ok: true });
    expect(upstream.requests.length - arrived).toBe(2);
  });

  it('signs OAuth 1.0a requests so the provider verifies them', async () => {
    const response = await f.nango.get<{ id: string; screen_name: string }>({
      endpoint: '/api/me',
      providerConfigKey: KEYS.oauth1,
      connectionId: oauth1,
    });
    expect(response.status).toBe(200);
    expect(response.data).toEqual({ id: '4242', screen_name: 'latchkey_tester' });
    expect(f.oauth1.problems).toEqual([]);
  });

  it('passes a provider error through, and answers 404 for an unknown connection', async () => {
    upstream.queue.push((_req, res) => res.writeHead(418, { 'content-type': 'text/plain' }).end('teapot'));
    const provider = await sdkRejection(
      f.nango.get({ endpoint: '/tea', providerConfigKey: 'echo-api', connectionId: apiKey }),
    );
    expect(provider.status).toBe(418);
    expect(provider.data).toBe('teapot');
    const unknown = await sdkRejection(
      f.nango.get({ endpoint: '/x', providerConfigKey: 'echo-api', connectionId: 'ghost' }),
    );
    expect(unknown.status).toBe(404);
    expect(unknown.data.error.code).toBe('not_found');
  });
});
