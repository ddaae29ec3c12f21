/**
 * CUSTOM (GitHub App with user authorization during installation) end to end against a GitHub-like provider: one
 * trip installs the app and authorizes the user; the connection holds the installation token and the user token
 * (Nango's `{type:'CUSTOM', app, user}`), the proxy sends the installation token, a renewal re-mints it and refreshes
 * the user token when due; an update without a code connects with the app alone; refusals store nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConnect, refusalOf } from '../support/auth-mode-steps';
import { type FlowHarness, startFlowHarness } from '../support/flow-harness';
import {
  type GitHubAppSim,
  githubAppEntry,
  githubAppFlows,
  githubAppKeys,
  startGitHubAppSim,
} from '../support/simulated-providers/github-app';
import { databaseKinds } from '../support/test-database';

const APP_ID = '515151';
const KEY = 'gh-app-oauth';
const PROVIDER = 'sim-github-app-oauth';
const { publicKey, privatePem } = githubAppKeys();

interface ConnectionBody {
  connection_id: string;
  connection_config: Record<string, string>;
  credentials: {
    type: string;
    app: Record<string, unknown>;
    user: Record<string, unknown> | null;
    raw: Record<string, unknown>;
  };
}

describe.each(databaseKinds())('CUSTOM (GitHub App OAuth) (%s)', (kind) => {
  let h: FlowHarness;
  let sim: GitHubAppSim;
  const { install, complete, connect, read, proxied, installationOf } = githubAppFlows<ConnectionBody>(
    () => ({ h, sim }),
    KEY,
  );

  async function createIntegration(uniqueKey: string, clientSecret = sim.clientSecret) {
    await h.createIntegration({
      unique_key: uniqueKey,
      provider: PROVIDER,
      credentials: {
        type: 'CUSTOM',
        client_id: sim.clientId,
        client_secret: clientSecret,
        app_id: APP_ID,
        app_link: sim.appLink,
        private_key: privatePem,
      },
    });
  }

  beforeAll(async () => {
    h = await startFlowHarness(kind);
    sim = await startGitHubAppSim({ appId: APP_ID, publicKey });
    sim.settings.setupUrl = `${h.url}/app-auth/connect`;
    // The app asks for user authorization during installation: GitHub goes to the OAuth callback with a code.
    sim.settings.callbackUrl = `${h.url}/oauth/callback`;
    await h.registerProvider(githubAppEntry(PROVIDER, sim, 'CUSTOM'));
    await createIntegration(KEY);
  });
  afterAll(async () => {
    await sim?.close();
    await h?.[Symbol.asyncDispose]();
  });

  it('installs and authorizes in one trip: the user token and the installation token', async () => {
    const before = await h.countConnections();
    const requests = { ...sim.requests };
    const callback = await install();
    expect(`${callback.origin}${callback.pathname}`).toBe(`${h.url}/oauth/callback`);
    expect(callback.searchParams.get('code')).toMatch(/^[0-9a-f]+$/);
    expect(callback.searchParams.get('installation_id')).toMatch(/^\d+$/);
    expect(callback.searchParams.get('setup_action')).toBe('install');

    await complete(callback);
    expect(await h.countConnections()).toBe(before + 1);
    expect(sim.requests.userToken).toBe(requests.userToken + 1);
    expect(sim.requests.accessTokens).toBe(requests.accessTokens + 1);
    expect(sim.problems).toEqual([]);
    expect(sim.lastAppJwt?.iss).toBe(APP_ID);
  });

  it('reads the connection in Nango’s CUSTOM shape, refresh tokens only when asked', async () => {
    const connectionId = await connect();
    const body = await read(connectionId);
    const installation = installationOf(body)!;
    expect(body.connection_config).toMatchObject({
      installation_id: expect.stringMatching(/^\d+$/),
      app_id: APP_ID,
    });
    const appRaw = {
      token: installation.token,
      expires_at: installation.expiresAt,
      permissions: { contents: 'read', metadata: 'read' },
      repository_selection: 'all',
    };
    expect(body.credentials).toEqual({
      type: 'CUSTOM',
      app: {
        type: 'APP',
        access_token: installation.token,
        expires_at: installation.expiresAt,
        raw: appRaw,
        jwtToken: expect.any(String),
      },
      user: {
        type: 'OAUTH2',
        access_token: sim.currentUserToken,
        expires_at: expect.stringMatching(/Z$/),
        raw: {
          access_token: sim.currentUserToken,
          expires_in: 8 * 3600,
          refresh_token_expires_in: 15_897_600,
          scope: '',
          token_type: 'bearer',
        },
      },
      raw: appRaw,
    });
    const withRefresh = await read(connectionId, '&refresh_token=true');
    expect(withRefresh.credentials.user?.refresh_token).toBe(sim.currentRefreshToken);
  });

  it('proxies with the installation token, passing the body through unchanged', async () => {
    const connectionId = await connect();
    const text = await proxied(connectionId);
    expect(text).toBe(sim.lastRepositoriesBody);
  });

  it('re-mints the installation token on force_refresh; a user token not yet due is kept', async () => {
    const connectionId = await connect();
    const first = await read(connectionId);
    const requests = { ...sim.requests };
    const refreshed = await read(connectionId, '&force_refresh=true');
    expect(sim.requests.accessTokens).toBe(requests.accessTokens + 1);
    expect(sim.requests.userRefresh).toBe(requests.userRefresh);
    expect(refreshed.credentials.app.access_token).not.toBe(first.credentials.app.access_token);
    expect(refreshed.credentials.user?.access_token).toBe(first.credentials.user?.access_token);
    await proxied(connectionId);
  });

  it('refreshes a due user token together with the installation token on read', async () => {
    sim.settings.userTokenLifetimeSeconds = 600; // inside the 15-minute margin
    try {
      const connectionId = await connect();
      const requests = { ...sim.requests };
      const body = await read(connectionId, '&refresh_token=true');
      expect(sim.requests.userRefresh).toBe(requests.userRefresh + 1);
      expect(sim.requests.accessTokens).toBe(requests.accessTokens + 1);
      expect(body.credentials.user?.access_token).toBe(sim.currentUserToken);
      // GitHub rotates refresh tokens: the new one is kept.
      expect(body.credentials.user?.refresh_token).toBe(sim.currentRefreshToken);
      expect(body.credentials.app.access_token).toBe(installationOf(body)!.token);
    } finally {
      sim.settings.userTokenLifetimeSeconds = 8 * 3600;
    }
  });

  it('drops a user token whose refresh GitHub refuses, keeping the installation token', async () => {
    sim.settings.userTokenLifetimeSeconds = 600;
    try {
      const connectionId = await connect();
      sim.currentRefreshToken = 'ghr_revoked'; // the user revoked the app's authorization
      const requests = { ...sim.requests };
      const body = await read(connectionId);
      expect(sim.requests.userRefresh).toBe(requests.userRefresh + 1);
      expect(sim.problems.at(-1)).toBe('bad_refresh_token');
      expect(body.credentials.user).toBeNull();
      expect(body.credentials.app.access_token).toBe(installationOf(body)!.token);
      await proxied(connectionId);
    } finally {
      sim.settings.userTokenLifetimeSeconds = 8 * 3600;
    }
  });

  it('connects an update without a code with the installation token alone', async () => {
    await connect();
    sim.settings.setupAction = 'update';
    try {
      const requests = { ...sim.requests };
      const callback = await install();
      expect(callback.searchParams.get('code')).toBeNull();
      expect(callback.searchParams.get('setup_action')).toBe('update');
      const connectionId = await complete(callback);
      expect(sim.requests.userToken).toBe(requests.userToken);
      const body = await read(connectionId);
      expect(body.credentials.user).toBeNull();
      expect(body.credentials.app.access_token).toBe(installationOf(body)!.token);
    } finally {
      sim.settings.setupAction = 'install';
    }
  });

  describe('refusals store nothing', () => {
    it('a client secret GitHub does not know: 400 token_exchange_failed, no installation token', async () => {
      await createIntegration('gh-app-oauth-wrong', 'not-the-secret');
      const before = await h.countConnections();
      const mints = sim.requests.accessTokens;
      const { error } = await refusalOf(await h.complete(await install('gh-app-oauth-wrong')));
      expect(error.code).toBe('token_exchange_failed');
      expect(error.message).toContain('incorrect_client_credentials');
      expect(error.message).not.toContain('not-the-secret');
      expect(sim.requests.accessTokens).toBe(mints);
      expect(await h.countConnections()).toBe(before);
    });

    it('the user refusing: 400 authorization_denied', async () => {
      const before = await h.countConnections();
      const callback = await install();
      callback.searchParams.delete('code');
      callback.searchParams.set('error', 'access_denied');
      const response = await h.complete(callback);
      expect((await refusalOf(response)).error.code).toBe('authorization_denied');
      expect(await h.countConnections()).toBe(before);
    });

    it('an installation awaiting approval: 400 invalid_callback, the code left unused', async () => {
      const before = await h.countConnections();
      const requests = { ...sim.requests };
      const callback = await install();
      callback.searchParams.delete('installation_id');
      callback.searchParams.set('setup_action', 'request');
      const response = await h.complete(callback);
      expect((await refusalOf(response)).error.code).toBe('invalid_callback');
      expect(sim.requests.userToken).toBe(requests.userToken);
      expect(await h.countConnections()).toBe(before);
    });

    it('an integration without its OAuth client: 400 before leaving', async () => {
      await h.createIntegration({ unique_key: 'gh-app-oauth-bare', provider: PROVIDER });
      const response = await openConnect(h, 'gh-app-oauth-bare');
      expect((await refusalOf(response)).error.code).toBe('integration_not_configured');
    });

    it('an integration body without its app: 400 invalid_body naming the field', async () => {
      const response = await h.api('/integrations', {
        method: 'POST',
        json: {
          unique_key: 'gh-app-oauth-no-app',
          provider: PROVIDER,
          credentials: { type: 'CUSTOM', client_id: sim.clientId, client_secret: sim.clientSecret },
        },
      });
      const { error } = await refusalOf(response);
      expect(error.code).toBe('invalid_body');
      expect(JSON.stringify(error)).toContain('app_id');
    });
  });
});
