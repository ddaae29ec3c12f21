/**
 * The connections API besides reading one (issue 5 item 7, compat doc 2.2, 2.4): list filters and shapes, patch,
 * delete with RFC 7009 revocation (a recording endpoint, a failing one, and a real authorization server), metadata
 * replace and merge, import per credential type, scopes, legacy aliases, and the real `@nangohq/node` SDK.
 */
import { randomUUID } from 'node:crypto';
import { Nango } from '@nangohq/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkWebhookUrlOverride } from '../src/connections/webhook-url-override';
import { CLIENT_ID, CLIENT_SECRET, type FlowHarness, startFlowHarness } from './support/flow-harness';
import { type RevocationServer, startRevocationServer } from './support/revocation-server';
import { databaseKinds } from './support/test-database';

const DOCS = 'https://example.com/docs';
/** Connection refused on loopback: webhook deliveries to it fail fast and reach nobody. */
const HOOK = 'http://127.0.0.1:9/hooks/latchkey';
const FUTURE = () => new Date(Date.now() + 3_600_000).toISOString();

interface ErrorBody {
  error: { code: string; message: string; errors?: Array<{ code: string; path: string[] }> };
}

interface EndUserBody {
  id: string;
  email: string | null;
  display_name: string | null;
  tags: Record<string, string> | null;
  organization: { id: string; display_name: string | null } | null;
}

interface ConnectionBody {
  id: number;
  connection_id: string;
  provider_config_key: string;
  provider: string;
  end_user: EndUserBody | null;
  tags: Record<string, string>;
  metadata: Record<string, unknown> | null;
  webhook_url_override: string | null;
  created_at: string;
  credentials: Record<string, unknown>;
  refresh_state: string;
}

interface ListItem {
  id: number;
  connection_id: string;
  provider_config_key: string;
  provider: string;
  errors: Array<{ type: string; log_id: string }>;
  end_user: EndUserBody | null;
  tags: Record<string, string>;
  metadata: Record<string, unknown> | null;
  created: string;
  refresh_state: string;
}

interface LogEntry {
  id: string;
  action: string;
  status: string;
  error_code: string | null;
  messages: Array<{ message: string; meta: Record<string, unknown> | null }>;
}

const uid = () => randomUUID().slice(0, 8);

async function bodyOf<T>(response: Response, status: number): Promise<T> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

async function errorOf(response: Response, status: number, code: string): Promise<ErrorBody['error']> {
  const { error } = await bodyOf<ErrorBody>(response, status);
  expect(error.code).toBe(code);
  return error;
}

describe('webhook_url_override policy', () => {
  it('refuses Nango, private addresses and plain http unless private URLs are allowed', () => {
    expect(checkWebhookUrlOverride('https://hooks.example.com/x', false)).toBe('https://hooks.example.com/x');
    expect(checkWebhookUrlOverride('', false)).toBeNull();
    expect(checkWebhookUrlOverride(undefined, false)).toBeUndefined();
    for (const url of [
      'https://api.nango.dev/hook',
      'https://nango.dev',
      'https://10.0.0.8/hook',
      'http://a.io/x',
    ]) {
      expect(() => checkWebhookUrlOverride(url, false), url).toThrow(/webhook_url_override/);
    }
    expect(checkWebhookUrlOverride('http://127.0.0.1:9/x', true)).toBe('http://127.0.0.1:9/x');
    expect(() => checkWebhookUrlOverride('https://eu.nango.dev/x', true)).toThrow(/nango\.dev/);
  });
});

describe.each(databaseKinds())('connections API (%s)', (kind) => {
  let h: FlowHarness;
  let revoker: RevocationServer;

  beforeAll(async () => {
    h = await startFlowHarness(kind);
    revoker = await startRevocationServer();
    const oauth2 = (name: string, extra: Record<string, unknown>) => ({
      name,
      display_name: name,
      docs: DOCS,
      auth_mode: 'OAUTH2',
      authorization_url: h.oidc.authorizationEndpoint,
      token_url: h.oidc.tokenEndpoint,
      ...extra,
    });
    const field = (title: string) => ({ type: 'string', title, description: title });
    await h.registerProvider(oauth2('recorded-oauth', { revocation_url: `${revoker.url}/revoke` }));
    await h.registerProvider(
      oauth2('header-oauth', { revocation_url: `${revoker.url}/revoke`, authorization_method: 'header' }),
    );
    await h.registerProvider(oauth2('failing-oauth', { revocation_url: `${revoker.url}/fail` }));
    await h.registerProvider(oauth2('revocable-oidc', { revocation_url: h.oidc.revocationEndpoint }));
    await h.registerProvider({
      name: 'plain-api',
      display_name: 'Plain API',
      docs: DOCS,
      auth_mode: 'API_KEY',
      credentials: { apiKey: field('API key') },
    });
    await h.registerProvider({
      name: 'plain-basic',
      display_name: 'Plain basic',
      docs: DOCS,
      auth_mode: 'BASIC',
      credentials: { username: field('User'), password: field('Password') },
    });
    await h.registerProvider({ name: 'open-api', display_name: 'Open', docs: DOCS, auth_mode: 'NONE' });
    await h.registerProvider({
      name: 'local-cc',
      display_name: 'Local CC',
      docs: DOCS,
      auth_mode: 'OAUTH2_CC',
      token_url: h.oidc.tokenEndpoint,
    });
    await h.registerProvider({
      name: 'oauth1-api',
      display_name: 'OAuth 1 API',
      docs: DOCS,
      auth_mode: 'OAUTH1',
      request_url: 'https://oauth1.example.com/request',
      authorization_url: 'https://oauth1.example.com/authorize',
      token_url: 'https://oauth1.example.com/token',
    });
    await h.registerProvider({ name: 'netsuite-like', display_name: 'TBA', docs: DOCS, auth_mode: 'TBA' });
    const client = {
      type: 'OAUTH2',
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      scopes: 'openid,read',
    };
    for (const [key, provider] of [
      ['recorded', 'recorded-oauth'],
      ['header', 'header-oauth'],
      ['failing', 'failing-oauth'],
      ['revocable', 'revocable-oidc'],
    ] as const) {
      await h.createIntegration({ unique_key: key, provider, credentials: client });
    }
    for (const [key, provider] of [
      ['apikey', 'plain-api'],
      ['basic', 'plain-basic'],
      ['open', 'open-api'],
      ['cc', 'local-cc'],
      ['oauth1', 'oauth1-api'],
      ['tba', 'netsuite-like'],
    ] as const) {
      await h.createIntegration({ unique_key: key, provider });
    }
  });
  afterAll(async () => {
    await h?.[Symbol.asyncDispose]();
    await revoker?.close();
  });

  async function importConnection(body: Record<string, unknown>): Promise<ConnectionBody> {
    return bodyOf<ConnectionBody>(await h.api('/connections', { method: 'POST', json: body }), 201);
  }

  async function importApiKey(extra: Record<string, unknown> = {}): Promise<string> {
    const created = await importConnection({
      provider_config_key: 'apikey',
      connection_id: `conn-${uid()}`,
      credentials: { type: 'API_KEY', apiKey: `key-${uid()}` },
      ...extra,
    });
    return created.connection_id;
  }

  function getConnection(key: string, id: string, query = '') {
    return h.api(`/connections/${encodeURIComponent(id)}?provider_config_key=${key}${query}`);
  }

  async function connection(key: string, id: string): Promise<ConnectionBody> {
    return bodyOf<ConnectionBody>(await getConnection(key, id), 200);
  }

  async function list(query: string): Promise<ListItem[]> {
    return (await bodyOf<{ connections: ListItem[] }>(await h.api(`/connections${query}`), 200)).connections;
  }

  const idsOf = (items: ListItem[]) => items.map((item) => item.connection_id).sort();

  async function operations(connectionId: string): Promise<LogEntry[]> {
    return (await bodyOf<{ data: LogEntry[] }>(await h.api(`/logs?connection_id=${connectionId}`), 200)).data;
  }

  function eventsOf(connectionId: string) {
    return h.t.database.db
      .selectFrom('auth_events')
      .selectAll()
      .where('connection_id', '=', connectionId)
      .orderBy('id')
      .execute();
  }

  function remove(key: string, id: string, prefix = '/connections') {
    return h.api(`${prefix}/${encodeURIComponent(id)}?provider_config_key=${key}`, { method: 'DELETE' });
  }

  describe('GET /connections', () => {
    const run = uid();
    let ada: string;
    let bob: string;
    let carol: string;

    /** A real API-key flow with a connect session, which records the end user, organization and tags. */
    async function connectWithSession(session: Record<string, unknown>): Promise<string> {
      const token = await h.createSession(session);
      const response = await fetch(`${h.url}/api-auth/api-key/apikey?connect_session_token=${token}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ apiKey: `key-${uid()}` }),
      });
      return (await bodyOf<{ connectionId: string }>(response, 200)).connectionId;
    }

    beforeAll(async () => {
      ada = await connectWithSession({
        end_user: { id: `ada-${run}`, email: `ada-${run}@example.com`, display_name: 'Ada Lovelace' },
        organization: { id: `org-${run}`, display_name: 'Engines' },
        tags: { Team: 'core', run },
      });
      bob = await connectWithSession({
        end_user: { id: `bob-${run}`, email: `bob-${run}@example.com` },
        tags: { team: 'core', env: 'prod', run },
      });
      carol = (
        await importConnection({
          provider_config_key: 'basic',
          connection_id: `carol-${run}`,
          credentials: { type: 'BASIC', username: 'carol', password: '' },
          tags: { env: 'prod', run },
        })
      ).connection_id;
    });

    it('filters by connection id, search, end user, organization and integration', async () => {
      const mine = `&tags[run]=${run}`;
      expect(idsOf(await list(`?tags[run]=${run}`))).toEqual([ada, bob, carol].sort());
      expect(idsOf(await list(`?connectionId=${carol}`))).toEqual([carol]);
      // Search is a case-insensitive substring of the connection id or the end user's id, email or name.
      expect(idsOf(await list(`?search=LOVELACE${mine}`))).toEqual([ada]);
      expect(idsOf(await list(`?search=bob-${run}%40example${mine}`))).toEqual([bob]);
      expect(idsOf(await list(`?search=AROL-${run}${mine}`))).toEqual([carol]);
      expect(idsOf(await list(`?search=ada-${run}${mine}`))).toEqual([ada]);
      // LIKE wildcards are literal.
      expect(await list(`?search=%25${mine}`)).toEqual([]);
      expect(await list(`?search=_${mine}`)).toEqual([]);
      expect(idsOf(await list(`?endUserId=ada-${run}`))).toEqual([ada]);
      expect(idsOf(await list(`?endUserOrganizationId=org-${run}`))).toEqual([ada]);
      expect(idsOf(await list(`?integrationId=basic${mine}`))).toEqual([carol]);
      expect(idsOf(await list(`?integrationId=apikey,basic${mine}`))).toEqual([ada, bob, carol].sort());
      expect(idsOf(await list(`?integrationId=apikey&integrationId=basic${mine}`))).toEqual(
        [ada, bob, carol].sort(),
      );
      expect(await list(`?integrationId=open${mine}`)).toEqual([]);
    });

    it('ANDs tag filters and compares tag keys case-insensitively', async () => {
      const mine = `&tags[run]=${run}`;
      // Stored `Team` for Ada, `team` for Bob; the SDK sends keys lower-cased.
      expect(idsOf(await list(`?tags[team]=core${mine}`))).toEqual([ada, bob].sort());
      expect(idsOf(await list(`?tags[TEAM]=core${mine}`))).toEqual([ada, bob].sort());
      expect(idsOf(await list(`?tags[team]=core&tags[env]=prod${mine}`))).toEqual([bob]);
      expect(idsOf(await list(`?tags[env]=prod${mine}`))).toEqual([bob, carol].sort());
      expect(await list(`?tags[team]=CORE${mine}`)).toEqual([]);
      // The connect session's automatic tags are filterable too (the SDK's `email` and `displayName`).
      expect(idsOf(await list(`?tags[end_user_email]=ada-${run}@example.com`))).toEqual([ada]);
    });

    it('answers Nango list items', async () => {
      const [item] = await list(`?connectionId=${ada}`);
      expect(Object.keys(item!).sort()).toEqual(
        [
          'connection_id',
          'created',
          'end_user',
          'errors',
          'id',
          'metadata',
          'provider',
          'provider_config_key',
          'refresh_state',
          'tags',
        ].sort(),
      );
      expect(item).toMatchObject({
        connection_id: ada,
        provider_config_key: 'apikey',
        provider: 'plain-api',
        errors: [],
        metadata: null,
        refresh_state: 'active',
        end_user: {
          id: `ada-${run}`,
          email: `ada-${run}@example.com`,
          display_name: 'Ada Lovelace',
          tags: null,
          organization: { id: `org-${run}`, display_name: 'Engines' },
        },
      });
      expect(typeof item!.id).toBe('number');
      expect(item!.created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      const [imported] = await list(`?connectionId=${carol}`);
      expect(imported).toMatchObject({ end_user: null, metadata: {}, tags: { env: 'prod', run } });
    });

    it('pages newest first with limit and page, and validates both', async () => {
      const pageRun = uid();
      const created: string[] = [];
      for (let index = 0; index < 5; index++) {
        const item = await importConnection({
          provider_config_key: 'open',
          connection_id: `page-${pageRun}-${index}`,
          credentials: { type: 'NONE' },
          tags: { pagerun: pageRun },
        });
        created.push(item.connection_id);
      }
      const page = async (query: string) =>
        (await list(`?tags[pagerun]=${pageRun}${query}`)).map((item) => item.connection_id);
      expect(await page('')).toEqual([...created].reverse());
      expect(await page('&limit=2')).toEqual([created[4], created[3]]);
      expect(await page('&limit=2&page=1')).toEqual([created[2], created[1]]);
      expect(await page('&limit=2&page=2')).toEqual([created[0]]);
      expect(await page('&limit=2&page=3')).toEqual([]);
      for (const query of ['limit=0', 'limit=10001', 'limit=two', 'page=-1', 'unknown=1', 'tags[x]=']) {
        await errorOf(await h.api(`/connections?${query}`), 400, 'invalid_query_params');
      }
    });

    it('lists an auth error pointing at the failed refresh operation', async () => {
      const id = `stale-${uid()}`;
      await importConnection({
        provider_config_key: 'local',
        connection_id: id,
        credentials: {
          type: 'OAUTH2',
          access_token: 'stale-access-token',
          refresh_token: 'refresh-token-the-server-never-issued',
          expires_at: new Date(Date.now() - 60_000).toISOString(),
        },
      });
      await errorOf(await getConnection('local', id, '&force_refresh=true'), 400, 'invalid_credentials');
      const [item] = await list(`?connectionId=${id}`);
      expect(item!.refresh_state).not.toBe('active');
      const failed = (await operations(id)).find((operation) => operation.status === 'failed');
      expect(failed).toBeDefined();
      expect(item!.errors).toEqual([{ type: 'auth', log_id: failed!.id }]);
    });
  });

  describe('PATCH /connections/:id', () => {
    it('sets the end user, tags and webhook URL; an empty URL clears it', async () => {
      const id = await importApiKey({ tags: { old: 'yes' } });
      const patch = (json: unknown) =>
        h.api(`/connections/${id}?provider_config_key=apikey`, { method: 'PATCH', json });
      expect(
        await bodyOf(
          await patch({
            end_user: { id: 'patched-user', email: 'patched@example.com', display_name: 'Patched' },
            tags: { plan: 'pro' },
            webhook_url_override: HOOK,
          }),
          200,
        ),
      ).toEqual({ success: true });
      const patched = await connection('apikey', id);
      expect(patched.end_user).toEqual({
        id: 'patched-user',
        email: 'patched@example.com',
        display_name: 'Patched',
        tags: null,
        organization: null,
      });
      // Given tags replace the old ones, over the automatic end-user tags.
      expect(patched.tags).toEqual({
        end_user_id: 'patched-user',
        end_user_email: 'patched@example.com',
        end_user_display_name: 'Patched',
        plan: 'pro',
      });
      expect(patched.webhook_url_override).toBe(HOOK);

      expect(await bodyOf(await patch({ webhook_url_override: '' }), 200)).toEqual({ success: true });
      const cleared = await connection('apikey', id);
      expect(cleared.webhook_url_override).toBeNull();
      expect(cleared.tags).toEqual(patched.tags);
      expect(await bodyOf(await patch({}), 200)).toEqual({ success: true });
    });

    it('answers 404 for an unknown connection or integration and 400 for a bad request', async () => {
      const id = await importApiKey();
      await errorOf(
        await h.api('/connections/nobody?provider_config_key=apikey', {
          method: 'PATCH',
          json: { tags: {} },
        }),
        404,
        'not_found',
      );
      await errorOf(
        await h.api(`/connections/${id}?provider_config_key=nothing`, {
          method: 'PATCH',
          json: { tags: {} },
        }),
        404,
        'unknown_provider_config',
      );
      const strict = await errorOf(
        await h.api(`/connections/${id}?provider_config_key=apikey`, {
          method: 'PATCH',
          json: { metadata: {} },
        }),
        400,
        'invalid_body',
      );
      expect(strict.errors?.[0]?.code).toBe('unrecognized_keys');
      const nango = await errorOf(
        await h.api(`/connections/${id}?provider_config_key=apikey`, {
          method: 'PATCH',
          json: { webhook_url_override: 'https://api.nango.dev/webhook' },
        }),
        400,
        'invalid_body',
      );
      expect(nango.errors?.[0]?.path).toEqual(['webhook_url_override']);
      await errorOf(
        await h.api(`/connections/${id}`, { method: 'PATCH', json: {} }),
        400,
        'invalid_query_params',
      );
    });
  });

  describe('DELETE /connections/:id', () => {
    it('deletes, commits the deletion event with it, and revokes the refresh token', async () => {
      const id = `del-${uid()}`;
      await importConnection({
        provider_config_key: 'recorded',
        connection_id: id,
        credentials: {
          type: 'OAUTH2',
          access_token: `at-${id}`,
          refresh_token: `rt-${id}`,
          expires_at: FUTURE(),
        },
        end_user: { id: 'leaving-user' },
        tags: { team: 'ops' },
      });
      const before = revoker.requests.length;
      expect(await bodyOf(await remove('recorded', id), 200)).toEqual({ success: true });
      await errorOf(await getConnection('recorded', id), 404, 'not_found');

      const events = await eventsOf(id);
      expect(events.map((event) => [event.operation, event.success])).toEqual([
        ['creation', true],
        ['deletion', true],
      ]);
      expect(events[1]!.payload).toMatchObject({
        type: 'auth',
        operation: 'deletion',
        success: true,
        connectionId: id,
        providerConfigKey: 'recorded',
        provider: 'recorded-oauth',
        authMode: 'OAUTH2',
        tags: { team: 'ops', end_user_id: 'leaving-user' },
        endUser: { endUserId: 'leaving-user' },
      });

      const requests = revoker.requests.slice(before);
      expect(requests).toHaveLength(1);
      expect(requests[0]).toMatchObject({
        method: 'POST',
        path: '/revoke',
        form: {
          token: `rt-${id}`,
          token_type_hint: 'refresh_token',
          client_id: CLIENT_ID,
          client_secret: CLIENT_SECRET,
        },
      });
      expect(requests[0]!.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
      const [revocation] = await operations(id);
      expect(revocation).toMatchObject({ action: 'revocation', status: 'success', error_code: null });
      expect(JSON.stringify(revocation)).not.toContain(`rt-${id}`);
    });

    it('revokes the access token when there is no refresh token, authenticating as the token endpoint does', async () => {
      const id = `del-${uid()}`;
      await importConnection({
        provider_config_key: 'header',
        connection_id: id,
        credentials: { type: 'OAUTH2', access_token: `at-${id}` },
      });
      const before = revoker.requests.length;
      await bodyOf(await remove('header', id), 200);
      const [request] = revoker.requests.slice(before);
      // `authorization_method: header`: HTTP Basic (RFC 6749 §2.3.1), no secret in the body.
      expect(request!.headers.authorization).toBe(
        `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`,
      );
      expect(request!.form).toEqual({ token: `at-${id}`, token_type_hint: 'access_token' });
    });

    it('still deletes when the revocation endpoint fails, and logs the failure', async () => {
      const id = `del-${uid()}`;
      await importConnection({
        provider_config_key: 'failing',
        connection_id: id,
        credentials: { type: 'OAUTH2', access_token: 'at', refresh_token: 'rt' },
      });
      const before = revoker.requests.length;
      expect(await bodyOf(await remove('failing', id), 200)).toEqual({ success: true });
      expect(revoker.requests.slice(before).map((request) => request.path)).toEqual(['/fail']);
      await errorOf(await getConnection('failing', id), 404, 'not_found');
      expect((await eventsOf(id)).map((event) => event.operation)).toEqual(['creation', 'deletion']);
      const [revocation] = await operations(id);
      expect(revocation).toMatchObject({
        action: 'revocation',
        status: 'failed',
        error_code: 'token_revocation_failed',
      });
    });

    it('revokes nothing for a provider without a revocation endpoint', async () => {
      const id = await importApiKey();
      const before = revoker.requests.length;
      expect(await bodyOf(await remove('apikey', id), 200)).toEqual({ success: true });
      expect(revoker.requests.length).toBe(before);
      expect(await operations(id)).toEqual([]);
    });

    it('answers 400 unknown_connection for an unknown connection, as Nango does, and records nothing', async () => {
      const id = await importApiKey();
      await bodyOf(await remove('apikey', id), 200);
      await errorOf(await remove('apikey', id), 400, 'unknown_connection');
      await errorOf(await remove('nothing', id), 400, 'unknown_connection');
      expect((await eventsOf(id)).map((event) => event.operation)).toEqual(['creation', 'deletion']);
      await errorOf(await h.api(`/connections/${id}`, { method: 'DELETE' }), 400, 'invalid_query_params');
    });

    it('ends the grant at a real authorization server', async () => {
      const token = await h.createSession();
      const callback = await h.authorize('revocable', `connect_session_token=${token}`);
      const { connectionId } = await bodyOf<{ connectionId: string }>(await h.complete(callback), 200);
      const full = await bodyOf<ConnectionBody>(
        await getConnection('revocable', connectionId, '&refresh_token=true'),
        200,
      );
      const refreshToken = full.credentials.refresh_token as string;
      const introspect = async (value: string) => {
        const response = await fetch(h.oidc.introspectionEndpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ token: value, client_id: CLIENT_ID, client_secret: CLIENT_SECRET }),
        });
        return ((await response.json()) as { active: boolean }).active;
      };
      expect(await introspect(refreshToken)).toBe(true);
      await bodyOf(await remove('revocable', connectionId), 200);
      expect(await introspect(refreshToken)).toBe(false);
    });
  });

  describe('metadata', () => {
    const write = (method: 'POST' | 'PATCH', json: unknown, path = '/connections/metadata') =>
      h.api(path, { method, json });
    const metadataOf = async (id: string) => (await connection('apikey', id)).metadata;

    it('replaces with POST (201) and merges top-level keys with PATCH (200), echoing the body', async () => {
      const a = await importApiKey();
      const b = await importApiKey({ metadata: { kept: false } });
      const first = {
        connection_id: a,
        provider_config_key: 'apikey',
        metadata: { plan: 'pro', nested: { x: 1 } },
      };
      expect(await bodyOf(await write('POST', first), 201)).toEqual(first);
      expect(await metadataOf(a)).toEqual({ plan: 'pro', nested: { x: 1 } });

      const both = { connection_id: [a, b], provider_config_key: 'apikey', metadata: { region: 'eu' } };
      expect(await bodyOf(await write('POST', both), 201)).toEqual(both);
      expect(await metadataOf(a)).toEqual({ region: 'eu' });
      expect(await metadataOf(b)).toEqual({ region: 'eu' });

      const merge = {
        connection_id: a,
        provider_config_key: 'apikey',
        metadata: { nested: { y: 2 }, tier: 1 },
      };
      expect(await bodyOf(await write('PATCH', merge), 200)).toEqual(merge);
      expect(await metadataOf(a)).toEqual({ region: 'eu', nested: { y: 2 }, tier: 1 });
      await bodyOf(await write('PATCH', { ...merge, metadata: { nested: { z: 3 } } }), 200);
      expect(await metadataOf(a)).toEqual({ region: 'eu', nested: { z: 3 }, tier: 1 });
      expect(await metadataOf(b)).toEqual({ region: 'eu' });
    });

    it('changes nothing when one id of several is unknown, with Nango’s message', async () => {
      const known = await importApiKey({ metadata: { version: 1 } });
      const message = (id: string) =>
        `Connection with connection id ${id} and provider config key apikey not found. Please make sure the connection exists in the Nango dashboard`;
      for (const method of ['POST', 'PATCH'] as const) {
        const error = await errorOf(
          await write(method, {
            connection_id: [known, 'missing-one', 'missing-two'],
            provider_config_key: 'apikey',
            metadata: { version: 2 },
          }),
          404,
          'unknown_connection',
        );
        expect(error.message).toBe(
          `${message('missing-one')}. No actions were taken on any of the connections as a result of this failure.`,
        );
        expect(await metadataOf(known)).toEqual({ version: 1 });
      }
      const single = await errorOf(
        await write('POST', { connection_id: 'missing-one', provider_config_key: 'apikey', metadata: {} }),
        404,
        'unknown_connection',
      );
      expect(single.message).toBe(message('missing-one'));
      await errorOf(
        await write('PATCH', { connection_id: known, provider_config_key: 'nothing', metadata: {} }),
        404,
        'unknown_connection',
      );
    });

    it('takes a strict body and an empty query', async () => {
      const id = await importApiKey();
      const valid = { connection_id: id, provider_config_key: 'apikey', metadata: { a: 1 } };
      await errorOf(await write('POST', valid, '/connections/metadata?x=1'), 400, 'invalid_query_params');
      await errorOf(await write('POST', { ...valid, extra: true }), 400, 'invalid_body');
      await errorOf(await write('PATCH', { ...valid, metadata: 'text' }), 400, 'invalid_body');
      await errorOf(await write('PATCH', { metadata: {} }), 400, 'invalid_body');
    });
  });

  describe('POST /connections (import)', () => {
    it('imports OAuth 2.0 credentials and answers the full connection with them as given', async () => {
      const id = `imported-${uid()}`;
      const expiresAt = FUTURE();
      const credentials = {
        type: 'OAUTH2',
        access_token: 'imported-access',
        refresh_token: 'imported-refresh',
        expires_at: expiresAt,
        config_override: { client_id: 'own-client', client_secret: 'own-secret' },
      };
      const created = await importConnection({
        provider_config_key: 'local',
        connection_id: id,
        credentials,
        connection_config: { account: 'acme', flags: ['a', 'b'], size: 3 },
        metadata: { plan: 'pro' },
        end_user: { id: 'importer', email: 'importer@example.com' },
        tags: { source: 'import' },
        webhook_url_override: HOOK,
      });
      expect(created).toMatchObject({
        connection_id: id,
        provider_config_key: 'local',
        provider: 'local-oidc',
        errors: [],
        metadata: { plan: 'pro' },
        connection_config: { account: 'acme', flags: 'a,b', size: '3' },
        webhook_url_override: HOOK,
        end_user: {
          id: 'importer',
          email: 'importer@example.com',
          display_name: null,
          tags: null,
          organization: null,
        },
        tags: { end_user_id: 'importer', end_user_email: 'importer@example.com', source: 'import' },
        last_fetched_at: null,
        refresh_state: 'active',
        credentials: { ...credentials, raw: credentials },
      });
      expect(typeof created.id).toBe('number');
      expect(created.created_at).toMatch(/\+00:00$/);

      // Read back like any connection: the refresh token only when asked for.
      const { refresh_token: _omitted, ...withoutRefresh } = credentials;
      expect((await connection('local', id)).credentials).toEqual({ ...withoutRefresh, raw: withoutRefresh });
      const full = await bodyOf<ConnectionBody>(await getConnection('local', id, '&refresh_token=true'), 200);
      expect(full.credentials.refresh_token).toBe('imported-refresh');

      const [event] = await eventsOf(id);
      expect(event).toMatchObject({ operation: 'creation', success: true, webhook_urls: [HOOK] });
    });

    it('normalises dates, generates a connection id, and overrides on a second import', async () => {
      const created = await importConnection({
        provider_config_key: 'local',
        credentials: { type: 'OAUTH2', access_token: 'first', expires_at: 1_900_000_000_000 },
      });
      expect(created.connection_id).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
      expect(created.credentials.expires_at).toBe('2030-03-17T17:46:40.000Z');
      expect(created.metadata).toEqual({});
      await bodyOf(
        await h.api('/connections/metadata', {
          method: 'PATCH',
          json: {
            connection_id: created.connection_id,
            provider_config_key: 'local',
            metadata: { kept: true },
          },
        }),
        200,
      );
      const again = await importConnection({
        provider_config_key: 'local',
        connection_id: created.connection_id,
        credentials: { type: 'OAUTH2', access_token: 'second' },
      });
      expect(again.id).toBe(created.id);
      expect(again.metadata).toEqual({ kept: true });
      expect(again.credentials.access_token).toBe('second');
      expect((await eventsOf(created.connection_id)).map((event) => event.operation)).toEqual([
        'creation',
        'override',
      ]);
    });

    it('imports every other credential type Latchkey runs', async () => {
      const cases: Array<[string, Record<string, unknown>, Record<string, unknown>]> = [
        [
          'cc',
          {
            type: 'OAUTH2_CC',
            token: 'cc-token',
            client_id: 'cc-client',
            client_secret: 'cc-secret',
            expires_at: '2030-01-01T00:00:00Z',
          },
          { token: 'cc-token', client_id: 'cc-client', expires_at: '2030-01-01T00:00:00.000Z' },
        ],
        [
          'oauth1',
          { type: 'OAUTH1', oauth_token: 'o-token', oauth_token_secret: 'o-secret' },
          { oauth_token: 'o-token', oauth_token_secret: 'o-secret' },
        ],
        ['apikey', { type: 'API_KEY', apiKey: 'k'.repeat(1024) }, { apiKey: 'k'.repeat(1024) }],
        [
          'basic',
          { type: 'BASIC', username: 'only-user', password: '' },
          { username: 'only-user', password: '' },
        ],
      ];
      for (const [key, credentials, expected] of cases) {
        const created = await importConnection({ provider_config_key: key, credentials });
        const read = await connection(key, created.connection_id);
        expect(read.credentials, key).toMatchObject({ type: credentials.type, ...expected });
        if (['OAUTH2_CC', 'OAUTH1'].includes(credentials.type as string)) {
          expect(read.credentials.raw, key).toMatchObject(expected);
        } else {
          expect(read.credentials, key).toEqual(credentials);
        }
      }
      const none = await importConnection({ provider_config_key: 'open', credentials: { type: 'NONE' } });
      expect(none.credentials).toEqual({});
      expect((await connection('open', none.connection_id)).credentials).toEqual({});
    });

    it('validates each credential type strictly, with errors[]', async () => {
      const cases: Array<[Record<string, unknown>, string[]]> = [
        [{ type: 'OAUTH2' }, ['credentials', 'access_token']],
        [{ type: 'OAUTH2', access_token: 'a', id_token: 'x' }, ['credentials']],
        [{ type: 'OAUTH2', access_token: 'a', expires_at: 'not a date' }, ['credentials', 'expires_at']],
        [
          { type: 'OAUTH2', access_token: 'a', config_override: { scope: 'x' } },
          ['credentials', 'config_override'],
        ],
        [{ type: 'OAUTH2', access_token: 'a'.repeat(16_385) }, ['credentials', 'access_token']],
        [{ type: 'OAUTH2_CC', token: 't', client_id: 'c' }, ['credentials', 'client_secret']],
        [{ type: 'OAUTH1', oauth_token: 't' }, ['credentials', 'oauth_token_secret']],
        [{ type: 'API_KEY', apiKey: 'k'.repeat(1025) }, ['credentials', 'apiKey']],
        [{ type: 'API_KEY', apiKey: '' }, ['credentials', 'apiKey']],
        [{ type: 'BASIC', username: 'u' }, ['credentials', 'password']],
        [{ type: 'NONE', token: 'x' }, ['credentials']],
        [{ type: 'TBA', token_id: 't' }, ['credentials', 'token_secret']],
        [{ type: 'APP', app_id: '1' }, ['credentials', 'installation_id']],
        [{ type: 'MAGIC' }, ['credentials', 'type']],
      ];
      for (const [credentials, path] of cases) {
        const error = await errorOf(
          await h.api('/connections', {
            method: 'POST',
            json: { provider_config_key: 'apikey', credentials },
          }),
          400,
          'invalid_body',
        );
        expect(
          error.errors?.map((item) => item.path),
          JSON.stringify(credentials),
        ).toContainEqual(path);
      }
      await errorOf(
        await h.api('/connections', {
          method: 'POST',
          json: { provider_config_key: 'apikey', credentials: { type: 'API_KEY', apiKey: 'k' }, extra: 1 },
        }),
        400,
        'invalid_body',
      );
    });

    it('refuses what the integration or Latchkey cannot take', async () => {
      const post = (json: unknown, query = '') => h.api(`/connections${query}`, { method: 'POST', json });
      const apiKey = { type: 'API_KEY', apiKey: 'k' };
      const mismatch = await errorOf(
        await post({ provider_config_key: 'local', credentials: apiKey }),
        400,
        'invalid_body',
      );
      expect(mismatch.message).toBe('Provider OAUTH2 does not support API_KEY auth');
      // TBA runs now (the integration signs with its consumer), so its connections import as Nango's shape.
      const tba = await post({
        provider_config_key: 'tba',
        credentials: { type: 'TBA', token_id: 't', token_secret: 's' },
      });
      expect(tba.status).toBe(201);
      expect(((await tba.json()) as { credentials: unknown }).credentials).toEqual({
        type: 'TBA',
        token_id: 't',
        token_secret: 's',
      });
      await errorOf(await post({ provider_config_key: 'nothing', credentials: apiKey }), 404, 'not_found');
      await errorOf(
        await post({ provider_config_key: 'apikey', credentials: apiKey }, '?connection_id=x'),
        400,
        'invalid_query_params',
      );
      const nango = await errorOf(
        await post({
          provider_config_key: 'apikey',
          credentials: apiKey,
          webhook_url_override: 'https://nango.dev',
        }),
        400,
        'invalid_body',
      );
      expect(nango.errors?.[0]?.path).toEqual(['webhook_url_override']);
      const config = await errorOf(
        await post({
          provider_config_key: 'apikey',
          credentials: apiKey,
          connection_config: { host: 'a\u0000b' },
        }),
        400,
        'invalid_body',
      );
      expect(config.errors?.[0]?.path).toEqual(['connection_config', 'host']);
    });
  });

  describe('scopes', () => {
    it('needs connections:write for every change and connections:read to list', async () => {
      const dev = await h.t.latchkey.services.environments.getByName('dev');
      const keyWith = async (scopes: string[]) =>
        (await h.t.latchkey.services.apiKeys.create({ environmentId: dev.id, name: `k-${uid()}`, scopes }))
          .secretKey;
      const reader = await keyWith(['environment:connections:read']);
      const stranger = await keyWith(['environment:integrations:read']);
      const id = await importApiKey({ metadata: { untouched: true } });
      const as = (key: string, path: string, init: { method?: string; json?: unknown } = {}) =>
        h.t.request(path, { ...init, key });

      expect(
        idsOf(
          (
            await bodyOf<{ connections: ListItem[] }>(
              await as(reader, `/connections?connectionId=${id}`),
              200,
            )
          ).connections,
        ),
      ).toEqual([id]);
      await errorOf(await as(stranger, '/connections'), 403, 'forbidden');
      const writes: Array<[string, string, unknown]> = [
        [
          'POST',
          '/connections',
          { provider_config_key: 'apikey', credentials: { type: 'API_KEY', apiKey: 'k' } },
        ],
        ['PATCH', `/connections/${id}?provider_config_key=apikey`, { tags: { hacked: 'yes' } }],
        ['DELETE', `/connections/${id}?provider_config_key=apikey`, undefined],
        ['POST', '/connections/metadata', { connection_id: id, provider_config_key: 'apikey', metadata: {} }],
        [
          'PATCH',
          '/connections/metadata',
          { connection_id: id, provider_config_key: 'apikey', metadata: { x: 1 } },
        ],
      ];
      for (const [method, path, json] of writes) {
        const error = await errorOf(await as(reader, path, { method, json }), 403, 'forbidden');
        expect(error.message, `${method} ${path}`).toContain('environment:connections:write');
      }
      const unchanged = await connection('apikey', id);
      expect(unchanged.metadata).toEqual({ untouched: true });
      expect(unchanged.tags).not.toHaveProperty('hacked');
    });
  });

  describe('legacy routes', () => {
    it('serves the singular aliases and trailing slashes', async () => {
      const created = await bodyOf<ConnectionBody>(
        await h.api('/connection', {
          method: 'POST',
          json: { provider_config_key: 'apikey', credentials: { type: 'API_KEY', apiKey: 'legacy' } },
        }),
        201,
      );
      const id = created.connection_id;
      const listed = await bodyOf<{ connections: ListItem[] }>(
        await h.api(`/connection?connectionId=${id}`),
        200,
      );
      expect(idsOf(listed.connections)).toEqual([id]);
      expect(idsOf(await list(`/?connectionId=${id}`))).toEqual([id]);
      expect(
        (await bodyOf<ConnectionBody>(await h.api(`/connection/${id}?provider_config_key=apikey`), 200))
          .credentials,
      ).toEqual({ type: 'API_KEY', apiKey: 'legacy' });

      const body = { connection_id: id, provider_config_key: 'apikey', metadata: { a: 1 } };
      expect(await bodyOf(await h.api('/connection/metadata', { method: 'POST', json: body }), 201)).toEqual(
        body,
      );
      await bodyOf(
        await h.api('/connection/metadata', { method: 'PATCH', json: { ...body, metadata: { b: 2 } } }),
        200,
      );
      expect((await connection('apikey', id)).metadata).toEqual({ a: 1, b: 2 });

      // Older SDKs: the id in the path, the key in the query or a header, the metadata as the body.
      expect(
        await bodyOf(
          await h.api(`/connection/${id}/metadata?provider_config_key=apikey`, {
            method: 'POST',
            json: { c: 3 },
          }),
          201,
        ),
      ).toEqual({ c: 3 });
      expect(
        await bodyOf(
          await h.api(`/connection/${id}/metadata`, {
            method: 'PATCH',
            headers: { 'Provider-Config-Key': 'apikey' },
            json: { d: 4 },
          }),
          200,
        ),
      ).toEqual({ d: 4 });
      expect((await connection('apikey', id)).metadata).toEqual({ c: 3, d: 4 });
      await errorOf(
        await h.api(`/connection/${id}/metadata`, { method: 'POST', json: { e: 5 } }),
        400,
        'invalid_query_params',
      );
      await errorOf(
        await h.api('/connection/missing/metadata?provider_config_key=apikey', { method: 'POST', json: {} }),
        404,
        'unknown_connection',
      );

      expect(await bodyOf(await remove('apikey', id, '/connection'), 200)).toEqual({ success: true });
      await errorOf(await h.api(`/connection/${id}?provider_config_key=apikey`), 404, 'not_found');
      await errorOf(await fetch(`${h.url}/connection`), 401, 'missing_auth_header');
    });
  });

  describe('@nangohq/node', () => {
    it('lists, sets and updates metadata, patches and deletes through the real SDK', async () => {
      const nango = new Nango({ secretKey: h.t.secretKey, host: h.url });
      const user = `sdk-user-${uid()}`;
      const id = await importApiKey({ end_user: { id: user, email: `${user}@example.com` } });

      const listed = await nango.listConnections({ userId: user });
      expect(listed.connections.map((item) => item.connection_id)).toEqual([id]);
      const byEmail = await nango.listConnections({ tags: { email: `${user}@example.com` } });
      expect(byEmail.connections.map((item) => item.connection_id)).toEqual([id]);

      expect((await nango.setMetadata('apikey', id, { plan: 'pro', seats: 3 })).status).toBe(201);
      expect((await nango.updateMetadata('apikey', [id], { seats: 5 })).status).toBe(200);
      expect(await nango.getMetadata('apikey', id)).toEqual({ plan: 'pro', seats: 5 });

      expect(
        await nango.patchConnection(
          { connectionId: id, provider_config_key: 'apikey' },
          { tags: { stage: 'beta' } },
        ),
      ).toEqual({ success: true });
      expect((await nango.getConnection('apikey', id)).tags).toEqual({ stage: 'beta' });

      const deleted = await nango.deleteConnection('apikey', id);
      expect(deleted.status).toBe(200);
      expect(deleted.data).toEqual({ success: true });
      await expect(nango.deleteConnection('apikey', id)).rejects.toMatchObject({
        response: { status: 400, data: { error: { code: 'unknown_connection' } } },
      });
    });
  });
});
