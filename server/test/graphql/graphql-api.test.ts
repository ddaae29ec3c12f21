/**
 * GraphQL queries and mutations over the real app and database: integrations and providers, connections with relay
 * pagination and every filter, credentials as REST gives them, metadata, patch and delete, connect sessions,
 * environment settings, logs and webhook deliveries. Expected failures come back as union members.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createEventIntegration,
  type EventIntegration,
  saveConnection,
} from '../support/auth-event-fixtures';
import { databaseKinds } from '../support/test-database';
import { createTestLatchkey, type TestLatchkey } from '../support/test-latchkey';
import { graphql, graphqlData } from './support/graphql-client';

const QUIET = { LATCHKEY_WEBHOOKS: 'off', LATCHKEY_PROACTIVE_REFRESH: 'off' };

const PAGE = /* GraphQL */ `
  query Page($first: Int, $after: String, $last: Int, $before: String, $filter: ConnectionFilter) {
    connections(first: $first, after: $after, last: $last, before: $before, filter: $filter) {
      edges { cursor node { id connectionId } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
`;

interface Page {
  connections: {
    edges: Array<{ cursor: string; node: { id: string; connectionId: string } }>;
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string; endCursor: string };
  };
}

describe.each(databaseKinds())('GraphQL API (%s)', (kind) => {
  let t: TestLatchkey;
  let hooks: EventIntegration;
  const ids = (page: Page) => page.connections.edges.map((edge) => edge.node.connectionId);

  beforeAll(async () => {
    t = await createTestLatchkey(kind, QUIET);
    hooks = await createEventIntegration(t, 'hooks');
    for (const id of ['c1', 'c2', 'c3', 'c4', 'c5']) await saveConnection(t.latchkey, hooks, id);
  });
  afterAll(() => t?.[Symbol.asyncDispose]());

  it('creates, reads, updates and deletes integrations, with typed errors', async () => {
    const create = /* GraphQL */ `
      mutation Create($input: CreateIntegrationInput!) {
        createIntegration(input: $input) {
          __typename
          ... on Integration { uniqueKey provider displayName }
          ... on Error { code message }
          ... on InvalidInputError { issues { path message } }
        }
      }
    `;
    const input = {
      uniqueKey: 'gh-gql',
      provider: 'github',
      credentials: { type: 'OAUTH2', clientId: 'id-1', clientSecret: 'secret-1', scopes: 'repo,user' },
    };
    const created = await graphqlData(t, create, { input });
    expect(created.createIntegration).toMatchObject({
      __typename: 'Integration',
      uniqueKey: 'gh-gql',
      provider: 'github',
    });
    const again = await graphqlData(t, create, { input });
    expect(again.createIntegration).toMatchObject({
      __typename: 'ConflictError',
      code: 'integration_already_exists',
    });
    const invalid = await graphqlData(t, create, { input: { ...input, uniqueKey: 'bad/key' } });
    expect(invalid.createIntegration.__typename).toBe('InvalidInputError');
    expect(invalid.createIntegration.code).toBe('invalid_body');
    expect(invalid.createIntegration.issues[0].path).toContain('unique_key');

    const read = /* GraphQL */ `
      query Read($key: String!) {
        integration(uniqueKey: $key, include: [CREDENTIALS]) {
          __typename
          ... on Integration { uniqueKey credentials }
          ... on NotFoundError { code }
        }
      }
    `;
    const withCredentials = await graphqlData(t, read, { key: 'gh-gql' });
    expect(withCredentials.integration.credentials).toMatchObject({
      type: 'OAUTH2',
      client_id: 'id-1',
      client_secret: 'secret-1',
    });
    // The same object REST answers.
    const rest = await (await t.request('/integrations/gh-gql?include=credentials')).json();
    expect(withCredentials.integration.credentials).toEqual(rest.data.credentials);
    expect((await graphqlData(t, read, { key: 'missing' })).integration).toEqual({
      __typename: 'NotFoundError',
      code: 'not_found',
    });

    const updated = await graphqlData(
      t,
      `mutation { updateIntegration(uniqueKey: "gh-gql", input: { displayName: "GitHub (GraphQL)" }) { ... on Integration { displayName } } }`,
    );
    expect(updated.updateIntegration.displayName).toBe('GitHub (GraphQL)');
    const list = await graphqlData(t, '{ integrations { uniqueKey } }');
    expect(list.integrations.map((i: { uniqueKey: string }) => i.uniqueKey).sort()).toEqual([
      'gh-gql',
      'hooks',
    ]);
    const deleted = await graphqlData(
      t,
      `mutation { deleteIntegration(uniqueKey: "gh-gql") { ... on DeletedPayload { success } } }`,
    );
    expect(deleted.deleteIntegration.success).toBe(true);
    expect((await t.request('/integrations/gh-gql')).status).toBe(404);
  });

  it('searches providers and manages custom ones', async () => {
    const found = await graphqlData(t, '{ providers(search: "^githu") { name authMode custom logoUrl } }');
    expect(found.providers.map((p: { name: string }) => p.name)).toContain('github');
    expect(found.providers.every((p: { name: string }) => /^githu/i.test(p.name))).toBe(true);
    const missing = await graphqlData(
      t,
      '{ provider(name: "no-such-provider") { __typename ... on Error { code } } }',
    );
    expect(missing.provider).toEqual({ __typename: 'NotFoundError', code: 'not_found' });

    const definition = {
      name: 'gql-custom',
      display_name: 'GraphQL Custom',
      auth_mode: 'API_KEY',
      proxy: { base_url: 'https://api.example.com', headers: { authorization: 'Bearer ${apiKey}' } },
      credentials: {
        apiKey: { type: 'string', title: 'API key', description: 'Your API key', secret: true },
      },
      docs: 'https://example.com/docs',
    };
    const created = await graphqlData(
      t,
      'mutation($d: JSON!) { createProvider(definition: $d) { __typename ... on Provider { name custom authMode } ... on Error { code message } } }',
      { d: definition },
    );
    expect(created.createProvider).toEqual({
      __typename: 'Provider',
      name: 'gql-custom',
      custom: true,
      authMode: 'API_KEY',
    });
    const bad = await graphqlData(
      t,
      'mutation($d: JSON!) { createProvider(definition: $d) { __typename ... on Error { code } } }',
      { d: { name: 'x' } },
    );
    expect(bad.createProvider.__typename).toBe('InvalidInputError');
    const renamed = await graphqlData(
      t,
      'mutation { updateProvider(name: "gql-custom", patch: { display_name: "Renamed" }) { ... on Provider { displayName } } }',
    );
    expect(renamed.updateProvider.displayName).toBe('Renamed');
    const removed = await graphqlData(t, 'mutation { deleteProvider(name: "gql-custom") { __typename } }');
    expect(removed.deleteProvider.__typename).toBe('DeletedPayload');
    expect((await t.request('/providers/gql-custom')).status).toBe(404);
  });

  it('pages through connections forwards and backwards without gaps or repeats', async () => {
    const forward: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await graphqlData<Page>(t, PAGE, { first: 2, after });
      forward.push(...ids(page));
      expect(page.connections.edges.length).toBeLessThanOrEqual(2);
      if (!page.connections.pageInfo.hasNextPage) break;
      after = page.connections.pageInfo.endCursor;
    }
    expect(forward).toEqual(['c5', 'c4', 'c3', 'c2', 'c1']);

    const last = await graphqlData<Page>(t, PAGE, { last: 2 });
    expect(ids(last)).toEqual(['c2', 'c1']);
    expect(last.connections.pageInfo.hasPreviousPage).toBe(true);
    const before = await graphqlData<Page>(t, PAGE, {
      last: 2,
      before: last.connections.pageInfo.startCursor,
    });
    expect(ids(before)).toEqual(['c4', 'c3']);

    const bad = await graphql(t, PAGE, { first: 2, after: 'not-a-cursor' });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', errorCode: 'invalid_body' });
    // Pages are capped at 100, not refused.
    const capped = await graphqlData<Page>(t, PAGE, { first: 500 });
    expect(ids(capped)).toEqual(forward);
  });

  it('filters connections by end user, organization, integration, tags, state and search', async () => {
    const filtered = async (filter: Record<string, unknown>) =>
      ids(await graphqlData<Page>(t, PAGE, { first: 50, filter }));
    expect(await filtered({ endUserId: 'user-c2' })).toEqual(['c2']);
    expect(await filtered({ search: 'c3@example' })).toEqual(['c3']);
    expect(await filtered({ integrationIds: ['nope'] })).toEqual([]);
    expect(await filtered({ integrationIds: ['hooks'] })).toHaveLength(5);

    const patch = /* GraphQL */ `
      mutation($id: String!, $input: PatchConnectionInput!) {
        patchConnection(connectionId: $id, providerConfigKey: "hooks", input: $input) {
          __typename ... on Error { code }
        }
      }
    `;
    const patched = await graphqlData(t, patch, {
      id: 'c4',
      input: { tags: { Team: 'blue' }, endUser: { id: 'user-c4', email: 'c4@example.com' } },
    });
    expect(patched.patchConnection.__typename).toBe('UpdatedPayload');
    expect(await filtered({ tags: { team: 'blue' } })).toEqual(['c4']);
    expect(await filtered({ tags: { team: 'blue', end_user_id: 'user-c4' } })).toEqual(['c4']);
    const missing = await graphqlData(t, patch, { id: 'nope', input: { tags: { a: 'b' } } });
    expect(missing.patchConnection).toEqual({ __typename: 'NotFoundError', code: 'not_found' });

    await t.database.db
      .updateTable('connections')
      .set({ refresh_state: 'refresh_failed' })
      .where('connection_id', '=', 'c1')
      .execute();
    expect(await filtered({ refreshState: 'REFRESH_FAILED' })).toEqual(['c1']);
    expect(await filtered({ refreshState: 'ACTIVE' })).toEqual(['c5', 'c4', 'c3', 'c2']);
    await t.database.db
      .updateTable('connections')
      .set({ refresh_state: 'active' })
      .where('connection_id', '=', 'c1')
      .execute();

    await t.request('/connections/c5?provider_config_key=hooks', {
      method: 'PATCH',
      json: { end_user: { id: 'org-user' } },
    });
    await t.database.db
      .updateTable('connections')
      .set({
        end_user: JSON.stringify({ id: 'org-user', organization: { id: 'org-9', display_name: 'Nine' } }),
      })
      .where('connection_id', '=', 'c5')
      .execute();
    expect(await filtered({ endUserOrganizationId: 'org-9' })).toEqual(['c5']);

    const invalid = await graphql(t, PAGE, { first: 5, filter: { tags: { team: '' } } });
    expect(invalid.errors?.[0]?.extensions?.errorCode).toBe('invalid_body');
  });

  it('reads a connection with the credentials REST gives, and list nodes load theirs lazily', async () => {
    const query = /* GraphQL */ `
      query($id: String!, $key: String!, $withRefresh: Boolean) {
        connection(connectionId: $id, providerConfigKey: $key, includeRefreshToken: $withRefresh) {
          __typename
          ... on Connection {
            id connectionId providerConfigKey provider refreshState createdAt updatedAt lastFetchedAt
            credentials connectionConfig webhookUrlOverride tags metadata
            endUser { id email }
            integration { uniqueKey provider }
          }
          ... on Error { code message }
        }
      }
    `;
    const result = await graphqlData(t, query, { id: 'c3', key: 'hooks' });
    const rest = await (await t.request('/connections/c3?provider_config_key=hooks')).json();
    expect(result.connection).toMatchObject({
      __typename: 'Connection',
      id: String(rest.id),
      connectionId: 'c3',
      provider: 'github',
      refreshState: 'ACTIVE',
      credentials: rest.credentials,
      connectionConfig: rest.connection_config,
      endUser: { id: 'user-c3', email: 'c3@example.com' },
      integration: { uniqueKey: 'hooks', provider: 'github' },
    });
    expect(result.connection.credentials.access_token).toMatch(/^token-c3-/);

    expect((await graphqlData(t, query, { id: 'nope', key: 'hooks' })).connection).toMatchObject({
      __typename: 'NotFoundError',
      code: 'not_found',
    });
    expect((await graphqlData(t, query, { id: 'c3', key: 'nope' })).connection).toMatchObject({
      __typename: 'NotFoundError',
      code: 'unknown_provider_config',
    });

    const nodes = await graphqlData(
      t,
      '{ connections(first: 2) { edges { node { connectionId credentials integration { uniqueKey } } } } }',
    );
    for (const { node } of nodes.connections.edges) {
      expect(node.credentials.access_token).toMatch(new RegExp(`^token-${node.connectionId}-`));
      expect(node.integration.uniqueKey).toBe('hooks');
    }

    // Without the credentials scope: the record, no credentials, as REST.
    const reader = await t.latchkey.services.apiKeys.create({
      environmentId: hooks.environmentId,
      name: 'reader',
      scopes: ['environment:connections:read', 'environment:integrations:read'],
    });
    const limited = await graphqlData(t, query, { id: 'c3', key: 'hooks' }, reader.secretKey);
    expect(limited.connection.credentials).toEqual({});
    const refused = await graphql(t, query, { id: 'c3', key: 'hooks', withRefresh: true }, reader.secretKey);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', errorCode: 'forbidden' });
  });

  it('replaces and merges metadata atomically', async () => {
    const write = (name: string) => /* GraphQL */ `
      mutation($input: MetadataInput!) {
        ${name}(input: $input) {
          __typename
          ... on MetadataPayload { connectionIds metadata }
          ... on Error { code message }
        }
      }
    `;
    const set = await graphqlData(t, write('setMetadata'), {
      input: { connectionIds: ['c1', 'c2'], providerConfigKey: 'hooks', metadata: { plan: 'pro', seats: 3 } },
    });
    expect(set.setMetadata).toEqual({
      __typename: 'MetadataPayload',
      connectionIds: ['c1', 'c2'],
      metadata: { plan: 'pro', seats: 3 },
    });
    await graphqlData(t, write('updateMetadata'), {
      input: { connectionIds: ['c1'], providerConfigKey: 'hooks', metadata: { seats: 5 } },
    });
    const unknown = await graphqlData(t, write('setMetadata'), {
      input: { connectionIds: ['c2', 'ghost'], providerConfigKey: 'hooks', metadata: { wiped: true } },
    });
    expect(unknown.setMetadata).toMatchObject({ __typename: 'NotFoundError', code: 'unknown_connection' });
    const read = async (id: string) =>
      (
        await graphqlData(
          t,
          `{ connection(connectionId: "${id}", providerConfigKey: "hooks") { ... on Connection { metadata } } }`,
        )
      ).connection.metadata;
    expect(await read('c1')).toEqual({ plan: 'pro', seats: 5 });
    expect(await read('c2')).toEqual({ plan: 'pro', seats: 3 });
  });

  it('deletes a connection once', async () => {
    await saveConnection(t.latchkey, hooks, 'doomed');
    const remove = `mutation { deleteConnection(connectionId: "doomed", providerConfigKey: "hooks") { __typename ... on Error { code } } }`;
    expect((await graphqlData(t, remove)).deleteConnection).toEqual({ __typename: 'DeletedPayload' });
    expect((await graphqlData(t, remove)).deleteConnection).toEqual({
      __typename: 'NotFoundError',
      code: 'unknown_connection',
    });
    expect((await t.request('/connections/doomed?provider_config_key=hooks')).status).toBe(404);
  });

  it('creates connect and reconnect sessions, refusing invalid input', async () => {
    const create = /* GraphQL */ `
      mutation($input: CreateConnectSessionInput!) {
        createConnectSession(input: $input) {
          __typename
          ... on ConnectSessionToken { token connectLink expiresAt }
          ... on InvalidInputError { code issues { path } }
        }
      }
    `;
    const created = await graphqlData(t, create, {
      input: { endUser: { id: 'u-1', email: 'u1@example.com' }, allowedIntegrations: ['hooks'] },
    });
    expect(created.createConnectSession.token).toMatch(/^nango_connect_session_[a-f0-9]{64}$/);
    expect(created.createConnectSession.connectLink).toContain(created.createConnectSession.token);
    expect(Date.parse(created.createConnectSession.expiresAt)).toBeGreaterThan(Date.now());

    const noUser = await graphqlData(t, create, { input: { allowedIntegrations: ['hooks'] } });
    expect(noUser.createConnectSession.__typename).toBe('InvalidInputError');
    expect(noUser.createConnectSession.issues[0].path).toContain('end_user');
    const unknownIntegration = await graphqlData(t, create, {
      input: { endUser: { id: 'u-1' }, allowedIntegrations: ['ghost'] },
    });
    expect(unknownIntegration.createConnectSession).toMatchObject({
      __typename: 'InvalidInputError',
      code: 'invalid_body',
    });

    const reconnect = /* GraphQL */ `
      mutation($input: CreateReconnectSessionInput!) {
        createReconnectSession(input: $input) {
          __typename
          ... on ConnectSessionToken { token }
          ... on Error { code message }
        }
      }
    `;
    const pinned = await graphqlData(t, reconnect, { input: { connectionId: 'c2', integrationId: 'hooks' } });
    expect(pinned.createReconnectSession.token).toMatch(/^nango_connect_session_/);
    const gone = await graphqlData(t, reconnect, {
      input: { connectionId: 'ghost', integrationId: 'hooks' },
    });
    expect(gone.createReconnectSession).toMatchObject({
      __typename: 'InvalidInputError',
      code: 'invalid_body',
    });
  });

  it('reads and changes environment settings, rotating the signing key', async () => {
    const read = await graphqlData(
      t,
      '{ environment(include: [WEBHOOK_SIGNING_KEY]) { name publicKey webhookSigningKey hmacKey } }',
    );
    expect(read.environment.name).toBe('dev');
    expect(read.environment.hmacKey).toBeNull();
    const updated = await graphqlData(
      t,
      'mutation { updateEnvironmentSettings(input: { webhookUrl: "https://hooks.example.com/in", webhookOnAuthCreation: false }) { __typename ... on Environment { webhookUrl webhookOnAuthCreation } } }',
    );
    expect(updated.updateEnvironmentSettings).toEqual({
      __typename: 'Environment',
      webhookUrl: 'https://hooks.example.com/in',
      webhookOnAuthCreation: false,
    });
    const cleared = await graphqlData(
      t,
      'mutation { updateEnvironmentSettings(input: { webhookUrl: null }) { ... on Environment { webhookUrl } } }',
    );
    expect(cleared.updateEnvironmentSettings.webhookUrl).toBeNull();
    const invalid = await graphqlData(
      t,
      'mutation { updateEnvironmentSettings(input: { webhookUrl: "ftp://x" }) { __typename } }',
    );
    expect(invalid.updateEnvironmentSettings.__typename).toBe('InvalidInputError');
    const rotated = await graphqlData(t, 'mutation { rotateWebhookSigningKey { webhookSigningKey } }');
    expect(rotated.rotateWebhookSigningKey.webhookSigningKey).not.toBe(read.environment.webhookSigningKey);
    const after = await (await t.request('/environment?include=webhook_signing_key')).json();
    expect(after.data.webhook_signing_key).toBe(rotated.rotateWebhookSigningKey.webhookSigningKey);
  });

  it('lists logs and webhook deliveries, and replays a delivery', async () => {
    const logs = await graphqlData(t, '{ logs(limit: 5) { id status messages { level message } } }');
    expect(Array.isArray(logs.logs)).toBe(true);
    expect((await graphql(t, '{ logs(limit: 0) { id } }')).errors?.[0]?.extensions?.errorCode).toBe(
      'invalid_body',
    );

    // Deliveries exist once a webhook URL is set when events are written.
    await t.request('/environment/webhook', {
      method: 'PATCH',
      json: { primary_url: 'https://hooks.example.com/a', on_auth_creation: true },
    });
    await saveConnection(t.latchkey, hooks, 'hooked');
    const deliveries = await graphqlData(
      t,
      '{ webhookDeliveries(connectionId: "hooked") { id status url eventId } }',
    );
    expect(deliveries.webhookDeliveries).toHaveLength(1);
    expect(deliveries.webhookDeliveries[0]).toMatchObject({
      status: 'PENDING',
      url: 'https://hooks.example.com/a',
    });
    const replay = /* GraphQL */ `
      mutation($id: ID!) { replayWebhookDelivery(id: $id) { __typename ... on WebhookDelivery { id eventId status } ... on Error { code } } }
    `;
    const replayed = await graphqlData(t, replay, { id: deliveries.webhookDeliveries[0].id });
    expect(replayed.replayWebhookDelivery).toMatchObject({
      __typename: 'WebhookDelivery',
      eventId: deliveries.webhookDeliveries[0].eventId,
      status: 'PENDING',
    });
    expect(replayed.replayWebhookDelivery.id).not.toBe(deliveries.webhookDeliveries[0].id);
    expect(
      (await graphqlData(t, replay, { id: '8d9d1c43-7b8e-4c4f-9b55-1f3f1c8f2a11' })).replayWebhookDelivery
        .__typename,
    ).toBe('NotFoundError');
    expect((await graphqlData(t, replay, { id: 'nope' })).replayWebhookDelivery.__typename).toBe(
      'InvalidInputError',
    );
  });
});
