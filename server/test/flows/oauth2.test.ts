/**
 * The OAuth 2.0 authorization-code flow end to end (issue 4, compat doc 4): Latchkey's real `/oauth/connect` and
 * `/oauth/callback` against a real authorization server (oidc-provider), driven by a headless browser stand-in.
 */
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../../src/platform/crypto/secret-hash';
import { driveAuthorization } from '../support/browser-driver';
import { CLIENT_ID, CLIENT_SECRET, type FlowHarness, startFlowHarness } from '../support/flow-harness';
import { enablePublicKeyFlows } from '../support/public-key-flows';
import { type Redirector, startRedirector } from '../support/redirector';
import { databaseKinds } from '../support/test-database';

interface ErrorBody {
  error: { code: string; message?: string };
}

interface FlowResult {
  providerConfigKey: string;
  connectionId: string;
}

interface ConnectionBody {
  id: number;
  connection_id: string;
  end_user: { id: string; email: string | null; display_name: string | null } | null;
  tags: Record<string, string>;
  metadata: Record<string, unknown> | null;
  connection_config: Record<string, string>;
  credentials: Record<string, unknown>;
}

interface LogEntry {
  status: string;
  error_code: string | null;
  messages: Array<{ level: string; message: string; meta: Record<string, unknown> | null }>;
}

const OPENER = 'http://app.example.test';

describe.each(databaseKinds())('OAuth 2.0 authorization code flow (%s)', (kind) => {
  let h: FlowHarness;
  let redirector: Redirector;

  beforeAll(async () => {
    // The custom callback endpoint must exist first: the authorization server compares redirect URIs exactly.
    redirector = await startRedirector();
    h = await startFlowHarness(kind, { extraRedirectUris: [redirector.url] });
    redirector.target = `${h.url}/oauth/callback`;
  });
  afterAll(async () => {
    await h?.[Symbol.asyncDispose]();
    await redirector?.close();
  });

  /** `GET /oauth/connect/<key>?<query>` as the popup's first navigation, without following the redirect. */
  function connect(key: string, query: string, options: { json?: boolean } = {}) {
    return fetch(`${h.url}/oauth/connect/${key}?${query}`, {
      redirect: 'manual',
      headers: options.json === true ? { accept: 'application/json' } : {},
    });
  }

  async function authorizationUrlOf(key: string, query: string): Promise<URL> {
    const response = await connect(key, query);
    const location = response.headers.get('location');
    expect(response.status, location ?? (await response.text())).toBe(302);
    await response.body?.cancel();
    return new URL(location!);
  }

  /** Logs in and consents at the authorization server from its authorization URL; stops at the redirect back. */
  async function drive(authorizationUrl: URL, options: { deny?: boolean } = {}): Promise<URL> {
    const { callbackUrl } = await driveAuthorization(authorizationUrl.href, {
      issuer: h.oidc.issuer,
      ...options,
    });
    return callbackUrl;
  }

  async function expectError(
    response: Response,
    status: number,
    code: string,
    what = '',
  ): Promise<ErrorBody> {
    const text = await response.text();
    expect(response.status, `${what} ${text}`).toBe(status);
    const body = JSON.parse(text) as ErrorBody;
    expect(body.error.code).toBe(code);
    expect(response.headers.get('location')).toBeNull();
    return body;
  }

  async function completed(callbackUrl: URL): Promise<FlowResult> {
    const response = await h.complete(callbackUrl);
    const body = (await response.json()) as FlowResult;
    expect(response.status, JSON.stringify(body)).toBe(200);
    return body;
  }

  /** A whole flow: connect, log in and consent, complete. */
  async function connectFully(key: string, query: string): Promise<FlowResult & { authorizationUrl: URL }> {
    const authorizationUrl = await authorizationUrlOf(key, query);
    return { ...(await completed(await drive(authorizationUrl))), authorizationUrl };
  }

  async function connection(key: string, connectionId: string): Promise<ConnectionBody> {
    const response = await h.api(
      `/connections/${encodeURIComponent(connectionId)}?provider_config_key=${key}`,
    );
    expect(response.status).toBe(200);
    return (await response.json()) as ConnectionBody;
  }

  function connectionRow(key: string, connectionId: string) {
    return h.t.database.db
      .selectFrom('connections')
      .innerJoin('integrations', 'integrations.id', 'connections.integration_id')
      .selectAll('connections')
      .where('integrations.unique_key', '=', key)
      .where('connections.connection_id', '=', connectionId)
      .executeTakeFirstOrThrow();
  }

  async function countConnections(key: string): Promise<number> {
    const row = await h.t.database.db
      .selectFrom('connections')
      .innerJoin('integrations', 'integrations.id', 'connections.integration_id')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('integrations.unique_key', '=', key)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async function logsOf(connectionId: string): Promise<LogEntry[]> {
    const response = await h.api(`/logs?connection_id=${encodeURIComponent(connectionId)}`);
    expect(response.status).toBe(200);
    return ((await response.json()) as { data: LogEntry[] }).data;
  }

  /** A custom provider at the local authorization server, with `extra` keys, and an integration of the same name. */
  async function addIntegration(key: string, extra?: Record<string, unknown>): Promise<void> {
    let provider = 'local-oidc';
    if (extra !== undefined) {
      provider = `oidc-${key}`;
      await h.registerProvider({
        name: provider,
        display_name: `Local OIDC (${key})`,
        auth_mode: 'OAUTH2',
        authorization_url: h.oidc.authorizationEndpoint,
        token_url: h.oidc.tokenEndpoint,
        proxy: { base_url: h.oidc.issuer },
        docs: 'https://example.com/docs',
        ...extra,
      });
    }
    await h.createIntegration({
      unique_key: key,
      provider,
      credentials: {
        type: 'OAUTH2',
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        scopes: 'openid,read',
      },
    });
  }

  function tokenRequestBody(): URLSearchParams {
    expect(h.oidc.lastTokenRequest).toBeDefined();
    return new URLSearchParams(h.oidc.lastTokenRequest!.body);
  }

  it('completes a code + PKCE flow with a connect session and stores the connection', async () => {
    const token = await h.createSession({
      end_user: { id: 'user-42', email: 'ada@example.com', display_name: 'Ada' },
      tags: { team: 'blue' },
    });
    const codeGrants = h.oidc.counters.codeGrants;

    const authorizationUrl = await authorizationUrlOf('local', `connect_session_token=${token}`);
    expect(`${authorizationUrl.origin}${authorizationUrl.pathname}`).toBe(h.oidc.authorizationEndpoint);
    const params = authorizationUrl.searchParams;
    expect(params.get('response_type')).toBe('code');
    expect(params.get('client_id')).toBe(CLIENT_ID);
    expect(params.get('redirect_uri')).toBe(`${h.url}/oauth/callback`);
    expect(params.get('scope')).toBe('openid offline_access read');
    expect(params.get('state')).toMatch(/^[0-9a-f]{64}$/); // 256 bits
    expect(params.get('code_challenge_method')).toBe('S256');
    const challenge = params.get('code_challenge');
    expect(challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const result = await completed(await drive(authorizationUrl));
    expect(result).toEqual({ providerConfigKey: 'local', connectionId: expect.any(String) });
    expect(h.oidc.counters.codeGrants).toBe(codeGrants + 1);

    const sent = tokenRequestBody();
    expect(sent.get('grant_type')).toBe('authorization_code');
    expect(sent.get('redirect_uri')).toBe(`${h.url}/oauth/callback`);
    const verifier = sent.get('code_verifier');
    expect(verifier).toBeTruthy();
    expect(createHash('sha256').update(verifier!).digest('base64url')).toBe(challenge);
    expect(sent.get('client_id')).toBe(CLIENT_ID);
    expect(sent.get('client_secret')).toBe(CLIENT_SECRET);
    expect(h.oidc.lastTokenRequest!.headers.authorization).toBeUndefined();

    const stored = await connection('local', result.connectionId);
    expect(stored.credentials.type).toBe('OAUTH2');
    expect(stored.credentials.access_token).toEqual(expect.any(String));
    expect(Date.parse(String(stored.credentials.expires_at))).toBeGreaterThan(Date.now());
    expect(stored.credentials).not.toHaveProperty('refresh_token');
    expect(stored.end_user).toMatchObject({ id: 'user-42', email: 'ada@example.com', display_name: 'Ada' });
    expect(stored.tags).toMatchObject({ team: 'blue', end_user_id: 'user-42' });

    const row = await connectionRow('local', result.connectionId);
    const credentials = h.t.latchkey.services.connections.readCredentials(row);
    if (credentials.type !== 'OAUTH2') throw new Error(`stored credentials are ${credentials.type}`);
    expect(credentials.refresh_token).toEqual(expect.any(String));
    expect(JSON.stringify(stored)).not.toContain(credentials.refresh_token!);
    const grantedScope = credentials.raw?.scope;
    expect(grantedScope).toEqual(expect.any(String));
    expect(row.scopes).toEqual(String(grantedScope).split(' '));
  });

  it('answers an HTML callback page that posts to the opener origin only, under a nonce CSP', async () => {
    const token = await h.createSession();
    const authorizationUrl = await authorizationUrlOf(
      'local',
      `connect_session_token=${token}&opener_origin=${encodeURIComponent(OPENER)}`,
    );
    const response = await fetch(await drive(authorizationUrl));
    const html = await response.text();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const nonce = /script-src 'nonce-([^']+)'/.exec(
      response.headers.get('content-security-policy') ?? '',
    )?.[1];
    expect(nonce).toBeDefined();
    expect(html).toContain(`<script nonce="${nonce}">`);
    expect(html).toContain('nango_oauth_callback_success');
    const block = /<script type="application\/json" id="latchkey-result">([\s\S]*?)<\/script>/.exec(
      html,
    )?.[1];
    const data = JSON.parse(block ?? 'null') as { targetOrigin: string; message: { type: string } };
    expect(data.targetOrigin).toBe(OPENER);
    expect(data.message.type).toBe('nango_oauth_callback_success');
    expect(html).not.toMatch(/postMessage\([^)]*['"]\*['"]\)/);
  });

  it('refuses a replayed callback: one code exchange, one connection', async () => {
    await addIntegration('replay');
    const token = await h.createSession();
    const codeGrants = h.oidc.counters.codeGrants;
    const callbackUrl = await drive(await authorizationUrlOf('replay', `connect_session_token=${token}`));

    await completed(callbackUrl);
    await expectError(await h.complete(callbackUrl), 400, 'invalid_state');
    expect(await countConnections('replay')).toBe(1);
    expect(h.oidc.counters.codeGrants).toBe(codeGrants + 1);
  });

  it('records a denied authorization as a failed operation without a connection', async () => {
    await addIntegration('deny');
    const token = await h.createSession();
    const callbackUrl = await drive(await authorizationUrlOf('deny', `connect_session_token=${token}`), {
      deny: true,
    });
    expect(callbackUrl.searchParams.get('error')).toBe('access_denied');
    const flow = await h.t.database.db
      .selectFrom('oauth_sessions')
      .select('connection_id')
      .where('id', '=', callbackUrl.searchParams.get('state') ?? '')
      .executeTakeFirstOrThrow();

    await expectError(await h.complete(callbackUrl), 400, 'authorization_denied');
    expect(await countConnections('deny')).toBe(0);
    const [operation, ...others] = await logsOf(flow.connection_id);
    expect(others).toEqual([]);
    expect(operation).toMatchObject({ status: 'failed', error_code: 'authorization_denied' });
    const messages = operation!.messages.map((m) => m.message);
    expect(messages).toEqual(expect.arrayContaining(['flow started', 'redirecting to the provider']));
    expect(operation!.messages.at(-1)).toMatchObject({
      level: 'error',
      meta: { code: 'authorization_denied' },
    });
  });

  it('refuses a callback whose iss is not the provider, before any token request', async () => {
    await addIntegration('forged');
    const token = await h.createSession();
    const callbackUrl = await drive(await authorizationUrlOf('forged', `connect_session_token=${token}`));
    expect(callbackUrl.searchParams.get('iss')).toBe(h.oidc.issuer);
    callbackUrl.searchParams.set('iss', 'http://evil.test');
    const tokenRequests = h.oidc.counters.tokenRequests;

    await expectError(await h.complete(callbackUrl), 400, 'issuer_mismatch');
    expect(await countConnections('forged')).toBe(0);
    expect(h.oidc.counters.tokenRequests).toBe(tokenRequests);
  });

  it('answers an expired session token with 401 directly, as JSON or as a page', async () => {
    const token = await h.createSession();
    await h.t.database.db
      .updateTable('connect_sessions')
      .set({ expires_at: new Date(0) })
      .where('token_hash', '=', hashSecret(token))
      .execute();

    await expectError(
      await connect('local', `connect_session_token=${token}`, { json: true }),
      401,
      'unknown_connect_session_token',
    );
    const page = await connect('local', `connect_session_token=${token}`);
    expect(page.status).toBe(401);
    expect(page.headers.get('location')).toBeNull();
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('"errorType":"unknown_connect_session_token"');
  });

  it('refuses an integration outside the session allowed list, and connection_id with a session token', async () => {
    await addIntegration('other');
    const token = await h.createSession({ end_user: { id: 'user-1' }, allowed_integrations: ['other'] });

    await expectError(
      await connect('local', `connect_session_token=${token}`, { json: true }),
      400,
      'integration_not_allowed',
    );
    await expectError(
      await connect('other', `connect_session_token=${token}&connection_id=mine`, { json: true }),
      400,
      'invalid_query_params',
    );
    await authorizationUrlOf('other', `connect_session_token=${token}`);
  });

  it('reconnects in place: same connection, new credentials, metadata kept', async () => {
    await addIntegration('recon');
    const first = await connectFully('recon', `connect_session_token=${await h.createSession()}`);
    const before = await connectionRow('recon', first.connectionId);
    await h.t.database.db
      .updateTable('connections')
      .set({ metadata: JSON.stringify({ plan: 'pro' }) })
      .where('id', '=', before.id)
      .execute();

    const reconnect = await h.api('/connect/sessions/reconnect', {
      method: 'POST',
      json: { connection_id: first.connectionId, integration_id: 'recon', end_user: { id: 'user-1' } },
    });
    expect(reconnect.status).toBe(201);
    const { token } = ((await reconnect.json()) as { data: { token: string } }).data;
    const second = await connectFully('recon', `connect_session_token=${token}`);

    expect(second.connectionId).toBe(first.connectionId);
    const after = await connectionRow('recon', first.connectionId);
    expect(after.id).toBe(before.id);
    const accessToken = (row: typeof before) => {
      const credentials = h.t.latchkey.services.connections.readCredentials(row);
      return credentials.type === 'OAUTH2' ? credentials.access_token : undefined;
    };
    expect(accessToken(after)).toEqual(expect.any(String));
    expect(accessToken(after)).not.toBe(accessToken(before));
    expect((await connection('recon', first.connectionId)).metadata).toEqual({ plan: 'pro' });
    expect(await countConnections('recon')).toBe(1);
    const messages = (await logsOf(first.connectionId)).flatMap((o) => o.messages.map((m) => m.message));
    expect(messages).toContain('connection credentials overridden');

    const unknown = await h.api('/connect/sessions/reconnect', {
      method: 'POST',
      json: { connection_id: 'no-such-connection', integration_id: 'recon' },
    });
    await expectError(unknown, 400, 'invalid_body');
  });

  it('uses the environment custom callback URL, which 308-redirects to Latchkey', async () => {
    const patch = await h.api('/environment', { method: 'PATCH', json: { callback_url: redirector.url } });
    expect(patch.status).toBe(200);
    try {
      const redirects = redirector.redirects;
      const authorizationUrl = await authorizationUrlOf(
        'local',
        `connect_session_token=${await h.createSession()}`,
      );
      expect(authorizationUrl.searchParams.get('redirect_uri')).toBe(redirector.url);
      const callbackUrl = await drive(authorizationUrl);
      expect(`${callbackUrl.origin}${callbackUrl.pathname}`).toBe(redirector.url);

      const result = await completed(callbackUrl); // follows the 308 to Latchkey
      expect(result.providerConfigKey).toBe('local');
      expect(redirector.redirects).toBe(redirects + 1);
      expect(tokenRequestBody().get('redirect_uri')).toBe(redirector.url);
    } finally {
      const reset = await h.api('/environment', { method: 'PATCH', json: { callback_url: null } });
      expect(reset.status).toBe(200);
    }
  });

  it('checks the HMAC of public-key flows when the environment enables them', async () => {
    await using flows = await enablePublicKeyFlows(h.api, { hmac: true });
    const { publicKey, hmacKey } = flows;
    expect(publicKey).toEqual(expect.any(String));
    expect(hmacKey).toEqual(expect.any(String));
    const query = `public_key=${publicKey}&connection_id=conn-1`;
    const hmacOf = (data: string) => createHmac('sha256', hmacKey).update(data).digest('hex');
    await expectError(await connect('local', query, { json: true }), 400, 'missing_hmac');
    await expectError(
      await connect('local', `${query}&hmac=${hmacOf('local:conn-2')}`, { json: true }),
      400,
      'invalid_hmac',
    );
    const result = await connectFully('local', `${query}&hmac=${hmacOf('local:conn-1')}`);
    expect(result).toEqual({
      providerConfigKey: 'local',
      connectionId: 'conn-1',
      authorizationUrl: expect.any(URL),
    });
    expect(await connection('local', 'conn-1')).toMatchObject({ connection_id: 'conn-1' });
    await expectError(
      await connect('local', `public_key=${randomUUID()}&connection_id=conn-1`, { json: true }),
      401,
      'invalid_public_key',
    );
  });

  it('refuses connection config that could steer the provider host, before building any URL', async () => {
    await h.createIntegration({
      unique_key: 'zd',
      provider: 'zendesk',
      credentials: { type: 'OAUTH2', client_id: 'zd-client', client_secret: 'zd-secret', scopes: 'read' },
    });
    const token = await h.createSession();
    const subdomain = (value: string) =>
      `connect_session_token=${token}&params[subdomain]=${encodeURIComponent(value)}`;
    for (const value of ['evil.com/x?', 'a.b', '../', 'a@b', 'acme x', '%2e%2e', 'evil.com#', 'ac\tme']) {
      const response = await connect('zd', subdomain(value), { json: true });
      const body = await expectError(response, 400, 'invalid_connection_config', JSON.stringify(value));
      expect(body.error.message ?? '', value).not.toContain(value);
    }
    const authorizationUrl = await authorizationUrlOf('zd', subdomain('acme'));
    expect(`${authorizationUrl.origin}${authorizationUrl.pathname}`).toBe(
      'https://acme.zendesk.com/oauth/authorizations/new',
    );
    // Surrounding whitespace is trimmed by design (connection-config.test.ts), so it never reaches the URL.
    expect((await authorizationUrlOf('zd', subdomain(' acme'))).host).toBe('acme.zendesk.com');
    expect(authorizationUrl.searchParams.get('client_id')).toBe('zd-client');
  });

  describe('provider options', () => {
    it('token_request_auth_method basic: Basic header and the secret in the body', async () => {
      await addIntegration('opt-basic', { token_request_auth_method: 'basic' });
      const token = await h.createSession();
      const callbackUrl = await drive(
        await authorizationUrlOf('opt-basic', `connect_session_token=${token}`),
      );
      const response = await h.complete(callbackUrl);
      const basic = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;
      expect(h.oidc.lastTokenRequest?.headers.authorization).toBe(basic);
      expect(tokenRequestBody().get('client_id')).toBe(CLIENT_ID);
      expect(tokenRequestBody().get('client_secret')).toBe(CLIENT_SECRET);
      // oidc-provider holds to RFC 6749 §2.3 (one mechanism per request) and refuses what Nango's template sends;
      // the refusal must come back as a clean flow failure naming the provider's error, with no connection.
      const body = await expectError(response, 400, 'token_exchange_failed');
      expect(body.error.message).toContain('invalid_request');
      expect(body.error.message).not.toContain(CLIENT_SECRET);
      expect(await countConnections('opt-basic')).toBe(0);
    });

    it('authorization_method header: Basic header only', async () => {
      await addIntegration('opt-header', { authorization_method: 'header' });
      await connectFully('opt-header', `connect_session_token=${await h.createSession()}`);
      const basic = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;
      expect(h.oidc.lastTokenRequest?.headers.authorization).toBe(basic);
      expect(tokenRequestBody().has('client_secret')).toBe(false);
    });

    it('disable_pkce: no challenge and no verifier', async () => {
      await addIntegration('opt-nopkce', { disable_pkce: true });
      const { authorizationUrl } = await connectFully(
        'opt-nopkce',
        `connect_session_token=${await h.createSession()}`,
      );
      expect(authorizationUrl.searchParams.has('code_challenge')).toBe(false);
      expect(authorizationUrl.searchParams.has('code_challenge_method')).toBe(false);
      expect(tokenRequestBody().has('code_verifier')).toBe(false);
    });

    it('authorization_params: the request wins over the template', async () => {
      await addIntegration('opt-params', { authorization_params: { prompt: 'consent' } });
      const token = await h.createSession();
      const authorizationUrl = await authorizationUrlOf(
        'opt-params',
        `connect_session_token=${token}&authorization_params[foo]=bar&authorization_params[prompt]=login`,
      );
      expect(authorizationUrl.searchParams.get('foo')).toBe('bar');
      expect(authorizationUrl.searchParams.get('prompt')).toBe('login');
      const templateOnly = await authorizationUrlOf('opt-params', `connect_session_token=${token}`);
      expect(templateOnly.searchParams.get('prompt')).toBe('consent');
    });

    it('a session scope override replaces the integration scopes', async () => {
      const token = await h.createSession({
        end_user: { id: 'user-1' },
        integrations_config_defaults: {
          local: { connection_config: { oauth_scopes_override: 'openid,read' } },
        },
      });
      const authorizationUrl = await authorizationUrlOf('local', `connect_session_token=${token}`);
      expect(authorizationUrl.searchParams.get('scope')).toBe('openid read');
    });

    it('token_response_metadata: listed token response keys land in the connection config', async () => {
      await addIntegration('opt-metadata', { token_response_metadata: ['token_type'] });
      const result = await connectFully('opt-metadata', `connect_session_token=${await h.createSession()}`);
      expect((await connection('opt-metadata', result.connectionId)).connection_config.token_type).toBe(
        'Bearer',
      );
    });
  });

  it('answers 4xx for an unknown integration, a malformed session token, and no credentials at all', async () => {
    await expectError(
      await connect('nope', `connect_session_token=${await h.createSession()}`, { json: true }),
      404,
      'unknown_provider_config',
    );
    await expectError(
      await connect('local', 'connect_session_token=nango_connect_session_xyz', { json: true }),
      401,
      'invalid_connect_session_token_format',
    );
    await expectError(await connect('local', '', { json: true }), 401, 'missing_public_key');
  });
});
