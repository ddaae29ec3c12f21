/**
 * No plaintext secret anywhere we write: one flow of every auth mode with distinctive secrets, some failures on top,
 * then every table, the server log, every error body and the operation logs are searched for each secret, for the
 * tokens the providers issued (read back from the sealed credentials) and for their Basic-header encodings.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dumpDatabase } from '../support/database-dump';
import { CLIENT_ID, CLIENT_SECRET, type FlowHarness, startFlowHarness } from '../support/flow-harness';
import { type OAuth1Provider, startOAuth1Provider } from '../support/oauth1-provider';
import { databaseKinds } from '../support/test-database';
import { startVerificationServer, type VerificationServer } from '../support/verification-server';

const DOCS = 'https://example.com/docs';
const distinctive = (label: string) => `${label}-${randomBytes(12).toString('hex')}`;

describe.each(databaseKinds())('no plaintext secrets (%s)', (kind) => {
  const secrets = new Map<string, string>();
  const errorBodies: string[] = [];
  let h: FlowHarness;
  let verifier: VerificationServer;
  let oauth1: OAuth1Provider;

  const apiKey = distinctive('api-key');
  const wrongApiKey = distinctive('wrong-api-key');
  const basic = { username: 'grace', password: distinctive('password') };
  const wrongClientSecret = distinctive('wrong-client-secret');
  const consumerSecret = distinctive('consumer-secret');

  /** Every response of the test goes through here; error bodies are kept for the search. */
  async function record(response: Response): Promise<{ status: number; body: Record<string, unknown> }> {
    const text = await response.text();
    if (response.status >= 400) errorBodies.push(text);
    return { status: response.status, body: JSON.parse(text) as Record<string, unknown> };
  }

  const post = async (path: string, body?: unknown) =>
    record(
      await fetch(
        `${h.url}${path}${path.includes('?') ? '&' : '?'}connect_session_token=${await h.createSession()}`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        },
      ),
    );

  /** The stored credentials, decrypted: the tokens the providers issued are secrets too. */
  async function storedCredentials(connectionId: string): Promise<Record<string, unknown>> {
    const row = await h.t.database.db
      .selectFrom('connections')
      .selectAll()
      .where('connection_id', '=', connectionId)
      .executeTakeFirstOrThrow();
    return h.t.latchkey.services.connections.readCredentials(row) as Record<string, unknown>;
  }

  function addSecret(name: string, value: unknown): void {
    expect(typeof value, name).toBe('string');
    expect((value as string).length, name).toBeGreaterThanOrEqual(16);
    secrets.set(name, value as string);
  }

  function leaksIn(text: string): string[] {
    return [...secrets].filter(([, value]) => text.includes(value)).map(([name]) => name);
  }

  beforeAll(async () => {
    h = await startFlowHarness(kind);
    verifier = await startVerificationServer({ apiKeys: [apiKey], basic: [basic] });
    oauth1 = await startOAuth1Provider({ consumerSecret });
    await h.registerProvider(verifier.apiKeyProvider('secret-api'));
    await h.registerProvider(verifier.basicProvider('secret-basic'));
    await h.registerProvider({
      name: 'secret-cc',
      display_name: 'Secret CC',
      docs: DOCS,
      auth_mode: 'OAUTH2_CC',
      token_url: h.oidc.tokenEndpoint,
      token_params: { grant_type: 'client_credentials' },
    });
    await h.registerProvider({
      name: 'secret-oauth1',
      display_name: 'Secret OAuth 1.0a',
      docs: DOCS,
      auth_mode: 'OAUTH1',
      request_url: `${oauth1.url}/oauth/request_token`,
      authorization_url: `${oauth1.url}/oauth/authorize`,
      token_url: `${oauth1.url}/oauth/access_token`,
      signature_method: 'HMAC-SHA1',
    });
    await h.createIntegration({ unique_key: 'apikey', provider: 'secret-api' });
    await h.createIntegration({ unique_key: 'basic', provider: 'secret-basic' });
    await h.createIntegration({ unique_key: 'cc', provider: 'secret-cc' });
    await h.createIntegration({
      unique_key: 'oauth1',
      provider: 'secret-oauth1',
      credentials: { type: 'OAUTH1', client_id: oauth1.consumerKey, client_secret: consumerSecret },
    });

    addSecret('OAuth 2.0 client secret', CLIENT_SECRET);
    addSecret('OAuth 1.0a consumer secret', consumerSecret);
    addSecret('API key', apiKey);
    addSecret('refused API key', wrongApiKey);
    addSecret('password', basic.password);
    addSecret('refused client secret', wrongClientSecret);
    addSecret(
      'Basic header of the password',
      Buffer.from(`${basic.username}:${basic.password}`).toString('base64'),
    );
    addSecret(
      'Basic header of the client secret',
      Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64'),
    );

    // OAuth 2.0 code + PKCE through the harness's authorization server.
    const sessionToken = await h.createSession();
    addSecret('connect session token', sessionToken);
    const callback = await h.authorize('local', `connect_session_token=${sessionToken}`);
    const completed = await record(await h.complete(callback));
    expect(completed.status, JSON.stringify(completed.body)).toBe(200);
    const oauth2 = await storedCredentials(String(completed.body.connectionId));
    addSecret('OAuth 2.0 access token', oauth2.access_token);
    addSecret('OAuth 2.0 refresh token', oauth2.refresh_token);
    const replay = await record(await h.complete(callback));
    expect(replay.status).toBe(400);

    // OAuth 1.0a.
    const connect = await fetch(
      `${h.url}/oauth/connect/oauth1?connect_session_token=${await h.createSession()}`,
      {
        redirect: 'manual',
      },
    );
    expect(connect.status).toBe(302);
    const authorized = await fetch(connect.headers.get('location') ?? '', { redirect: 'manual' });
    const oauth1Callback = new URL(authorized.headers.get('location') ?? '');
    const oauth1Done = await record(await h.complete(oauth1Callback));
    expect(oauth1Done.status, JSON.stringify(oauth1Done.body)).toBe(200);
    const oauth1Credentials = await storedCredentials(String(oauth1Done.body.connectionId));
    addSecret('OAuth 1.0a token', oauth1Credentials.oauth_token);
    addSecret('OAuth 1.0a token secret', oauth1Credentials.oauth_token_secret);
    expect((await record(await h.complete(oauth1Callback))).status).toBe(400);
    expect(oauth1.problems).toEqual([]);

    // Client credentials, then the same with a wrong secret.
    const cc = await post('/oauth2/auth/cc', { client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
    expect(cc.status, JSON.stringify(cc.body)).toBe(200);
    addSecret('client credentials token', (await storedCredentials(String(cc.body.connectionId))).token);
    const wrongSecret = await post('/oauth2/auth/cc', {
      client_id: CLIENT_ID,
      client_secret: wrongClientSecret,
    });
    expect(wrongSecret.status).toBe(400);

    // API key and basic, each refused once.
    expect((await post('/api-auth/api-key/apikey', { apiKey })).status).toBe(200);
    expect((await post('/api-auth/api-key/apikey', { apiKey: wrongApiKey })).status).toBe(400);
    expect((await post('/api-auth/basic/basic', basic)).status).toBe(200);
    expect(
      (await post('/api-auth/basic/basic', { ...basic, password: `${basic.password}-nope` })).status,
    ).toBe(400);

    // The flows really ran against the peers.
    expect(verifier.requests.map((r) => r.authorization)).toContain(`Bearer ${apiKey}`);
    expect(await h.countConnections()).toBe(5);
    expect(errorBodies).toHaveLength(5);
  });
  afterAll(async () => {
    await oauth1?.close();
    await verifier?.close();
    await h?.[Symbol.asyncDispose]();
  });

  it('stores no secret in clear in any table', async () => {
    const { tables, text } = await dumpDatabase(h.t.database.db);
    expect(tables).toEqual(
      expect.arrayContaining([
        'connections',
        'integrations',
        'oauth_sessions',
        'operations',
        'connect_sessions',
      ]),
    );
    // A positive control: what is stored in clear on purpose is found by the same search.
    expect(text).toContain('user@example.com');
    expect(leaksIn(text)).toEqual([]);
  });

  it('writes no secret to the server log', () => {
    expect(h.t.logs.join('\n')).toContain('/oauth/callback');
    expect(leaksIn(h.t.logs.join('\n'))).toEqual([]);
  });

  it('answers no secret in any error body', () => {
    expect(errorBodies.join('\n')).toMatch(
      /invalid_state[\s\S]*token_exchange_failed[\s\S]*connection_test_failed/,
    );
    expect(leaksIn(errorBodies.join('\n'))).toEqual([]);
  });

  it('shows no secret in the operation logs', async () => {
    const response = await h.api('/logs?limit=500');
    const text = await response.text();
    expect(response.status).toBe(200);
    const operations = (JSON.parse(text) as { data: Array<{ action: string; status: string }> }).data;
    expect(
      operations
        .filter((o) => o.status === 'success')
        .map((o) => o.action)
        .sort(),
    ).toEqual(['api_key', 'basic', 'oauth1', 'oauth2', 'oauth2_client_credentials']);
    expect(operations.filter((o) => o.status === 'failed')).toHaveLength(3);
    expect(leaksIn(text)).toEqual([]);
  });
});
