/**
 * One scenario through every API, against one Latchkey and a real authorization server (rotating refresh tokens):
 * create a connect session, connect through the authorization server, read the credentials, then meet a refresh
 * failure (the grant revoked there). REST, GraphQL (HTTP, with subscriptions over SSE and over graphql-ws) and tRPC
 * (through `@latchkey/client`) must give the same results once connection ids and token values are set aside.
 */
import { createLatchkeyClient, latchkeyErrorCode } from '@latchkey/client';
import { TRPCClientError } from '@trpc/client';
import { type Client, createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { driveAuthorization } from '../../server/test/support/browser-driver';
import { type FlowHarness, startFlowHarness } from '../../server/test/support/flow-harness';
import { openSse, type SseStream } from '../../server/test/support/sse-client';
import { databaseKinds } from '../../server/test/support/test-database';

/** What one run of the scenario observed, with nothing that differs between connections by nature. */
interface ScenarioResult {
  sessionToken: string;
  connected: { providerConfigKey: string };
  credentials: { type: unknown; accessToken: string; refreshToken: string; expiresAt: string };
  connection: { providerConfigKey: string; provider: string; endUserId: unknown; refreshState: string };
  refreshFailure: { code: string; retryLater: boolean };
  afterFailure: { refreshState: string };
  /** Per subscriber: this connection's events as `operation:success`, in order. */
  events: Record<string, string[]>;
}

/** The steps each transport implements its own way; the scenario around them is the same for all. */
interface Transport {
  createSession(): Promise<string>;
  /** Starts the OAuth flow with the session token; answers the provider's authorization URL. */
  startFlow(sessionToken: string): Promise<string>;
  readConnection(connectionId: string): Promise<{
    providerConfigKey: string;
    provider: string;
    endUserId: unknown;
    refreshState: string;
    credentials: Record<string, unknown>;
  }>;
  /** A forced refresh that is expected to fail: our code, and whether the server says to retry later (424). */
  failingRefresh(connectionId: string): Promise<{ code: string; retryLater: boolean }>;
  /** The refresh state as the connection list shows it. */
  listedRefreshState(connectionId: string): Promise<string>;
  /** Live subscribers started after `cursor`; each collects `[connectionId, 'operation:success']`. */
  subscribe(cursor: string): Promise<Subscriber[]>;
}

interface Subscriber {
  name: string;
  /** What arrived so far, as `[connectionId, 'operation:success']`. */
  events(): Array<[string, string]>;
  close(): void;
}

const INTEGRATION = 'local';
const END_USER = { id: 'typed-user', email: 'typed@example.com' };

/** Present-or-absent, so values that differ by connection compare equal. */
const presence = (value: unknown) => (typeof value === 'string' && value !== '' ? 'string' : String(value));

async function waitFor(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe.each(databaseKinds())('the same scenario through REST, GraphQL and tRPC (%s)', (kind) => {
  let h: FlowHarness;
  beforeAll(async () => {
    h = await startFlowHarness(kind, {
      oidc: { accessTokenTtlSeconds: 60, rotateRefreshTokens: true },
      env: { LATCHKEY_REFRESH_MARGIN_SECONDS: '1', LATCHKEY_PROACTIVE_REFRESH: 'off' },
    });
  });
  afterAll(() => h?.[Symbol.asyncDispose]());

  const bearer = () => ({ authorization: `Bearer ${h.t.secretKey}` });

  /** The newest event id: subscribers start after it, so they see exactly what the scenario writes. */
  async function latestCursor(): Promise<string> {
    let cursor = '0';
    for (;;) {
      const page = (await (await h.api(`/events?after=${cursor}&limit=1000`)).json()) as {
        data: unknown[];
        next_cursor: string;
      };
      if (page.data.length === 0) return cursor;
      cursor = page.next_cursor;
    }
  }

  function sseSubscriber(
    name: string,
    stream: SseStream,
    parse: (data: string) => [string, string] | undefined,
  ) {
    const subscriber: Subscriber = {
      name,
      events: () => stream.events.map((event) => parse(event.data)).filter((event) => event !== undefined),
      close: () => stream.close(),
    };
    return subscriber;
  }

  async function graphql<T>(
    query: string,
    variables: Record<string, unknown>,
    token = h.t.secretKey,
  ): Promise<T> {
    const response = await fetch(`${h.url}/graphql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: T; errors?: unknown };
    if (body.errors !== undefined || body.data === undefined) {
      throw new Error(`GraphQL ${response.status}: ${JSON.stringify(body.errors)}`);
    }
    return body.data;
  }

  const rest: Transport = {
    async createSession() {
      const response = await h.api('/connect/sessions', {
        method: 'POST',
        json: { end_user: END_USER, allowed_integrations: [INTEGRATION] },
      });
      return ((await response.json()) as { data: { token: string } }).data.token;
    },
    async startFlow(sessionToken) {
      // REST's flow starts with a redirect to the provider; its Location is the authorization URL.
      const response = await fetch(
        `${h.url}/oauth/connect/${INTEGRATION}?connect_session_token=${sessionToken}`,
        {
          redirect: 'manual',
        },
      );
      expect(response.status).toBe(302);
      return response.headers.get('location')!;
    },
    async readConnection(connectionId) {
      const response = await h.api(`/connections/${connectionId}?provider_config_key=${INTEGRATION}`);
      expect(response.status).toBe(200);
      const body = (await response.json()) as {
        provider_config_key: string;
        provider: string;
        end_user: { id: string } | null;
        refresh_state: string;
        credentials: Record<string, unknown>;
      };
      return {
        providerConfigKey: body.provider_config_key,
        provider: body.provider,
        endUserId: body.end_user?.id,
        refreshState: body.refresh_state,
        credentials: body.credentials,
      };
    },
    async failingRefresh(connectionId) {
      const response = await h.api(
        `/connections/${connectionId}?provider_config_key=${INTEGRATION}&force_refresh=true`,
      );
      const body = (await response.json()) as { error: { code: string } };
      return { code: body.error.code, retryLater: response.status === 424 };
    },
    async listedRefreshState(connectionId) {
      const response = await h.api(`/connections?connectionId=${connectionId}`);
      const body = (await response.json()) as { connections: Array<{ refresh_state: string }> };
      return body.connections[0]!.refresh_state;
    },
    async subscribe(cursor) {
      const stream = await openSse(`${h.url}/events?after=${cursor}`, bearer());
      return [
        sseSubscriber('rest-sse', stream, (data) => {
          const event = JSON.parse(data) as { connectionId: string; operation: string; success: boolean };
          return [event.connectionId, `${event.operation}:${event.success}`];
        }),
      ];
    },
  };

  const AUTH_EVENTS = `subscription ($after: String) {
    authEvents(after: $after, filter: { providerConfigKey: "${INTEGRATION}" }) { id connectionId operation success }
  }`;
  const toPair = (event: { connectionId: string; operation: string; success: boolean }): [string, string] => [
    event.connectionId,
    `${event.operation.toLowerCase()}:${event.success}`,
  ];

  const graphqlTransport: Transport = {
    async createSession() {
      const data = await graphql<{ createConnectSession: { token: string } }>(
        `mutation ($input: CreateConnectSessionInput!) {
          createConnectSession(input: $input) { ... on ConnectSessionToken { token } ... on Error { code message } }
        }`,
        { input: { endUser: END_USER, allowedIntegrations: [INTEGRATION] } },
      );
      return data.createConnectSession.token;
    },
    async startFlow(sessionToken) {
      const data = await graphql<{ startOAuthFlow: { authorizationUrl?: string; code?: string } }>(
        `mutation ($integration: String!) {
          startOAuthFlow(integration: $integration) {
            ... on OAuthFlowStart { authorizationUrl } ... on Error { code message }
          }
        }`,
        { integration: INTEGRATION },
        sessionToken,
      );
      expect(data.startOAuthFlow.code).toBeUndefined();
      return data.startOAuthFlow.authorizationUrl!;
    },
    async readConnection(connectionId) {
      const data = await graphql<{
        connection: {
          providerConfigKey: string;
          provider: string;
          endUser: { id: string } | null;
          refreshState: string;
          credentials: Record<string, unknown>;
        };
      }>(
        `query ($id: String!, $key: String!) {
          connection(connectionId: $id, providerConfigKey: $key) {
            ... on Connection { providerConfigKey provider endUser { id } refreshState credentials }
            ... on Error { code message }
          }
        }`,
        { id: connectionId, key: INTEGRATION },
      );
      const { connection } = data;
      return {
        providerConfigKey: connection.providerConfigKey,
        provider: connection.provider,
        endUserId: connection.endUser?.id,
        refreshState: connection.refreshState.toLowerCase(),
        credentials: connection.credentials,
      };
    },
    async failingRefresh(connectionId) {
      const data = await graphql<{
        refreshConnection: { __typename: string; code: string; retryLater: boolean };
      }>(
        `mutation ($id: String!, $key: String!) {
          refreshConnection(connectionId: $id, providerConfigKey: $key) {
            __typename ... on RefreshFailedError { code retryLater } ... on Error { code message }
          }
        }`,
        { id: connectionId, key: INTEGRATION },
      );
      expect(data.refreshConnection.__typename).toBe('RefreshFailedError');
      return { code: data.refreshConnection.code, retryLater: data.refreshConnection.retryLater };
    },
    async listedRefreshState(connectionId) {
      const data = await graphql<{ connections: { edges: Array<{ node: { refreshState: string } }> } }>(
        `query ($id: String!) {
          connections(filter: { connectionId: $id }) { edges { node { refreshState } } }
        }`,
        { id: connectionId },
      );
      return data.connections.edges[0]!.node.refreshState.toLowerCase();
    },
    async subscribe(cursor) {
      const query = new URLSearchParams({ query: AUTH_EVENTS, variables: JSON.stringify({ after: cursor }) });
      const stream = await openSse(`${h.url}/graphql?${query}`, bearer());
      const sse = sseSubscriber('graphql-sse', stream, (data) => {
        const payload = JSON.parse(data) as {
          data?: { authEvents: { connectionId: string; operation: string; success: boolean } };
        };
        return payload.data === undefined ? undefined : toPair(payload.data.authEvents);
      });

      const wsClient: Client = createClient({
        url: `${h.url.replace('http', 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${h.t.secretKey}` },
        retryAttempts: 0,
      });
      const received: Array<[string, string]> = [];
      const ws: Subscriber = {
        name: 'graphql-ws',
        events: () => received,
        close: () => void wsClient.dispose(),
      };
      let wsError: unknown;
      wsClient.subscribe<{ authEvents: { connectionId: string; operation: string; success: boolean } }>(
        { query: AUTH_EVENTS, variables: { after: cursor } },
        {
          next: (result) => {
            if (result.data) received.push(toPair(result.data.authEvents));
          },
          error: (error) => {
            wsError = error;
          },
          complete: () => {},
        },
      );
      // The socket is live once its first operation has been acknowledged; an error here fails fast.
      await new Promise<void>((resolve, reject) => {
        const off = wsClient.on('connected', () => {
          off();
          resolve();
        });
        wsClient.on('closed', () => reject(new Error(`graphql-ws closed: ${String(wsError)}`)));
      });
      return [sse, ws];
    },
  };

  const trpc: Transport = (() => {
    const client = () => createLatchkeyClient({ url: h.url, secretKey: h.t.secretKey });
    const ref = (connectionId: string) => ({ connectionId, providerConfigKey: INTEGRATION });
    return {
      async createSession() {
        return (
          await client().connectSessions.create.mutate({
            end_user: END_USER,
            allowed_integrations: [INTEGRATION],
          })
        ).token;
      },
      async startFlow(sessionToken) {
        const widget = createLatchkeyClient({ url: h.url, sessionToken });
        return (await widget.flows.startOAuth.mutate({ integration: INTEGRATION })).url;
      },
      async readConnection(connectionId) {
        const connection = await client().connections.get.query(ref(connectionId));
        return {
          providerConfigKey: connection.provider_config_key,
          provider: connection.provider,
          endUserId: connection.end_user?.id,
          refreshState: connection.refresh_state,
          credentials: connection.credentials,
        };
      },
      async failingRefresh(connectionId) {
        const error = await client()
          .connections.refresh.mutate(ref(connectionId))
          .then(
            () => undefined,
            (caught: unknown) => caught,
          );
        if (!(error instanceof TRPCClientError))
          throw new Error(`expected a tRPC error, got ${String(error)}`);
        const data = error.data as { httpStatus: number };
        return { code: latchkeyErrorCode(error)!, retryLater: data.httpStatus === 424 };
      },
      async listedRefreshState(connectionId) {
        const page = await client().connections.list.query({ connectionId });
        return page.items[0]!.refresh_state;
      },
      async subscribe(cursor) {
        const received: Array<[string, string]> = [];
        const subscription = client().events.authEvents.subscribe(
          { after: cursor, filter: { providerConfigKey: INTEGRATION } },
          { onData: ({ data }) => received.push([data.connectionId, `${data.operation}:${data.success}`]) },
        );
        return [{ name: 'trpc-sse', events: () => received, close: () => subscription.unsubscribe() }];
      },
    };
  })();

  async function runScenario(transport: Transport): Promise<ScenarioResult> {
    const subscribers = await transport.subscribe(await latestCursor());
    try {
      const sessionToken = await transport.createSession();
      const authorizationUrl = await transport.startFlow(sessionToken);
      const { callbackUrl } = await driveAuthorization(authorizationUrl, { issuer: h.oidc.issuer });
      const completed = await h.complete(callbackUrl);
      expect(completed.status).toBe(200);
      const { connectionId, providerConfigKey } = (await completed.json()) as {
        connectionId: string;
        providerConfigKey: string;
      };

      const read = await transport.readConnection(connectionId);
      await h.oidc.revokeAll();
      const refreshFailure = await transport.failingRefresh(connectionId);
      const afterFailure = { refreshState: await transport.listedRefreshState(connectionId) };

      // Both events are committed by now; each subscriber must have seen them (and nothing else of this connection).
      for (const subscriber of subscribers) {
        await waitFor(
          () => subscriber.events().filter(([id]) => id === connectionId).length >= 2,
          `${subscriber.name} to see the creation and the failed refresh`,
        );
      }
      return {
        sessionToken: sessionToken.replace(/[a-f0-9]{64}$/, '<64 hex>'),
        connected: { providerConfigKey },
        credentials: {
          type: read.credentials.type,
          accessToken: presence(read.credentials.access_token),
          refreshToken: presence(read.credentials.refresh_token),
          expiresAt: presence(read.credentials.expires_at),
        },
        connection: {
          providerConfigKey: read.providerConfigKey,
          provider: read.provider,
          endUserId: read.endUserId,
          refreshState: read.refreshState,
        },
        refreshFailure,
        afterFailure,
        events: Object.fromEntries(
          subscribers.map((subscriber) => [
            subscriber.name.replace(/^[a-z]+-/, ''),
            subscriber
              .events()
              .filter(([id]) => id === connectionId)
              .map(([, event]) => event),
          ]),
        ),
      };
    } finally {
      for (const subscriber of subscribers) subscriber.close();
    }
  }

  it('gives identical results through REST, GraphQL (SSE and WebSocket subscriptions) and tRPC', async () => {
    const viaRest = await runScenario(rest);
    const viaGraphql = await runScenario(graphqlTransport);
    const viaTrpc = await runScenario(trpc);

    // The expected outcome, stated once: REST is the reference the typed APIs must match.
    expect(viaRest).toEqual({
      sessionToken: 'nango_connect_session_<64 hex>',
      connected: { providerConfigKey: INTEGRATION },
      credentials: { type: 'OAUTH2', accessToken: 'string', refreshToken: 'undefined', expiresAt: 'string' },
      connection: {
        providerConfigKey: INTEGRATION,
        provider: 'local-oidc',
        endUserId: END_USER.id,
        refreshState: 'active',
      },
      refreshFailure: { code: 'invalid_credentials', retryLater: false },
      afterFailure: { refreshState: 'refresh_failed' },
      events: { sse: ['creation:true', 'refresh:false'] },
    });
    const { events: graphqlEvents, ...graphqlRest } = viaGraphql;
    const { events: trpcEvents, ...trpcRest } = viaTrpc;
    const { events: restEvents, ...restRest } = viaRest;
    expect(graphqlRest).toEqual(restRest);
    expect(trpcRest).toEqual(restRest);
    expect(graphqlEvents).toEqual({ sse: restEvents.sse, ws: restEvents.sse });
    expect(trpcEvents).toEqual({ sse: restEvents.sse });
  });
});
