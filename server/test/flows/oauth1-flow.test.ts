/**
 * OAuth 1.0a end to end (compat doc 4.8) through Latchkey's own endpoints against a provider that really verifies
 * signatures, timestamps, nonces and verifiers: request token, authorize, callback, access token, stored connection.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FlowHarness, startFlowHarness } from '../support/flow-harness';
import { type OAuth1Provider, startOAuth1Provider } from '../support/oauth1-provider';
import { databaseKinds } from '../support/test-database';

const METHODS = ['HMAC-SHA1', 'PLAINTEXT'] as const;

describe.each(databaseKinds())('OAuth 1.0a flow (%s)', (kind) => {
  let h: FlowHarness;
  beforeAll(async () => {
    h = await startFlowHarness(kind);
  });
  afterAll(() => h?.[Symbol.asyncDispose]());

  describe.each(METHODS)('%s', (signatureMethod) => {
    let provider: OAuth1Provider;
    const key = `oauth1-${signatureMethod.toLowerCase()}`;

    beforeAll(async () => {
      provider = await startOAuth1Provider({ signatureMethod });
      await h.registerProvider({
        name: `local-${key}`,
        display_name: `Local OAuth 1.0a (${signatureMethod})`,
        docs: 'https://example.com/docs',
        auth_mode: 'OAUTH1',
        request_url: `${provider.url}/oauth/request_token`,
        authorization_url: `${provider.url}/oauth/authorize`,
        token_url: `${provider.url}/oauth/access_token`,
        signature_method: signatureMethod,
      });
      await h.createIntegration({
        unique_key: key,
        provider: `local-${key}`,
        credentials: {
          type: 'OAUTH1',
          client_id: provider.consumerKey,
          client_secret: provider.consumerSecret,
        },
      });
    });
    afterAll(() => provider?.close());

    /** GET /oauth/connect, then the provider's authorize page; returns the redirect back to Latchkey. */
    async function authorize(options: { deny?: boolean } = {}): Promise<URL> {
      const token = await h.createSession();
      const connect = await fetch(`${h.url}/oauth/connect/${key}?connect_session_token=${token}`, {
        redirect: 'manual',
      });
      expect(connect.status, await connect.clone().text()).toBe(302);
      const authorizeUrl = new URL(connect.headers.get('location') ?? '');
      expect(`${authorizeUrl.origin}${authorizeUrl.pathname}`).toBe(`${provider.url}/oauth/authorize`);
      expect(authorizeUrl.searchParams.get('oauth_token')).toMatch(/^rt-/);
      // The same callback as in the signed request-token request (compat doc 4.8), carrying the state.
      const oauthCallback = new URL(authorizeUrl.searchParams.get('oauth_callback') ?? '');
      expect(`${oauthCallback.origin}${oauthCallback.pathname}`).toBe(`${h.url}/oauth/callback`);
      expect(oauthCallback.searchParams.get('state')).toMatch(/^[0-9a-f]{64}$/);
      if (options.deny) authorizeUrl.searchParams.set('deny', '1');
      const authorized = await fetch(authorizeUrl, { redirect: 'manual' });
      expect(authorized.status).toBe(302);
      return new URL(authorized.headers.get('location') ?? '');
    }

    it('connects, with signatures the provider accepts', async () => {
      const before = await h.countConnections();
      const callback = await authorize();
      expect(`${callback.origin}${callback.pathname}`).toBe(`${h.url}/oauth/callback`);
      expect(callback.searchParams.get('oauth_token')).toMatch(/^rt-/);
      expect(callback.searchParams.get('oauth_verifier')).toMatch(/^v-/);
      expect(callback.searchParams.get('state')).toMatch(/^[0-9a-f]{64}$/);

      const response = await h.complete(callback);
      const body = (await response.json()) as { connectionId: string; providerConfigKey: string };
      expect(response.status, JSON.stringify(body)).toBe(200);
      expect(body.providerConfigKey).toBe(key);
      expect(await h.countConnections()).toBe(before + 1);
      expect(provider.problems).toEqual([]);
      expect(provider.requests).toMatchObject({ request_token: 1, authorize: 1, access_token: 1 });

      const connection = await h.api(`/connections/${body.connectionId}?provider_config_key=${key}`);
      const data = (await connection.json()) as { credentials: Record<string, unknown> };
      expect(data.credentials).toEqual({
        type: 'OAUTH1',
        oauth_token: expect.stringMatching(/^at-/),
        oauth_token_secret: expect.stringMatching(/^ats-/),
        raw: expect.objectContaining({ user_id: '4242', screen_name: 'latchkey_tester' }),
      });
      const raw = data.credentials.raw as Record<string, unknown>;
      expect(raw.oauth_token).toBe(data.credentials.oauth_token);

      // The same callback again: the state was spent, nothing reaches the provider, no second connection.
      const replay = await h.complete(callback);
      expect(replay.status).toBe(400);
      expect(((await replay.json()) as { error: { code: string } }).error.code).toBe('invalid_state');
      expect(provider.requests.access_token).toBe(1);
      expect(await h.countConnections()).toBe(before + 1);
    });

    it('fails with authorization_denied when the user denies', async () => {
      const before = await h.countConnections();
      const accessTokenRequests = provider.requests.access_token;
      const callback = await authorize({ deny: true });
      expect(callback.searchParams.get('denied')).toMatch(/^rt-/);
      const response = await h.complete(callback);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
        'authorization_denied',
      );
      expect(provider.requests.access_token).toBe(accessTokenRequests);
      expect(await h.countConnections()).toBe(before);
      expect(provider.problems).toEqual([]);
    });
  });
});
