/**
 * INSTALL_PLUGIN end to end against a simulated plugin marketplace: `/oauth/connect` to the install page, the
 * marketplace's redirect back with the state as `payload` and the `website_id`, the plugin's credentials checked with
 * `proxy.verification` and stored as BASIC, the read, the proxy, and what is refused (missing settings, credentials
 * the provider refuses, a replayed callback). Plugin credentials never expire: nothing to renew.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  completeConnection,
  fetchConnection,
  openConnect,
  proxiedText,
  readConnection,
  refusalOf,
} from '../support/auth-mode-steps';
import { type FlowHarness, startFlowHarness } from '../support/flow-harness';
import {
  type SimulatedPluginMarket,
  startSimulatedPluginMarket,
} from '../support/simulated-providers/install-plugin';
import { databaseKinds } from '../support/test-database';

const KEY = 'chat-plugin';

describe.each(databaseKinds())('INSTALL_PLUGIN (%s)', (kind) => {
  let h: FlowHarness;
  let market: SimulatedPluginMarket;

  beforeAll(async () => {
    h = await startFlowHarness(kind);
    market = await startSimulatedPluginMarket({ callbackUrl: `${h.url}/oauth/callback` });
    await h.registerProvider({
      name: 'sim-chat-plugin',
      display_name: 'Simulated chat (plugin install)',
      docs: 'https://example.com/docs',
      auth_mode: 'INSTALL_PLUGIN',
      auth_type: 'BASIC',
      redirect_uri_metadata: ['website_id'],
      proxy: {
        base_url: market.url,
        headers: { 'x-crisp-tier': 'plugin' },
        verification: { method: 'GET', endpoints: ['/v1/plugin/connect/account'] },
      },
    });
    const custom = { app_link: market.installPage, username: market.identifier, password: market.key };
    await h.createIntegration({ unique_key: KEY, provider: 'sim-chat-plugin', custom });
    await h.createIntegration({
      unique_key: 'chat-plugin-wrong-key',
      provider: 'sim-chat-plugin',
      custom: { ...custom, password: 'not-the-plugin-key' },
    });
    await h.createIntegration({
      unique_key: 'chat-plugin-incomplete',
      provider: 'sim-chat-plugin',
      custom: { app_link: market.installPage },
    });
  });
  afterAll(async () => {
    await market?.close();
    await h?.[Symbol.asyncDispose]();
  });

  /** `/oauth/connect`, then the install page as a browser would; returns the redirect back to Latchkey. */
  async function install(key: string): Promise<URL> {
    const token = await h.createSession();
    const connect = await fetch(`${h.url}/oauth/connect/${key}?connect_session_token=${token}`, {
      redirect: 'manual',
    });
    expect(connect.status, await connect.clone().text()).toBe(302);
    const installPage = new URL(connect.headers.get('location') ?? '');
    expect(`${installPage.origin}${installPage.pathname}`).toBe(market.installPage);
    expect(installPage.searchParams.get('payload')).toMatch(/^[0-9a-f]{64}$/);
    const installed = await fetch(installPage, { redirect: 'manual' });
    expect(installed.status).toBe(302);
    return new URL(installed.headers.get('location') ?? '');
  }

  const proxied = (id: string, path: string) => proxiedText(h, KEY, id, path);

  it('installs, verifies, and stores the plugin credentials as BASIC with the website in the connection config', async () => {
    const before = { connections: await h.countConnections(), api: market.apiRequests.length };
    const callback = await install(KEY);
    expect(`${callback.origin}${callback.pathname}`).toBe(`${h.url}/oauth/callback`);
    const websiteId = market.installs.at(-1)!.websiteId;
    expect(callback.searchParams.get('website_id')).toBe(websiteId);

    const connectionId = await completeConnection(h, callback, KEY);
    expect(market.apiRequests.slice(before.api)).toEqual([
      { method: 'GET', path: '/v1/plugin/connect/account', status: 200 },
    ]);
    expect(await h.countConnections()).toBe(before.connections + 1);

    const connection = await readConnection<{
      credentials: Record<string, unknown>;
      connection_config: Record<string, unknown>;
    }>(h, KEY, connectionId);
    expect(connection.credentials).toEqual({
      type: 'BASIC',
      username: market.identifier,
      password: market.key,
    });
    expect(connection.connection_config).toMatchObject({ website_id: websiteId });

    // The state was spent: the same callback again stores nothing more.
    const replay = await h.complete(callback);
    expect((await refusalOf(replay)).error.code).toBe('invalid_state');
    expect(await h.countConnections()).toBe(before.connections + 1);
  });

  it('proxies with the plugin’s Basic credentials and the entry’s headers, body unchanged; nothing to renew', async () => {
    const connectionId = await completeConnection(h, await install(KEY), KEY);
    const websiteId = market.installs.at(-1)!.websiteId;
    const text = await proxied(connectionId, `/v1/website/${websiteId}/people/profiles`);
    expect(text).toBe(
      JSON.stringify({ error: false, reason: 'listed', data: [{ people_id: 'p-1', nickname: 'Ada' }] }),
    );
    expect(market.apiRequests.at(-1)).toEqual({
      method: 'GET',
      path: `/v1/website/${websiteId}/people/profiles`,
      status: 200,
    });

    // Plugin credentials never expire and have no renew step: a forced refresh never reaches the marketplace
    // and never answers 500; the credentials stay as they were.
    const installs = market.installs.length;
    const forced = await fetchConnection(h, KEY, connectionId, '&force_refresh=true');
    expect(forced.status, await forced.text()).toBeLessThan(500);
    expect(market.installs.length).toBe(installs);
    await proxied(connectionId, `/v1/website/${websiteId}/people/profiles`);
  });

  it('answers 400 unsupported_auth_mode naming what the integration lacks, before anyone leaves', async () => {
    const installs = market.installs.length;
    const { error } = await refusalOf(await openConnect(h, 'chat-plugin-incomplete'));
    expect(error.code).toBe('unsupported_auth_mode');
    expect(error.message).toMatch(/username.*password/);
    expect(error.payload).toEqual({ missing: ['username', 'password'] });
    expect(market.installs.length).toBe(installs);
  });

  it('answers 400 connection_test_failed when the provider refuses the plugin credentials, and stores nothing', async () => {
    const before = await h.countConnections();
    const { error, text } = await refusalOf(await h.complete(await install('chat-plugin-wrong-key')));
    expect(error.code).toBe('connection_test_failed');
    expect(text).not.toContain('not-the-plugin-key');
    expect(market.apiRequests.at(-1)).toMatchObject({ path: '/v1/plugin/connect/account', status: 401 });
    expect(await h.countConnections()).toBe(before);
  });
});
