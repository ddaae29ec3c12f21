/**
 * The direct-credential flows (compat doc 3.4, 4.9) end to end over a real port: API key and basic with verification
 * against a real local API, client credentials against the real authorization server, none; the pipeline's refusals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_ID, CLIENT_SECRET, type FlowHarness, startFlowHarness } from '../support/flow-harness';
import { databaseKinds } from '../support/test-database';
import { startVerificationServer, type VerificationServer } from '../support/verification-server';

const DOCS = 'https://example.com/docs';
const BASIC_USER = { username: 'ada', password: 'correct horse battery staple' };

interface ErrorBody {
  error: { code: string; message?: string };
}

interface ConnectionBody {
  connection_id: string;
  credentials: Record<string, unknown>;
}

interface LogEntry {
  connection_id: string | null;
  status: string;
  error_code: string | null;
  messages: Array<{ message: string; meta: Record<string, unknown> | null }>;
}

describe.each(databaseKinds())('direct-credential flows (%s)', (kind) => {
  let h: FlowHarness;
  let verifier: VerificationServer;

  /** A public flow endpoint as the frontend SDK calls it: no Authorization header, the session token in the query. */
  async function post(path: string, token: string, body?: unknown) {
    const separator = path.includes('?') ? '&' : '?';
    const response = await fetch(`${h.url}${path}${separator}connect_session_token=${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  async function connection(id: string, key: string): Promise<ConnectionBody> {
    const response = await h.api(`/connections/${id}?provider_config_key=${key}`);
    expect(response.status).toBe(200);
    return (await response.json()) as ConnectionBody;
  }

  async function logsOf(query: string): Promise<LogEntry[]> {
    const response = await h.api(`/logs?${query}`);
    expect(response.status).toBe(200);
    return ((await response.json()) as { data: LogEntry[] }).data;
  }

  beforeAll(async () => {
    h = await startFlowHarness(kind);
    verifier = await startVerificationServer({ apiKeys: ['good-key'], basic: [BASIC_USER] });
    await h.registerProvider(verifier.apiKeyProvider('verified-api'));
    await h.registerProvider(verifier.apiKeyProvider('unverified-api', { verify: false }));
    await h.registerProvider(verifier.basicProvider('verified-basic'));
    const clientCredentials = {
      auth_mode: 'OAUTH2_CC',
      docs: DOCS,
      token_url: h.oidc.tokenEndpoint,
      token_params: { grant_type: 'client_credentials' },
    };
    await h.registerProvider({ name: 'local-cc', display_name: 'Local CC', ...clientCredentials });
    await h.registerProvider({
      name: 'local-cc-basic',
      display_name: 'Local CC (basic)',
      token_request_auth_method: 'basic',
      ...clientCredentials,
    });
    await h.registerProvider({ name: 'open-api', display_name: 'Open API', docs: DOCS, auth_mode: 'NONE' });
    for (const [key, provider] of [
      ['apikey', 'verified-api'],
      ['apikey-plain', 'unverified-api'],
      ['basic', 'verified-basic'],
      ['cc', 'local-cc'],
      ['cc-basic', 'local-cc-basic'],
      ['open', 'open-api'],
    ]) {
      await h.createIntegration({ unique_key: key, provider });
    }
  });
  afterAll(async () => {
    await verifier?.close();
    await h?.[Symbol.asyncDispose]();
  });

  describe('API key', () => {
    it('verifies the key against the provider and stores it', async () => {
      const before = verifier.requests.length;
      const result = await post('/api-auth/api-key/apikey', await h.createSession(), { apiKey: 'good-key' });
      expect(result.status, JSON.stringify(result.body)).toBe(200);
      expect(result.body).toEqual({ providerConfigKey: 'apikey', connectionId: expect.any(String) });
      expect(verifier.requests.slice(before)).toEqual([
        { method: 'GET', path: '/me', authorization: 'Bearer good-key' },
      ]);
      const stored = await connection(String(result.body.connectionId), 'apikey');
      expect(stored.credentials).toEqual({ type: 'API_KEY', apiKey: 'good-key' });
    });

    it('refuses a key the provider refuses, leaves no connection, and logs the failure', async () => {
      const before = await h.countConnections();
      const requests = verifier.requests.length;
      const result = await post('/api-auth/api-key/apikey', await h.createSession(), { apiKey: 'bad-key' });
      expect(result.status).toBe(400);
      expect((result.body as unknown as ErrorBody).error.code).toBe('connection_test_failed');
      expect(verifier.requests.slice(requests)).toEqual([
        { method: 'GET', path: '/me', authorization: 'Bearer bad-key' },
      ]);
      expect(await h.countConnections()).toBe(before);

      const failed = (await logsOf('integration=apikey')).find((o) => o.status === 'failed');
      expect(failed).toMatchObject({ error_code: 'connection_test_failed' });
      expect(failed?.messages).toContainEqual(
        expect.objectContaining({
          message: 'credentials verification request',
          meta: expect.objectContaining({ path: '/me', status: 401 }),
        }),
      );
      // The attempt is addressable by the connection id it would have had.
      const byId = await logsOf(`connection_id=${failed?.connection_id}`);
      expect(byId.map((o) => o.error_code)).toEqual(['connection_test_failed']);
    });

    it('stores without any request when the provider declares no verification', async () => {
      const requests = verifier.requests.length;
      const result = await post('/api-auth/api-key/apikey-plain', await h.createSession(), {
        apiKey: 'anything-goes',
      });
      expect(result.status, JSON.stringify(result.body)).toBe(200);
      expect(verifier.requests.length).toBe(requests);
      const stored = await connection(String(result.body.connectionId), 'apikey-plain');
      expect(stored.credentials).toEqual({ type: 'API_KEY', apiKey: 'anything-goes' });
    });

    it('refuses an API key posted to an OAuth 2.0 integration', async () => {
      const result = await post('/api-auth/api-key/local', await h.createSession(), { apiKey: 'good-key' });
      expect(result.status).toBe(400);
      expect((result.body as unknown as ErrorBody).error.code).toBe('invalid_auth_mode');
    });

    it('refuses an integration outside the session allowed_integrations', async () => {
      const before = await h.countConnections();
      const token = await h.createSession({ end_user: { id: 'user-2' }, allowed_integrations: ['local'] });
      const result = await post('/api-auth/api-key/apikey', token, { apiKey: 'good-key' });
      expect(result.status).toBe(400);
      expect((result.body as unknown as ErrorBody).error.code).toBe('integration_not_allowed');
      expect(await h.countConnections()).toBe(before);
    });

    it('overrides the pinned connection in place with a reconnect session', async () => {
      const first = await post('/api-auth/api-key/apikey-plain', await h.createSession(), {
        apiKey: 'old-key',
      });
      expect(first.status).toBe(200);
      const connectionId = String(first.body.connectionId);
      const created = await connection(connectionId, 'apikey-plain');
      const before = await h.countConnections();

      const reconnect = await h.api('/connect/sessions/reconnect', {
        method: 'POST',
        json: { connection_id: connectionId, integration_id: 'apikey-plain' },
      });
      expect(reconnect.status).toBe(201);
      const { token } = ((await reconnect.json()) as { data: { token: string } }).data;
      const second = await post('/api-auth/api-key/apikey-plain', token, { apiKey: 'new-key' });
      expect(second.status, JSON.stringify(second.body)).toBe(200);
      expect(second.body).toEqual({ providerConfigKey: 'apikey-plain', connectionId });
      expect(await h.countConnections()).toBe(before);
      const overridden = await connection(connectionId, 'apikey-plain');
      expect(overridden.credentials).toEqual({ type: 'API_KEY', apiKey: 'new-key' });
      expect(overridden).toMatchObject({ id: (created as unknown as { id: number }).id });
      const operations = await logsOf(`connection_id=${connectionId}`);
      expect(operations.flatMap((o) => o.messages.map((m) => m.message))).toContain(
        'connection credentials overridden',
      );
    });
    it('keeps the connection config on reconnect, so the end user need not send it again', async () => {
      await h.registerProvider({
        name: 'tenant-api',
        display_name: 'Tenant API',
        auth_mode: 'API_KEY',
        proxy: {
          base_url: `${verifier.url}/\${connectionConfig.tenant}`,
          headers: { authorization: 'Bearer ${apiKey}' },
        },
        connection_config: {
          tenant: { type: 'string', title: 'Tenant', description: 'Your tenant', pattern: '^[a-z]+$' },
        },
        credentials: {
          apiKey: { type: 'string', title: 'API key', description: 'Your API key', secret: true },
        },
        docs: 'https://example.com/docs',
      });
      await h.createIntegration({ unique_key: 'tenant', provider: 'tenant-api' });
      const missing = await post('/api-auth/api-key/tenant', await h.createSession(), { apiKey: 'k1' });
      expect(missing.status).toBe(400);
      expect((missing.body as unknown as ErrorBody).error.code).toBe('invalid_connection_config');

      const first = await post('/api-auth/api-key/tenant?params[tenant]=acme', await h.createSession(), {
        apiKey: 'k1',
      });
      expect(first.status, JSON.stringify(first.body)).toBe(200);
      const connectionId = String(first.body.connectionId);
      const reconnect = await h.api('/connect/sessions/reconnect', {
        method: 'POST',
        json: { connection_id: connectionId, integration_id: 'tenant' },
      });
      const { token } = ((await reconnect.json()) as { data: { token: string } }).data;
      const second = await post('/api-auth/api-key/tenant', token, { apiKey: 'k2' });
      expect(second.status, JSON.stringify(second.body)).toBe(200);
      const stored = await connection(connectionId, 'tenant');
      expect(stored.credentials).toEqual({ type: 'API_KEY', apiKey: 'k2' });
      expect((stored as unknown as { connection_config: Record<string, string> }).connection_config).toEqual({
        tenant: 'acme',
      });
    });
  });

  describe('basic', () => {
    it('verifies the Basic header against the provider and stores the credentials', async () => {
      const requests = verifier.requests.length;
      const result = await post('/api-auth/basic/basic', await h.createSession(), BASIC_USER);
      expect(result.status, JSON.stringify(result.body)).toBe(200);
      const expected = `Basic ${Buffer.from(`${BASIC_USER.username}:${BASIC_USER.password}`).toString('base64')}`;
      expect(verifier.requests.slice(requests)).toEqual([
        { method: 'GET', path: '/me', authorization: expected },
      ]);
      const stored = await connection(String(result.body.connectionId), 'basic');
      expect(stored.credentials).toEqual({ type: 'BASIC', ...BASIC_USER });
    });

    it('refuses a wrong password and leaves no connection', async () => {
      const before = await h.countConnections();
      const result = await post('/api-auth/basic/basic', await h.createSession(), {
        username: BASIC_USER.username,
        password: 'wrong',
      });
      expect(result.status).toBe(400);
      expect((result.body as unknown as ErrorBody).error.code).toBe('connection_test_failed');
      expect(await h.countConnections()).toBe(before);
      const failed = (await logsOf('integration=basic')).filter((o) => o.status === 'failed');
      expect(failed.map((o) => o.error_code)).toEqual(['connection_test_failed']);
    });
  });

  describe('client credentials', () => {
    it('obtains a token from the authorization server and stores it', async () => {
      const grants = h.oidc.counters.clientCredentialsGrants;
      const result = await post('/oauth2/auth/cc', await h.createSession(), {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
      });
      expect(result.status, JSON.stringify(result.body)).toBe(200);
      expect(h.oidc.counters.clientCredentialsGrants).toBe(grants + 1);
      const body = new URLSearchParams(h.oidc.lastTokenRequest?.body);
      expect(body.get('grant_type')).toBe('client_credentials');
      expect(body.get('client_id')).toBe(CLIENT_ID);
      expect(h.oidc.lastTokenRequest?.headers.authorization).toBeUndefined();

      const stored = await connection(String(result.body.connectionId), 'cc');
      expect(stored.credentials).toMatchObject({
        type: 'OAUTH2_CC',
        token: expect.any(String),
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
      });
      const expiresAt = Date.parse(String(stored.credentials.expires_at));
      // oidc-provider issues client credentials tokens for an hour.
      expect(Math.abs(expiresAt - (Date.now() + 3_600_000))).toBeLessThan(60_000);
    });

    it('sends only the Basic header when the provider declares token_request_auth_method basic', async () => {
      const result = await post('/oauth2/auth/cc-basic', await h.createSession(), {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
      });
      expect(result.status, JSON.stringify(result.body)).toBe(200);
      const request = h.oidc.lastTokenRequest;
      const body = new URLSearchParams(request?.body);
      expect(body.has('client_secret')).toBe(false);
      expect(body.has('client_id')).toBe(false);
      const [scheme, encoded] = (request?.headers.authorization ?? '').split(' ');
      expect(scheme).toBe('Basic');
      expect(Buffer.from(encoded ?? '', 'base64').toString()).toBe(`${CLIENT_ID}:${CLIENT_SECRET}`);
    });

    it('answers missing_client_id and missing_client_secret before any request', async () => {
      const requests = h.oidc.counters.tokenRequests;
      const token = await h.createSession();
      const noId = await post('/oauth2/auth/cc', token, { client_secret: CLIENT_SECRET });
      expect(noId.status).toBe(400);
      expect((noId.body as unknown as ErrorBody).error.code).toBe('missing_client_id');
      const noSecret = await post('/oauth2/auth/cc', token, { client_id: CLIENT_ID });
      expect(noSecret.status).toBe(400);
      expect((noSecret.body as unknown as ErrorBody).error.code).toBe('missing_client_secret');
      expect(h.oidc.counters.tokenRequests).toBe(requests);
    });

    it('answers token_exchange_failed for a wrong secret and leaves no connection', async () => {
      const before = await h.countConnections();
      const result = await post('/oauth2/auth/cc', await h.createSession(), {
        client_id: CLIENT_ID,
        client_secret: 'not-the-secret',
      });
      expect(result.status).toBe(400);
      expect((result.body as unknown as ErrorBody).error.code).toBe('token_exchange_failed');
      expect(await h.countConnections()).toBe(before);
    });
  });

  describe('none', () => {
    it('creates a connection with empty credentials', async () => {
      const result = await post('/auth/unauthenticated/open', await h.createSession());
      expect(result.status, JSON.stringify(result.body)).toBe(200);
      expect(result.body).toEqual({ providerConfigKey: 'open', connectionId: expect.any(String) });
      const stored = await connection(String(result.body.connectionId), 'open');
      expect(stored.credentials).toEqual({});
    });
  });
});
