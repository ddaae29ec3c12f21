/**
 * A real OAuth 2.0 flow started over GraphQL with a connect session token, against the local oidc-provider; then the
 * connection's credentials over GraphQL (as REST gives them), a forced refresh, and a refresh the provider refuses,
 * which comes back as `RefreshFailedError`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { driveAuthorization } from '../support/browser-driver';
import { type FlowHarness, startFlowHarness } from '../support/flow-harness';
import { databaseKinds } from '../support/test-database';
import { graphqlData } from './support/graphql-client';

const CONNECTION = /* GraphQL */ `
  query($id: String!) {
    connection(connectionId: $id, providerConfigKey: "local") {
      __typename
      ... on Connection { connectionId refreshState credentials endUser { id } }
      ... on Error { code message }
    }
  }
`;
const REFRESH = /* GraphQL */ `
  mutation($id: String!) {
    refreshConnection(connectionId: $id, providerConfigKey: "local") {
      __typename
      ... on Connection { credentials }
      ... on RefreshFailedError { code message retryLater }
    }
  }
`;

describe.each(databaseKinds())('GraphQL with a real OAuth provider (%s)', (kind) => {
  let h: FlowHarness;
  beforeAll(async () => {
    h = await startFlowHarness(kind, {
      env: { LATCHKEY_PROACTIVE_REFRESH: 'off', LATCHKEY_WEBHOOKS: 'off' },
    });
  });
  afterAll(() => h?.[Symbol.asyncDispose]());

  it('connects through startOAuthFlow, reads fresh credentials, refreshes, and reports a refused refresh', async () => {
    const session = await graphqlData(
      h.t,
      'mutation { createConnectSession(input: { endUser: { id: "oauth-user" }, allowedIntegrations: ["local"] }) { ... on ConnectSessionToken { token } } }',
    );
    const token = session.createConnectSession.token;
    const started = await graphqlData(
      h.t,
      'mutation { startOAuthFlow(integration: "local") { __typename ... on OAuthFlowStart { authorizationUrl } ... on Error { code } } }',
      {},
      token,
    );
    expect(started.startOAuthFlow.__typename).toBe('OAuthFlowStart');
    const authorizationUrl = new URL(started.startOAuthFlow.authorizationUrl);
    expect(authorizationUrl.origin).toBe(h.oidc.issuer);
    expect(authorizationUrl.searchParams.get('code_challenge_method')).toBe('S256');

    const { callbackUrl } = await driveAuthorization(authorizationUrl.href, { issuer: h.oidc.issuer });
    const completed = await h.complete(callbackUrl);
    expect(completed.status).toBe(200);
    const { connectionId } = (await completed.json()) as { connectionId: string };

    const read = await graphqlData(h.t, CONNECTION, { id: connectionId });
    const rest = await (await h.api(`/connections/${connectionId}?provider_config_key=local`)).json();
    expect(read.connection).toMatchObject({
      __typename: 'Connection',
      connectionId,
      refreshState: 'ACTIVE',
      endUser: { id: 'oauth-user' },
      credentials: rest.credentials,
    });
    expect(read.connection.credentials.access_token).toEqual(expect.any(String));
    expect(read.connection.credentials).not.toHaveProperty('refresh_token');

    const grants = h.oidc.counters.refreshGrants;
    const refreshed = await graphqlData(h.t, REFRESH, { id: connectionId });
    expect(refreshed.refreshConnection.__typename).toBe('Connection');
    expect(refreshed.refreshConnection.credentials.access_token).not.toBe(
      read.connection.credentials.access_token,
    );
    expect(h.oidc.counters.refreshGrants).toBe(grants + 1);
    const restAfter = await (await h.api(`/connections/${connectionId}?provider_config_key=local`)).json();
    expect(restAfter.credentials.access_token).toBe(refreshed.refreshConnection.credentials.access_token);

    await h.oidc.revokeAll();
    const refused = await graphqlData(h.t, REFRESH, { id: connectionId });
    expect(refused.refreshConnection).toMatchObject({
      __typename: 'RefreshFailedError',
      code: 'invalid_credentials',
      retryLater: false,
    });
    const state = await graphqlData(h.t, CONNECTION, { id: connectionId });
    expect(state.connection.refreshState).not.toBe('ACTIVE');
    const filtered = await graphqlData(
      h.t,
      '{ connections(first: 5, filter: { refreshState: ACTIVE }) { edges { node { connectionId } } } }',
    );
    expect(filtered.connections.edges).toEqual([]);
  });
});
