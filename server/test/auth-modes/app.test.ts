/**
 * APP (GitHub App) end to end against a GitHub-like provider that verifies the app JWT with the app's public key:
 * installation through a connect session, the setup URL `/app-auth/connect`, the stored connection in Nango's
 * shape, re-minted installation tokens (forced, via `refresh_github_app_jwt_token`, and when due), the proxy, and
 * refusals that store nothing.
 */
import { generateKeyPairSync } from 'node:crypto';
import { jwtVerify } from 'jose';
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

const APP_ID = '424242';
const KEY = 'gh-app';
const PROVIDER = 'sim-github-app';
const { publicKey, privatePem } = githubAppKeys();

interface ConnectionBody {
  connection_id: string;
  connection_config: Record<string, string>;
  credentials: Record<string, unknown>;
}

describe.each(databaseKinds())('APP (GitHub App) (%s)', (kind) => {
  let h: FlowHarness;
  let sim: GitHubAppSim;
  const { install, complete, connect, read, proxied, installationOf } = githubAppFlows<ConnectionBody>(
    () => ({ h, sim }),
    KEY,
  );

  beforeAll(async () => {
    h = await startFlowHarness(kind);
    sim = await startGitHubAppSim({ appId: APP_ID, publicKey });
    sim.settings.setupUrl = `${h.url}/app-auth/connect`;
    await h.registerIntegration(KEY, githubAppEntry(PROVIDER, sim, 'APP'), {
      credentials: { type: 'APP', app_id: APP_ID, app_link: sim.appLink, private_key: privatePem },
    });
  });
  afterAll(async () => {
    await sim?.close();
    await h?.[Symbol.asyncDispose]();
  });

  it('installs through a connect session and the setup URL, minting an installation token with the app JWT', async () => {
    const before = await h.countConnections();
    const mints = sim.requests.accessTokens;
    const callback = await install();
    expect(`${callback.origin}${callback.pathname}`).toBe(`${h.url}/app-auth/connect`);
    expect(callback.searchParams.get('installation_id')).toMatch(/^\d+$/);
    expect(callback.searchParams.get('setup_action')).toBe('install');
    expect(callback.searchParams.get('state')).toMatch(/^[0-9a-f]{64}$/);

    await complete(callback);
    expect(await h.countConnections()).toBe(before + 1);
    expect(sim.requests.accessTokens).toBe(mints + 1);
    expect(sim.problems).toEqual([]);
    // The JWT GitHub saw: issued by the app, backdated, at most ten minutes long.
    const claims = sim.lastAppJwt!;
    expect(claims.iss).toBe(APP_ID);
    expect(claims.exp! - claims.iat!).toBeLessThanOrEqual(600);
    expect(claims.iat!).toBeLessThan(Date.now() / 1000);
    expect(sim.lastAccessTokenHeaders?.accept).toContain('application/vnd.github');

    // The state was spent: the same setup URL again reaches nothing and stores nothing.
    const replay = await h.complete(callback);
    expect((await refusalOf(replay)).error.code).toBe('invalid_state');
    expect(sim.requests.accessTokens).toBe(mints + 1);
  });

  it('answers the browser with the callback page', async () => {
    const response = await fetch(await install());
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    expect(await response.text()).toContain('nango_oauth_callback_success');
  });

  it('reads the connection in Nango’s APP shape, with the provider’s expires_at', async () => {
    const connectionId = await connect();
    const body = await read(connectionId);
    const installation = installationOf(body)!;
    expect(body.connection_config).toMatchObject({
      installation_id: expect.stringMatching(/^\d+$/),
      app_id: APP_ID,
      appPublicLink: sim.appLink,
    });
    expect(body.connection_config).not.toHaveProperty('jwtToken');
    expect(body.credentials).toEqual({
      type: 'APP',
      access_token: installation.token,
      expires_at: installation.expiresAt,
      raw: {
        token: installation.token,
        expires_at: installation.expiresAt,
        permissions: { contents: 'read', metadata: 'read' },
        repository_selection: 'all',
      },
      jwtToken: expect.any(String),
    });
    expect(body.credentials.expires_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const { payload } = await jwtVerify(body.credentials.jwtToken as string, publicKey, {
      issuer: APP_ID,
    });
    expect(payload.exp! - payload.iat!).toBe(600);
  });

  it('proxies with the installation token as Bearer, passing the body through unchanged', async () => {
    const connectionId = await connect();
    const seen = sim.requests.repositories;
    const text = await proxied(connectionId);
    expect(text).toBe(sim.lastRepositoriesBody);
    expect(sim.requests.repositories).toBe(seen + 1);
  });

  /** A new connection read once, then with `query`, which must mint exactly one new installation token. */
  async function remintedBy(query: string) {
    const connectionId = await connect();
    const first = await read(connectionId);
    const mints = sim.requests.accessTokens;
    const refreshed = await read(connectionId, query);
    expect(sim.requests.accessTokens).toBe(mints + 1);
    expect(refreshed.credentials.access_token).not.toBe(first.credentials.access_token);
    return { connectionId, refreshed, mints };
  }

  it('re-mints the installation token on force_refresh, and the next proxied call carries the new one', async () => {
    const { connectionId, refreshed } = await remintedBy('&force_refresh=true');
    expect(refreshed.credentials.access_token).toBe(installationOf(refreshed)!.token);
    // The simulated GitHub accepts only the newest token: a stale one would answer 401.
    await proxied(connectionId);
  });

  it('re-mints on refresh_github_app_jwt_token=true, with a fresh app JWT', async () => {
    const { connectionId, refreshed, mints } = await remintedBy('&refresh_github_app_jwt_token=true');
    const { payload } = await jwtVerify(refreshed.credentials.jwtToken as string, publicKey);
    expect(payload.exp! * 1000).toBeGreaterThan(Date.now());

    // Like force_refresh, it needs the credentials scope (compat doc 2.3).
    const dev = await h.t.latchkey.services.environments.getByName('dev');
    const reader = await h.t.latchkey.services.apiKeys.create({
      environmentId: dev.id,
      name: 'gh-app-reader',
      scopes: ['environment:connections:read'],
    });
    const refused = await fetch(
      `${h.url}/connections/${connectionId}?provider_config_key=${KEY}&refresh_github_app_jwt_token=true`,
      { headers: { authorization: `Bearer ${reader.secretKey}` } },
    );
    expect(refused.status).toBe(403);
    expect(sim.requests.accessTokens).toBe(mints + 1);
  });

  it('re-mints a token that is due when the connection is read', async () => {
    sim.settings.tokenLifetimeSeconds = 300; // inside the 15-minute margin: due at once
    try {
      const connectionId = await connect();
      const mints = sim.requests.accessTokens;
      const body = await read(connectionId);
      expect(sim.requests.accessTokens).toBe(mints + 1);
      expect(body.credentials.access_token).toBe(installationOf(body)!.token);
    } finally {
      sim.settings.tokenLifetimeSeconds = 3600;
    }
  });

  describe('refusals store nothing', () => {
    it('a private key GitHub does not know: 400 token_exchange_failed', async () => {
      const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
      await h.createIntegration({
        unique_key: 'gh-app-wrong-key',
        provider: PROVIDER,
        credentials: {
          type: 'APP',
          app_id: APP_ID,
          app_link: sim.appLink,
          private_key: other.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        },
      });
      const before = await h.countConnections();
      const problems = sim.problems.length;
      const { error } = await refusalOf(await h.complete(await install('gh-app-wrong-key')));
      expect(error.code).toBe('token_exchange_failed');
      expect(error.message).toContain('401');
      expect(sim.problems.slice(problems)).toEqual([expect.stringMatching(/^jwt_invalid/)]);
      expect(await h.countConnections()).toBe(before);
    });

    it('a requested installation (awaiting an owner’s approval): 400 invalid_callback', async () => {
      sim.settings.setupAction = 'request';
      try {
        const before = await h.countConnections();
        const mints = sim.requests.accessTokens;
        const callback = await install();
        expect(callback.searchParams.get('installation_id')).toBeNull();
        const response = await h.complete(callback);
        expect((await refusalOf(response)).error.code).toBe('invalid_callback');
        expect(sim.requests.accessTokens).toBe(mints);
        expect(await h.countConnections()).toBe(before);
      } finally {
        sim.settings.setupAction = 'install';
      }
    });

    it('the setup URL without a state: a 400 page, never a 500', async () => {
      const before = await h.countConnections();
      const page = await fetch(`${h.url}/app-auth/connect?installation_id=123&setup_action=install`);
      expect(page.status).toBe(400);
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
      expect(await page.text()).toContain('invalid_state');
      const asJson = await fetch(`${h.url}/app-auth/connect?installation_id=123&setup_action=update`, {
        headers: { accept: 'application/json' },
      });
      expect((await refusalOf(asJson)).error.code).toBe('invalid_state');
      expect(await h.countConnections()).toBe(before);
    });

    it('a forged state or installation id: 400, nothing sent to GitHub', async () => {
      const mints = sim.requests.accessTokens;
      const forged = await h.complete(
        new URL(`${h.url}/app-auth/connect?installation_id=1&setup_action=install&state=${'0'.repeat(64)}`),
      );
      expect((await refusalOf(forged)).error.code).toBe('invalid_state');
      const callback = await install();
      callback.searchParams.set('installation_id', '1/../../../users');
      const tampered = await h.complete(callback);
      expect((await refusalOf(tampered)).error.code).toBe('invalid_callback');
      expect(sim.requests.accessTokens).toBe(mints);
    });

    it('an integration without its app: 400 integration_not_configured before leaving', async () => {
      await h.createIntegration({ unique_key: 'gh-app-bare', provider: PROVIDER });
      const response = await openConnect(h, 'gh-app-bare');
      expect((await refusalOf(response)).error.code).toBe('integration_not_configured');
    });

    it('a wrong query or integration body: 400 naming the field', async () => {
      const query = await openConnect(h, KEY, '&connection_id=chosen');
      expect((await refusalOf(query)).error.code).toBe('invalid_query_params');

      const integration = await h.api('/integrations', {
        method: 'POST',
        json: {
          unique_key: 'gh-app-no-key',
          provider: PROVIDER,
          credentials: { type: 'APP', app_id: APP_ID, app_link: sim.appLink },
        },
      });
      const { error } = await refusalOf(integration);
      expect(error.code).toBe('invalid_body');
      expect(JSON.stringify(error)).toContain('private_key');
    });
  });
});
