/**
 * The frontend SDK's socket and the OAuth callback on different instances: two server processes on one PostgreSQL,
 * the SDK's WebSocket on A, the popup's callback answered by B. Only B sees the callback, so the frame that settles
 * `auth()` on A can only have come through PostgreSQL LISTEN/NOTIFY.
 */
import Nango, { AuthError } from '@nangohq/frontend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { driveAuthorization } from '../../server/test/support/browser-driver';
import { type OidcServer, startOidcServer } from '../../server/test/support/oidc-server';
import { api } from './support/api';
import { freePort } from './support/free-port';
import { installBrowserGlobals, onPopupNavigation, removeBrowserGlobals } from './support/frontend-sdk';
import { newBootstrapKey, newEncryptionKey } from './support/keys';
import { createTestDatabase, TEST_DATABASE_URL, type TestDatabase } from './support/postgres';
import { ServerProcess } from './support/server-process';

describe.runIf(TEST_DATABASE_URL)('frontend SDK socket on one instance, callback on another', () => {
  let database: TestDatabase;
  let oidc: OidcServer;
  let a: ServerProcess;
  let b: ServerProcess;
  const key = newBootstrapKey();

  async function sessionToken(): Promise<string> {
    const session = await api<{ data: { token: string } }>(a.url, key, 'POST', '/connect/sessions', {
      end_user: { id: 'u1' },
    });
    expect(session.status).toBe(201);
    return session.body.data.token;
  }

  /** The popup: the user acts at the provider, and the redirect back is answered by instance B. */
  const callbackOnB = (deny: boolean) => async (url: string) => {
    const { callbackUrl } = await driveAuthorization(url, { issuer: oidc.issuer, deny });
    expect(callbackUrl.origin).toBe(a.url);
    const onB = new URL(callbackUrl.pathname + callbackUrl.search, b.url);
    await (await fetch(onB)).text();
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    const portA = await freePort();
    const urlA = `http://127.0.0.1:${portA}`;
    oidc = await startOidcServer({
      clients: [{ client_id: 'ws', client_secret: 'ws-secret', redirect_uris: [`${urlA}/oauth/callback`] }],
    });
    const env = {
      DATABASE_URL: database.url,
      LATCHKEY_ENCRYPTION_KEY: newEncryptionKey(),
      LATCHKEY_BOOTSTRAP_SECRET_KEY: key,
      LATCHKEY_ALLOW_PRIVATE_URLS: '1',
      LATCHKEY_PUBLIC_URL: urlA,
    };
    a = await ServerProcess.start({ port: portA, env });
    await a.waitForHealth();
    b = await ServerProcess.start({ env });
    await b.waitForHealth();

    const provider = await api(a.url, key, 'POST', '/providers', {
      name: 'ws-oidc',
      display_name: 'WS OIDC',
      auth_mode: 'OAUTH2',
      authorization_url: oidc.authorizationEndpoint,
      token_url: oidc.tokenEndpoint,
      proxy: { base_url: oidc.issuer },
      docs: 'https://example.com/docs',
    });
    expect(provider.status).toBe(201);
    const integration = await api(a.url, key, 'POST', '/integrations', {
      unique_key: 'ws',
      provider: 'ws-oidc',
      credentials: { type: 'OAUTH2', client_id: 'ws', client_secret: 'ws-secret', scopes: 'openid' },
    });
    expect(integration.status).toBe(200);
    installBrowserGlobals();
  }, 120_000);

  afterAll(async () => {
    removeBrowserGlobals();
    await a?.[Symbol.asyncDispose]();
    await b?.[Symbol.asyncDispose]();
    await oidc?.close();
    await database?.[Symbol.asyncDispose]();
  });

  it('settles auth() on A with the connection B created', async () => {
    const popup = onPopupNavigation(callbackOnB(false));
    const result = await new Nango({ host: a.url, connectSessionToken: await sessionToken() }).auth('ws');
    await popup.settled();
    expect(result).toEqual({ providerConfigKey: 'ws', connectionId: expect.any(String), isPending: false });
    const stored = await api(a.url, key, 'GET', `/connections/${result.connectionId}?provider_config_key=ws`);
    expect(stored.status).toBe(200);
  });

  it('rejects auth() on A when the user denies and B handles the callback', async () => {
    const popup = onPopupNavigation(callbackOnB(true));
    const error = await new Nango({ host: a.url, connectSessionToken: await sessionToken() }).auth('ws').then(
      () => undefined,
      (e: unknown) => e,
    );
    await popup.settled();
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).type).toBe('callback_err');
  });
});
