/**
 * The single-flight promise across processes: two real server processes on one PostgreSQL, 50 concurrent reads of an
 * expired connection split between them, and a real authorization server that revokes the whole grant if a rotated
 * refresh token is spent twice. Exactly one refresh may reach it, and every reader gets the same new token.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { driveAuthorization } from '../../server/test/support/browser-driver';
import { type OidcServer, startOidcServer } from '../../server/test/support/oidc-server';
import { api } from './support/api';
import { freePort } from './support/free-port';
import { newBootstrapKey, newEncryptionKey } from './support/keys';
import { createTestDatabase, TEST_DATABASE_URL, type TestDatabase } from './support/postgres';
import { ServerProcess } from './support/server-process';

describe.runIf(TEST_DATABASE_URL)('refresh across two server processes on one PostgreSQL', () => {
  let database: TestDatabase;
  let oidc: OidcServer;
  let a: ServerProcess;
  let b: ServerProcess;
  const key = newBootstrapKey();

  beforeAll(async () => {
    database = await createTestDatabase();
    const portA = await freePort();
    const urlA = `http://127.0.0.1:${portA}`;
    oidc = await startOidcServer({
      clients: [
        { client_id: 'cross', client_secret: 'cross-secret', redirect_uris: [`${urlA}/oauth/callback`] },
      ],
      accessTokenTtlSeconds: 2,
    });
    const env = {
      DATABASE_URL: database.url,
      LATCHKEY_ENCRYPTION_KEY: newEncryptionKey(),
      LATCHKEY_BOOTSTRAP_SECRET_KEY: key,
      LATCHKEY_ALLOW_PRIVATE_URLS: '1',
      LATCHKEY_PUBLIC_URL: urlA,
      LATCHKEY_REFRESH_MARGIN_SECONDS: '1',
      LATCHKEY_PROACTIVE_REFRESH: 'off',
    };
    a = await ServerProcess.start({ port: portA, env });
    await a.waitForHealth();
    b = await ServerProcess.start({ env });
    await b.waitForHealth();
  }, 120_000);

  afterAll(async () => {
    await a?.[Symbol.asyncDispose]();
    await b?.[Symbol.asyncDispose]();
    await oidc?.close();
    await database?.[Symbol.asyncDispose]();
  });

  it('spends the refresh token once for 50 concurrent readers and hands all of them the same new token', async () => {
    const provider = await api(a.url, key, 'POST', '/providers', {
      name: 'cross-oidc',
      display_name: 'Cross OIDC',
      auth_mode: 'OAUTH2',
      authorization_url: oidc.authorizationEndpoint,
      token_url: oidc.tokenEndpoint,
      proxy: { base_url: oidc.issuer },
      docs: 'https://example.com/docs',
    });
    expect(provider.status).toBe(201);
    const integration = await api(a.url, key, 'POST', '/integrations', {
      unique_key: 'cross',
      provider: 'cross-oidc',
      credentials: {
        type: 'OAUTH2',
        client_id: 'cross',
        client_secret: 'cross-secret',
        scopes: 'openid,offline_access',
      },
    });
    expect(integration.status).toBe(200);
    const session = await api<{ data: { token: string } }>(a.url, key, 'POST', '/connect/sessions', {
      end_user: { id: 'u1' },
    });
    const { callbackUrl } = await driveAuthorization(
      `${a.url}/oauth/connect/cross?connect_session_token=${session.body.data.token}`,
      { issuer: oidc.issuer },
    );
    const completed = await fetch(callbackUrl, { headers: { accept: 'application/json' } });
    const { connectionId } = (await completed.json()) as { connectionId: string };
    expect(completed.status).toBe(200);

    await sleep(2200);
    const before = oidc.counters.refreshGrants;
    const reads = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        api<{ credentials: { access_token: string } }>(
          i % 2 === 0 ? a.url : b.url,
          key,
          'GET',
          `/connections/${connectionId}?provider_config_key=cross`,
        ),
      ),
    );
    expect(reads.map((r) => r.status)).toEqual(Array(50).fill(200));
    expect(new Set(reads.map((r) => r.body.credentials.access_token)).size).toBe(1);
    expect(oidc.counters.refreshGrants - before).toBe(1);
  }, 60_000);
});
