/**
 * Who may call what over GraphQL, and how failures look: anonymous and unknown callers are refused before anything
 * runs (401, `UNAUTHENTICATED`); missing scopes are `FORBIDDEN`; unexpected errors are masked and logged; depth and
 * complexity limits refuse a query before it runs; a connect session token reaches only the widget's operations.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/platform/logging/logger';
import { createGraphqlApp } from '../../src/transports/graphql/graphql-app';
import {
  createEventIntegration,
  type EventIntegration,
  saveConnection,
} from '../support/auth-event-fixtures';
import { databaseKinds } from '../support/test-database';
import { createTestLatchkey, type TestLatchkey } from '../support/test-latchkey';
import { graphql, graphqlData } from './support/graphql-client';

const QUIET = { LATCHKEY_WEBHOOKS: 'off', LATCHKEY_PROACTIVE_REFRESH: 'off' };
const CONNECTION =
  '{ connection(connectionId: "e1", providerConfigKey: "hooks") { __typename ... on Connection { credentials } } }';

describe.each(databaseKinds())('GraphQL access and errors (%s)', (kind) => {
  let t: TestLatchkey;
  let hooks: EventIntegration;
  let sessionToken: string;

  beforeAll(async () => {
    t = await createTestLatchkey(kind, QUIET);
    hooks = await createEventIntegration(t, 'hooks');
    await createEventIntegration(t, 'hidden');
    await saveConnection(t.latchkey, hooks, 'e1');
    const created = await graphqlData(
      t,
      'mutation { createConnectSession(input: { endUser: { id: "w-1" }, allowedIntegrations: ["hooks"] }) { ... on ConnectSessionToken { token } } }',
    );
    sessionToken = created.createConnectSession.token;
  });
  afterAll(() => t?.[Symbol.asyncDispose]());

  it('refuses anonymous, malformed and unknown credentials with 401 UNAUTHENTICATED and no data', async () => {
    for (const [key, errorCode] of [
      [null, 'missing_auth_header'],
      ['', 'malformed_auth_header'],
      ['not-a-real-key', 'unknown_api_key'],
      [`nango_connect_session_${'0'.repeat(64)}`, 'unknown_connect_session_token'],
    ] as const) {
      const result = await graphql(t, CONNECTION, {}, key);
      expect(result.status).toBe(401);
      expect(result.data).toBeUndefined();
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', errorCode });
    }
    const basic = await t.request('/graphql', {
      method: 'POST',
      json: { query: '{ __typename }' },
      key: null,
      headers: { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` },
    });
    expect(basic.status).toBe(401);
    // GET and introspection too.
    const get = await t.request(`/graphql?query=${encodeURIComponent('{ __schema { types { name } } }')}`, {
      key: null,
    });
    expect(get.status).toBe(401);
    expect(((await get.json()) as { data?: unknown }).data).toBeUndefined();
  });

  it('answers FORBIDDEN when the key lacks the scope, the same rule REST applies', async () => {
    const key = await t.latchkey.services.apiKeys.create({
      environmentId: hooks.environmentId,
      name: 'integrations only',
      scopes: ['environment:integrations:read'],
    });
    const result = await graphql(t, CONNECTION, {}, key.secretKey);
    expect(result.status).toBe(200);
    expect(result.data).toBeNull();
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', errorCode: 'forbidden' });
    expect(result.errors?.[0]?.message).toContain('environment:connections:read');
    expect(
      (await t.request('/connections/e1?provider_config_key=hooks', { key: key.secretKey })).status,
    ).toBe(403);
    // What the key may do still works.
    expect(
      (await graphqlData(t, '{ integrations { uniqueKey } }', {}, key.secretKey)).integrations,
    ).toHaveLength(2);
  });

  it('masks unexpected errors and logs them', async () => {
    const logs = t.latchkey.services.logs;
    const original = logs.list;
    logs.list = async () => {
      throw new Error('database exploded near token=abc123');
    };
    try {
      const result = await graphql(t, '{ logs { id } }');
      expect(result.errors).toHaveLength(1);
      expect(result.errors?.[0]?.message).toBe('Unexpected error.');
      expect(result.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      expect(JSON.stringify(result)).not.toContain('exploded');
      expect(t.logs.some((line) => line.includes('database exploded'))).toBe(true);
    } finally {
      logs.list = original;
    }
  });

  it('refuses queries that are too deep or too costly before running them', async () => {
    const deep = `{ connections(first: 1) { edges { node { integration { connections(first: 1) { edges { node {
      integration { connections(first: 1) { edges { node { id } } } } } } } } } } } }`;
    const tooDeep = await graphql(t, deep);
    expect(tooDeep.data).toBeUndefined();
    expect(tooDeep.errors?.map((error) => error.extensions?.code)).toContain('QUERY_TOO_DEEP');

    const costly = `{ connections(first: 100) { edges { node { integration { connections(first: 100) { edges { node { id connectionId } } } } } } } }`;
    const tooCostly = await graphql(t, costly);
    expect(tooCostly.data).toBeUndefined();
    expect(tooCostly.errors?.map((error) => error.extensions?.code)).toContain('QUERY_TOO_COMPLEX');
    // A page size in a variable counts as the largest page.
    const viaVariable = await graphql(
      t,
      'query($n: Int) { connections(first: $n) { edges { node { integration { connections(first: $n) { edges { node { id } } } } } } } }',
      { n: 2 },
    );
    expect(viaVariable.errors?.map((error) => error.extensions?.code)).toContain('QUERY_TOO_COMPLEX');
    // Fragments count as if written inline.
    const viaFragment = await graphql(
      t,
      `query { connections(first: 100) { edges { node { ...N } } } }
       fragment N on Connection { integration { connections(first: 100) { edges { node { id } } } } }`,
    );
    expect(viaFragment.errors?.map((error) => error.extensions?.code)).toContain('QUERY_TOO_COMPLEX');
    // Reasonable queries pass; introspection is not limited.
    expect(
      (await graphql(t, '{ connections(first: 10) { edges { node { id integration { uniqueKey } } } } }'))
        .errors,
    ).toBeUndefined();
    const introspection = await graphql(
      t,
      '{ __schema { types { name fields { name type { name ofType { name ofType { name ofType { name ofType { name } } } } } } } } }',
    );
    expect(introspection.errors).toBeUndefined();
  });

  it('lets a connect session token read its session and allowed integrations, and nothing else', async () => {
    const session = await graphqlData(
      t,
      '{ connectSession { endUser { id } allowedIntegrations isReconnecting integrations { uniqueKey authMode connectionConfigFields } } }',
      {},
      sessionToken,
    );
    expect(session.connectSession).toMatchObject({
      endUser: { id: 'w-1' },
      allowedIntegrations: ['hooks'],
      isReconnecting: false,
      integrations: [{ uniqueKey: 'hooks', authMode: 'OAUTH2' }],
    });
    const visible = await graphqlData(t, '{ integrations { uniqueKey } }', {}, sessionToken);
    expect(visible.integrations).toEqual([{ uniqueKey: 'hooks' }]);
    expect(
      (await graphqlData(t, '{ providers(search: "^github$") { name } }', {}, sessionToken)).providers,
    ).toEqual([{ name: 'github' }]);

    for (const query of [
      CONNECTION,
      '{ connections(first: 1) { edges { node { id } } } }',
      '{ environment { publicKey } }',
      '{ logs { id } }',
      'mutation { createConnectSession(input: { endUser: { id: "x" } }) { __typename } }',
      'mutation { deleteIntegration(uniqueKey: "hooks") { __typename } }',
      'mutation { rotateWebhookSigningKey { webhookSigningKey } }',
    ]) {
      const result = await graphql(t, query, {}, sessionToken);
      expect(result.errors?.[0]?.extensions?.code, query).toBe('FORBIDDEN');
      expect(result.data, query).toBeNull();
    }
    // And a secret key cannot act as a widget.
    const asKey = await graphql(t, '{ connectSession { expiresAt } }');
    expect(asKey.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await t.request('/integrations/hooks')).status).toBe(200);
  });

  it('submits API key credentials with a session token, within the integrations the session allows', async () => {
    await graphqlData(t, 'mutation($d: JSON!) { createProvider(definition: $d) { __typename } }', {
      d: {
        name: 'err-keys',
        display_name: 'Keys',
        auth_mode: 'API_KEY',
        proxy: { base_url: 'https://api.example.com', headers: { authorization: 'Bearer ${apiKey}' } },
        credentials: { apiKey: { type: 'string', title: 'API key', description: 'Key', secret: true } },
        docs: 'https://example.com/docs',
      },
    });
    for (const key of ['keys', 'other-keys']) {
      await graphqlData(
        t,
        'mutation($key: String!) { createIntegration(input: { uniqueKey: $key, provider: "err-keys" }) { __typename } }',
        { key },
      );
    }
    const created = await graphqlData(
      t,
      'mutation { createConnectSession(input: { endUser: { id: "k-1" }, allowedIntegrations: ["keys"] }) { ... on ConnectSessionToken { token } } }',
    );
    const token = created.createConnectSession.token;
    const submit = /* GraphQL */ `
      mutation($integration: String!, $apiKey: String!) {
        connectWithApiKey(integration: $integration, apiKey: $apiKey) {
          __typename
          ... on ConnectedPayload { providerConfigKey connectionId }
          ... on Error { code message }
        }
      }
    `;
    const ok = await graphqlData(t, submit, { integration: 'keys', apiKey: 'sk-live-1' }, token);
    expect(ok.connectWithApiKey).toMatchObject({ __typename: 'ConnectedPayload', providerConfigKey: 'keys' });
    const stored = await graphqlData(
      t,
      'query($id: String!) { connection(connectionId: $id, providerConfigKey: "keys") { ... on Connection { credentials endUser { id } } } }',
      { id: ok.connectWithApiKey.connectionId },
    );
    expect(stored.connection).toEqual({
      credentials: { type: 'API_KEY', apiKey: 'sk-live-1' },
      endUser: expect.objectContaining({ id: 'k-1' }),
    });

    const notAllowed = await graphqlData(t, submit, { integration: 'other-keys', apiKey: 'x' }, token);
    expect(notAllowed.connectWithApiKey).toMatchObject({
      __typename: 'AuthFlowError',
      code: 'integration_not_allowed',
    });
    const empty = await graphqlData(t, submit, { integration: 'keys', apiKey: '' }, token);
    expect(empty.connectWithApiKey.__typename).toBe('InvalidInputError');

    // Any one-request mode through one mutation: the mode's own schema checks the credentials.
    const generic = /* GraphQL */ `
      mutation($integration: String!, $authMode: String!, $credentials: JSON) {
        connectWithCredentials(integration: $integration, authMode: $authMode, credentials: $credentials) {
          __typename
          ... on ConnectedPayload { providerConfigKey connectionId }
          ... on Error { code message }
        }
      }
    `;
    const viaGeneric = await graphqlData(
      t,
      generic,
      { integration: 'keys', authMode: 'API_KEY', credentials: { apiKey: 'sk-live-2' } },
      token,
    );
    expect(viaGeneric.connectWithCredentials).toMatchObject({
      __typename: 'ConnectedPayload',
      providerConfigKey: 'keys',
    });
    const badCredentials = await graphqlData(
      t,
      generic,
      { integration: 'keys', authMode: 'API_KEY', credentials: { apiKey: 'x', extra: 1 } },
      token,
    );
    expect(badCredentials.connectWithCredentials).toMatchObject({ code: 'invalid_body' });
    expect(badCredentials.connectWithCredentials.message).toContain('credentials');
    const asKey = await graphql(t, submit, { integration: 'keys', apiKey: 'x' });
    expect(asKey.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // No key, token or password in the logs.
    expect(t.logs.join('\n')).not.toContain('sk-live-1');
    expect(t.logs.join('\n')).not.toContain(token);
  });

  it('answers with the same CORS and request-id headers as REST', async () => {
    const response = await t.request('/graphql', {
      method: 'POST',
      json: { query: '{ integrations { uniqueKey } }' },
      headers: { 'x-request-id': 'trace-123', origin: 'https://app.example.com' },
    });
    expect(response.status).toBe(200);
    // No allowed origins configured: no grant, as on REST (cors.test.ts covers the configured cases).
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('vary')).toContain('Origin');
    expect(response.headers.get('x-request-id')).toBe('trace-123');
    const preflight = await t.request('/graphql', {
      method: 'OPTIONS',
      key: null,
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
  });

  it('refuses a body over the size limit, with or without Content-Length', async () => {
    const query = `{ integrations { uniqueKey } } # ${'x'.repeat(t.latchkey.config.bodyLimit)}`;
    const body = JSON.stringify({ query });
    const headers = { authorization: `Bearer ${t.secretKey}`, 'content-type': 'application/json' };
    const declared = await t.latchkey.app.request('/graphql', {
      method: 'POST',
      body,
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
    });
    expect(declared.status).toBe(413);
    expect(((await declared.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
    const streamed = await t.latchkey.app.request('/graphql', { method: 'POST', body, headers });
    expect(streamed.status).toBe(413);
  });

  it('serves GraphiQL in development only', async () => {
    const page = await t.request('/graphql', { headers: { accept: 'text/html' }, key: null });
    expect(page.headers.get('content-type') ?? '').not.toContain('text/html');
    const development = createGraphqlApp({
      services: t.latchkey.services,
      logger: createLogger('silent'),
      graphiql: true,
    });
    const graphiql = await development.fetch(
      new Request('http://latchkey.test/graphql', { headers: { accept: 'text/html' } }),
    );
    expect(graphiql.headers.get('content-type')).toContain('text/html');
    expect(await graphiql.text()).toContain('GraphiQL');
  });
});
