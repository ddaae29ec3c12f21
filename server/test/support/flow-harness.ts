/**
 * Everything an end-to-end auth-flow test needs: a Latchkey on a real port (allowing loopback URLs), a real
 * authorization server registered as a custom provider with an integration, and helpers to start flows.
 */
import { type RunningServer, startHttpServer } from '../../src/http-server';
import { createLogger } from '../../src/platform/logging/logger';
import { driveAuthorization } from './browser-driver';
import { freePort } from './free-port';
import { type OidcServer, type OidcServerOptions, startOidcServer } from './oidc-server';
import type { DatabaseKind } from './test-database';
import { createTestLatchkey, type TestLatchkey } from './test-latchkey';

export const CLIENT_ID = 'latchkey-client';
export const CLIENT_SECRET = 'latchkey-client-secret-5e1d';

export interface FlowHarness extends AsyncDisposable {
  t: TestLatchkey;
  url: string;
  oidc: OidcServer;
  /** A call with the dev secret key; JSON body when `json` is given. */
  api(path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
  createSession(body?: Record<string, unknown>): Promise<string>;
  /** GET /oauth/connect/<key>, drive login and consent, stop at the redirect back. */
  authorize(integrationKey: string, query: string, options?: { deny?: boolean }): Promise<URL>;
  /** Fetches the callback URL as the browser would, answering JSON. */
  complete(callbackUrl: URL): Promise<Response>;
  countConnections(): Promise<number>;
  /** `POST /providers`; throws unless 201. */
  registerProvider(definition: Record<string, unknown>): Promise<void>;
  /** `POST /integrations`; throws unless 200. */
  createIntegration(body: Record<string, unknown>): Promise<void>;
  /** {@link registerProvider}, then {@link createIntegration} of it as `uniqueKey`, with `integration`'s fields. */
  registerIntegration(
    uniqueKey: string,
    definition: Record<string, unknown>,
    integration?: Record<string, unknown>,
  ): Promise<void>;
}

export async function startFlowHarness(
  kind: DatabaseKind,
  options: {
    oidc?: Partial<OidcServerOptions>;
    env?: Record<string, string>;
    extraRedirectUris?: string[];
  } = {},
): Promise<FlowHarness> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const t = await createTestLatchkey(kind, {
    LATCHKEY_ALLOW_PRIVATE_URLS: '1',
    LATCHKEY_PUBLIC_URL: url,
    PORT: String(port),
    HOST: '127.0.0.1',
    ...options.env,
  });
  const server: RunningServer = await startHttpServer(
    { ...t.latchkey, close: async () => {} },
    createLogger('silent'),
  );
  const oidc = await startOidcServer({
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uris: [`${url}/oauth/callback`, ...(options.extraRedirectUris ?? [])],
      },
    ],
    ...options.oidc,
  });

  const api = (path: string, init: RequestInit & { json?: unknown } = {}) => {
    const { json, ...rest } = init;
    const headers = new Headers(rest.headers);
    headers.set('authorization', `Bearer ${t.secretKey}`);
    if (json !== undefined) headers.set('content-type', 'application/json');
    return fetch(`${url}${path}`, {
      ...rest,
      headers,
      body: json === undefined ? rest.body : JSON.stringify(json),
    });
  };

  const provider = await api('/providers', {
    method: 'POST',
    json: {
      name: 'local-oidc',
      display_name: 'Local OIDC',
      auth_mode: 'OAUTH2',
      authorization_url: oidc.authorizationEndpoint,
      token_url: oidc.tokenEndpoint,
      default_scopes: ['openid', 'offline_access', 'read'],
      proxy: { base_url: oidc.issuer },
      docs: 'https://example.com/docs',
    },
  });
  if (provider.status !== 201) throw new Error(`provider registration failed: ${await provider.text()}`);
  const integration = await api('/integrations', {
    method: 'POST',
    json: {
      unique_key: 'local',
      provider: 'local-oidc',
      credentials: {
        type: 'OAUTH2',
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        scopes: 'openid,offline_access,read',
      },
    },
  });
  if (integration.status !== 200) throw new Error(`integration creation failed: ${await integration.text()}`);

  const harness: FlowHarness = {
    t,
    url,
    oidc,
    api,
    async registerProvider(definition) {
      const response = await api('/providers', { method: 'POST', json: definition });
      if (response.status !== 201) throw new Error(`provider registration failed: ${await response.text()}`);
    },
    async createIntegration(body) {
      const response = await api('/integrations', { method: 'POST', json: body });
      if (response.status !== 200) throw new Error(`integration creation failed: ${await response.text()}`);
    },
    async registerIntegration(uniqueKey, definition, integration = {}) {
      await harness.registerProvider(definition);
      await harness.createIntegration({ unique_key: uniqueKey, provider: definition.name, ...integration });
    },
    async createSession(body = { end_user: { id: 'user-1', email: 'user@example.com' } }) {
      const response = await api('/connect/sessions', { method: 'POST', json: body });
      if (response.status !== 201) throw new Error(`session creation failed: ${await response.text()}`);
      return ((await response.json()) as { data: { token: string } }).data.token;
    },
    async authorize(integrationKey, query, authorizeOptions = {}) {
      const { callbackUrl } = await driveAuthorization(`${url}/oauth/connect/${integrationKey}?${query}`, {
        issuer: oidc.issuer,
        ...(authorizeOptions.deny === true ? { deny: true } : {}),
      });
      return callbackUrl;
    },
    complete(callbackUrl) {
      return fetch(callbackUrl, { headers: { accept: 'application/json' }, redirect: 'follow' });
    },
    async countConnections() {
      const row = await t.database.db
        .selectFrom('connections')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async [Symbol.asyncDispose]() {
      await server.stop();
      await oidc.close();
      await t[Symbol.asyncDispose]();
    },
  };
  return harness;
}
