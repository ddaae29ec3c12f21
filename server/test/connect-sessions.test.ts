/**
 * Connect sessions (compat doc 2.5): creation and its validation, the token's format, lifetime and storage, what the
 * token may read (`GET /connect/session`, the integration list) and may not (writes), and its deletion.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../src/platform/crypto/secret-hash';
import { dumpDatabase } from './support/database-dump';
import { databaseKinds } from './support/test-database';
import { createTestLatchkey, type TestLatchkey } from './support/test-latchkey';

const TOKEN_PATTERN = /^nango_connect_session_[a-f0-9]{64}$/;
const END_USER = { id: 'user-1', email: 'ada@example.com', display_name: 'Ada' };

interface Created {
  token: string;
  connect_link: string;
  expires_at: string;
}

interface ErrorBody {
  error: { code: string; message: string; errors?: Array<{ path: string[] }> };
}

interface SessionView {
  endUser: { id: string; email: string | null; display_name: string | null } | null;
  allowed_integrations?: string[];
  isReconnecting?: true;
  integrations: Array<{
    unique_key: string;
    auth_mode: string;
    connection_config: Record<string, unknown>;
    credentials: Record<string, unknown>;
  }>;
}

describe.each(databaseKinds())('connect sessions (%s)', (kind) => {
  let t: TestLatchkey;

  async function create(body: unknown, options: { query?: string; key?: string } = {}) {
    const response = await t.request(`/connect/sessions${options.query ?? ''}`, {
      method: 'POST',
      json: body,
      ...(options.key === undefined ? {} : { key: options.key }),
    });
    return { status: response.status, body: (await response.json()) as { data: Created } & ErrorBody };
  }

  async function createToken(body: unknown = { end_user: END_USER }): Promise<string> {
    const created = await create(body);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body.data.token;
  }

  async function describeSession(token: string) {
    const response = await t.request('/connect/session', { key: token });
    return { status: response.status, body: (await response.json()) as { data: SessionView } & ErrorBody };
  }

  /** Refused as unknown by the session endpoint and by a flow endpoint alike. */
  async function expectUnknownEverywhere(token: string): Promise<void> {
    const described = await describeSession(token);
    expect(described.status).toBe(401);
    expect(described.body.error.code).toBe('unknown_connect_session_token');
    const flow = await t.request(
      `/api-auth/api-key/form?connect_session_token=${token}&params[subdomain]=acme`,
      {
        method: 'POST',
        json: { apiKey: 'k-never-stored' },
        key: null,
      },
    );
    expect(flow.status).toBe(401);
    expect(((await flow.json()) as ErrorBody).error.code).toBe('unknown_connect_session_token');
  }

  beforeAll(async () => {
    t = await createTestLatchkey(kind);
    const provider = await t.request('/providers', {
      method: 'POST',
      json: {
        name: 'form-api',
        display_name: 'Form API',
        docs: 'https://example.com/docs',
        auth_mode: 'API_KEY',
        connection_config: {
          subdomain: {
            type: 'string',
            title: 'Subdomain',
            description: 'Your subdomain',
            pattern: '^[a-z0-9-]+$',
          },
          instance_url: {
            type: 'string',
            title: 'Instance',
            description: 'Set by the server',
            automated: true,
          },
        },
        credentials: {
          apiKey: { type: 'string', title: 'API key', description: 'Your API key', secret: true },
        },
        proxy: {
          base_url: 'https://${connectionConfig.subdomain}.example.com',
          headers: { 'x-api-key': '${apiKey}' },
        },
      },
    });
    expect(provider.status, await provider.clone().text()).toBe(201);
    for (const [key, name] of [
      ['form', 'form-api'],
      ['github', 'github'],
      ['other', 'github'],
    ]) {
      const integration = await t.request('/integrations', {
        method: 'POST',
        json: { unique_key: key, provider: name },
      });
      expect(integration.status, await integration.clone().text()).toBe(200);
    }
  });
  afterAll(() => t?.[Symbol.asyncDispose]());

  describe('creation', () => {
    it('answers 201 with a prefixed random token, a connect link and a 30-minute expiry', async () => {
      const before = Date.now();
      const { status, body } = await create({ end_user: END_USER, allowed_integrations: ['form'] });
      expect(status).toBe(201);
      expect(Object.keys(body.data).sort()).toEqual(['connect_link', 'expires_at', 'token']);
      expect(body.data.token).toMatch(TOKEN_PATTERN);
      expect(body.data.connect_link).toBe(`http://latchkey.test/connect?session_token=${body.data.token}`);
      expect(body.data.expires_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      const expiresAt = Date.parse(body.data.expires_at);
      expect(expiresAt).toBeGreaterThanOrEqual(before + 1_800_000 - 1_000);
      expect(expiresAt).toBeLessThanOrEqual(Date.now() + 1_800_000 + 1_000);
      const other = await createToken();
      expect(other).not.toBe(body.data.token);
    });

    it('takes its lifetime from LATCHKEY_CONNECT_SESSION_TTL_SECONDS', async () => {
      await using short = await createTestLatchkey(kind, { LATCHKEY_CONNECT_SESSION_TTL_SECONDS: '120' });
      const response = await short.request('/connect/sessions', {
        method: 'POST',
        json: { end_user: END_USER },
      });
      expect(response.status).toBe(201);
      const { expires_at } = ((await response.json()) as { data: Created }).data;
      expect(Math.abs(Date.parse(expires_at) - (Date.now() + 120_000))).toBeLessThan(5_000);
    });

    it('accepts tags without an end user', async () => {
      expect((await create({ tags: { project: 'alpha' } })).status).toBe(201);
    });

    it.each([
      [
        'an unknown integration in allowed_integrations',
        { end_user: END_USER, allowed_integrations: ['form', 'nope'] },
        ['allowed_integrations', '1'],
      ],
      [
        'an unknown integration in integrations_config_defaults',
        { end_user: END_USER, integrations_config_defaults: { nope: {} } },
        ['integrations_config_defaults', '0'],
      ],
      [
        'more than 10 tags',
        {
          end_user: END_USER,
          tags: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`t${i}`, 'v'])),
        },
        ['tags'],
      ],
      [
        'a tag key not starting with a letter',
        { end_user: END_USER, tags: { '1bad': 'v' } },
        ['tags', '1bad'],
      ],
      ['a tag key with a space', { end_user: END_USER, tags: { 'bad key': 'v' } }, ['tags', 'bad key']],
      ['an empty tag value', { end_user: END_USER, tags: { ok: '' } }, ['tags', 'ok']],
      ['a bad end user email', { end_user: { id: 'u', email: 'not-an-email' } }, ['end_user', 'email']],
      ['a bad end_user_email tag', { tags: { end_user_email: 'nope' } }, ['tags', 'end_user_email']],
      ['no end user and no tags', { organization: { id: 'org' } }, ['end_user']],
    ])('refuses %s with 400 invalid_body', async (_name, body, path) => {
      const { status, body: answer } = await create(body);
      expect(status, JSON.stringify(answer)).toBe(400);
      expect(answer.error.code).toBe('invalid_body');
      expect(answer.error.errors?.length).toBeGreaterThan(0);
      expect(answer.error.errors?.map((e) => e.path.slice(0, path.length))).toContainEqual(path);
    });

    it('refuses an unknown body key with 400 invalid_body', async () => {
      const { status, body } = await create({ end_user: END_USER, surprise: true });
      expect(status).toBe(400);
      expect(body.error.code).toBe('invalid_body');
      expect(body.error.message).toContain('surprise');
    });

    it('refuses a non-empty query string with 400 invalid_query_params', async () => {
      const { status, body } = await create({ end_user: END_USER }, { query: '?connection_id=abc' });
      expect(status).toBe(400);
      expect(body.error.code).toBe('invalid_query_params');
    });

    it('requires the environment:connect_sessions:write scope', async () => {
      const dev = await t.latchkey.services.environments.getByName('dev');
      const readOnly = await t.latchkey.services.apiKeys.create({
        environmentId: dev.id,
        name: 'integrations-reader',
        scopes: ['environment:integrations:read', 'environment:connections:*'],
      });
      const denied = await create({ end_user: END_USER }, { key: readOnly.secretKey });
      expect(denied.status).toBe(403);
      expect(denied.body.error.code).toBe('forbidden');
      const writer = await t.latchkey.services.apiKeys.create({
        environmentId: dev.id,
        name: 'sessions-writer',
        scopes: ['environment:connect_sessions:write'],
      });
      expect((await create({ end_user: END_USER }, { key: writer.secretKey })).status).toBe(201);
    });

    it('stores the token only as a hash', async () => {
      const token = await createToken({ end_user: END_USER, tags: { marker: 'hash-check' } });
      const { tables, text } = await dumpDatabase(t.database.db);
      expect(tables).toContain('connect_sessions');
      expect(text).toContain('hash-check');
      expect(text).not.toContain(token);
      expect(text).not.toContain(token.slice('nango_connect_session_'.length));
    });
  });

  describe('reading and ending a session with its token', () => {
    it('describes the end user and each allowed integration with its form fields', async () => {
      const token = await createToken({ end_user: END_USER, allowed_integrations: ['form', 'github'] });
      const { status, body } = await describeSession(token);
      expect(status, JSON.stringify(body)).toBe(200);
      expect(body.data.endUser).toMatchObject(END_USER);
      expect(body.data.allowed_integrations).toEqual(['form', 'github']);
      expect(body.data.isReconnecting).toBeUndefined();
      const byKey = Object.fromEntries(body.data.integrations.map((i) => [i.unique_key, i]));
      expect(Object.keys(byKey).sort()).toEqual(['form', 'github']);
      expect(byKey.form?.auth_mode).toBe('API_KEY');
      // Automated fields (filled from the provider's answers) are not asked of the user.
      expect(Object.keys(byKey.form?.connection_config ?? {})).toEqual(['subdomain']);
      expect(byKey.form?.connection_config.subdomain).toMatchObject({ pattern: '^[a-z0-9-]+$' });
      expect(Object.keys(byKey.form?.credentials ?? {})).toEqual(['apiKey']);
      expect(byKey.github?.auth_mode).toBe('OAUTH2');
    });

    it('marks reconnect sessions', async () => {
      const token = await createToken({ end_user: END_USER });
      const flow = await t.request(
        `/api-auth/api-key/form?connect_session_token=${token}&params[subdomain]=acme`,
        { method: 'POST', json: { apiKey: 'k-1' }, key: null },
      );
      const { connectionId } = (await flow.json()) as { connectionId: string };
      expect(flow.status).toBe(200);

      const reconnect = await t.request('/connect/sessions/reconnect', {
        method: 'POST',
        json: { connection_id: connectionId, integration_id: 'form' },
      });
      expect(reconnect.status).toBe(201);
      const created = ((await reconnect.json()) as { data: Created }).data;
      expect(created.token).toMatch(TOKEN_PATTERN);
      const { body } = await describeSession(created.token);
      expect(body.data.isReconnecting).toBe(true);
      expect(body.data.allowed_integrations).toEqual(['form']);
      expect(body.data.endUser).toMatchObject({ id: END_USER.id });

      const unknown = await t.request('/connect/sessions/reconnect', {
        method: 'POST',
        json: { connection_id: 'no-such-connection', integration_id: 'form' },
      });
      expect(unknown.status).toBe(400);
      expect(((await unknown.json()) as ErrorBody).error.code).toBe('invalid_body');
    });

    it('lists only the allowed integrations to the token, and refuses it for writes', async () => {
      const token = await createToken({ end_user: END_USER, allowed_integrations: ['github'] });
      const list = await t.request('/integrations', { key: token });
      expect(list.status).toBe(200);
      const { data } = (await list.json()) as { data: Array<{ unique_key: string }> };
      expect(data.map((i) => i.unique_key)).toEqual(['github']);

      const write = await t.request('/integrations', {
        method: 'POST',
        json: { unique_key: 'sneaky', provider: 'github' },
        key: token,
      });
      expect(write.status).toBe(401);
      expect(
        (await t.request('/connect/sessions', { method: 'POST', json: { end_user: END_USER }, key: token }))
          .status,
      ).toBe(401);
    });

    it('reads nothing beyond the allowed integrations and the providers', async () => {
      const token = await createToken({ end_user: END_USER, allowed_integrations: ['github'] });
      expect((await t.request('/integrations/github', { key: token })).status).toBe(200);
      expect((await t.request('/integrations/form', { key: token })).status).toBe(404);
      expect((await t.request('/providers/github', { key: token })).status).toBe(200);
      const connections = await t.request('/connections/any?provider_config_key=github', { key: token });
      expect(connections.status).toBe(403);
      expect((await t.request('/logs', { key: token })).status).toBe(403);
      expect((await t.request('/environment', { key: token })).status).toBe(403);
    });

    it('is refused once expired', async () => {
      const token = await createToken();
      expect((await describeSession(token)).status).toBe(200);
      const expired = await t.database.db
        .updateTable('connect_sessions')
        .set({ expires_at: new Date(Date.now() - 1000) })
        .where('token_hash', '=', hashSecret(token))
        .executeTakeFirstOrThrow();
      expect(expired.numUpdatedRows).toBe(1n);
      await expectUnknownEverywhere(token);
    });

    it('is refused after DELETE /connect/session', async () => {
      const token = await createToken();
      const deleted = await t.request('/connect/session', { method: 'DELETE', key: token });
      expect(deleted.status).toBe(204);
      await expectUnknownEverywhere(token);
      expect((await t.request('/connect/session', { method: 'DELETE', key: token })).status).toBe(401);
    });

    it.each([
      ['a secret key', () => t.secretKey],
      ['upper-case hex', () => `nango_connect_session_${'A'.repeat(64)}`],
      ['a short token', () => `nango_connect_session_${'a'.repeat(63)}`],
    ])(
      'refuses %s as a session token with 401 invalid_connect_session_token_format',
      async (_name, token) => {
        const { status, body } = await describeSession(token());
        expect(status).toBe(401);
        expect(body.error.code).toBe('invalid_connect_session_token_format');
      },
    );

    it('refuses a well-formed unknown token with 401 unknown_connect_session_token', async () => {
      const { status, body } = await describeSession(`nango_connect_session_${'0'.repeat(64)}`);
      expect(status).toBe(401);
      expect(body.error.code).toBe('unknown_connect_session_token');
    });
  });
});
