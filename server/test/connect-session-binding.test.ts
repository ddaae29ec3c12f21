/**
 * Browser-bound connect sessions (issue 14, secure default 6): a session created with `end_user.binding: "browser"`
 * belongs to the first browser that uses its token (cookie `latchkey_csb`); any other browser is refused with 403
 * `session_bound_to_other_browser` and nothing is written. Two cookie jars stand for two browsers, against a real
 * server; the OAuth callback is tied to its state, not the cookie. Unbound sessions behave as before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../src/platform/crypto/secret-hash';
import { driveAuthorization } from './support/browser-driver';
import { dumpDatabase } from './support/database-dump';
import { type FlowHarness, startFlowHarness } from './support/flow-harness';
import { databaseKinds } from './support/test-database';
import { createTestLatchkey } from './support/test-latchkey';
import { startVerificationServer, type VerificationServer } from './support/verification-server';

const BOUND = { end_user: { id: 'user-1', email: 'user@example.com', binding: 'browser' } };

/** One browser's cookies for the Latchkey origin (only `latchkey_csb` matters here). */
class CookieJar {
  private cookie: string | undefined;

  constructor(cookie?: string) {
    this.cookie = cookie;
  }

  get value(): string | undefined {
    return this.cookie;
  }

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return this.cookie === undefined ? extra : { ...extra, cookie: `latchkey_csb=${this.cookie}` };
  }

  keep(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const match = /^latchkey_csb=([^;]*)/.exec(line);
      if (match) this.cookie = match[1];
    }
  }
}

interface ErrorBody {
  error: { code: string; message: string };
}

describe.each(databaseKinds())('browser-bound connect sessions (%s)', (kind) => {
  let h: FlowHarness;
  let verifier: VerificationServer;

  async function send(jar: CookieJar, path: string, init: RequestInit = {}): Promise<Response> {
    const response = await fetch(`${h.url}${path}`, {
      redirect: 'manual',
      ...init,
      headers: jar.headers(Object.fromEntries(new Headers(init.headers).entries())),
    });
    jar.keep(response);
    return response;
  }

  const describeSession = (jar: CookieJar, token: string) =>
    send(jar, '/connect/session', { headers: { authorization: `Bearer ${token}` } });

  const connectApiKey = (jar: CookieJar, token: string) =>
    send(jar, `/api-auth/api-key/apikey?connect_session_token=${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ apiKey: 'good-key' }),
    });

  const startOAuth = (jar: CookieJar, token: string, accept = 'application/json') =>
    send(jar, `/oauth/connect/local?connect_session_token=${token}`, { headers: { accept } });

  async function count(table: 'connections' | 'oauth_sessions' | 'operations' | 'auth_events') {
    const row = await h.t.database.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  const counts = async () => ({
    connections: await count('connections'),
    oauthSessions: await count('oauth_sessions'),
    operations: await count('operations'),
    authEvents: await count('auth_events'),
  });

  async function bindingOf(token: string) {
    return h.t.database.db
      .selectFrom('connect_sessions')
      .select(['binding', 'binding_secret_hash'])
      .where('token_hash', '=', hashSecret(token))
      .executeTakeFirstOrThrow();
  }

  async function expectRefused(response: Response): Promise<void> {
    expect(response.status).toBe(403);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.code).toBe('session_bound_to_other_browser');
    expect(response.headers.getSetCookie()).toEqual([]);
  }

  beforeAll(async () => {
    h = await startFlowHarness(kind);
    verifier = await startVerificationServer({ apiKeys: ['good-key'] });
    await h.registerProvider(verifier.apiKeyProvider('verified-api'));
    await h.createIntegration({ unique_key: 'apikey', provider: 'verified-api' });
  });
  afterAll(async () => {
    await verifier?.close();
    await h?.[Symbol.asyncDispose]();
  });

  it('binds to the first browser with an HttpOnly cookie, storing only its hash', async () => {
    const token = await h.createSession(BOUND);
    expect(await bindingOf(token)).toEqual({ binding: 'browser', binding_secret_hash: null });

    const first = new CookieJar();
    const opened = await describeSession(first, token);
    expect(opened.status, await opened.clone().text()).toBe(200);
    const [cookie] = opened.headers.getSetCookie();
    expect(cookie).toMatch(/^latchkey_csb=[0-9a-f]{64}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+$/);
    // The session's remaining lifetime (LATCHKEY_CONNECT_SESSION_TTL_SECONDS, 1800 by default).
    const maxAge = Number(/Max-Age=(\d+)/.exec(cookie!)![1]);
    expect(maxAge).toBeGreaterThan(1800 - 120);
    expect(maxAge).toBeLessThanOrEqual(1800);

    const secret = first.value!;
    expect((await bindingOf(token)).binding_secret_hash).toBe(hashSecret(secret));
    expect((await dumpDatabase(h.t.database.db)).text).not.toContain(secret);

    // The same browser goes on without a new cookie.
    const again = await describeSession(first, token);
    expect(again.status).toBe(200);
    expect(again.headers.getSetCookie()).toEqual([]);
  });

  it('refuses every route to another browser and writes nothing', async () => {
    const token = await h.createSession(BOUND);
    const first = new CookieJar();
    expect((await describeSession(first, token)).status).toBe(200);
    const bound = await bindingOf(token);
    const before = await counts();

    for (const other of [new CookieJar(), new CookieJar('ab'.repeat(32)), new CookieJar('not-a-secret')]) {
      await expectRefused(await describeSession(other, token));
      await expectRefused(await connectApiKey(other, token));
      await expectRefused(await startOAuth(other, token));
      await expectRefused(
        await send(other, '/connect/session/events', { headers: { authorization: `Bearer ${token}` } }),
      );
      await expectRefused(
        await send(other, '/integrations', { headers: { authorization: `Bearer ${token}` } }),
      );
      await expectRefused(
        await send(other, '/connect/session', {
          method: 'DELETE',
          headers: { authorization: `Bearer ${token}` },
        }),
      );
      // The OAuth start a person's popup makes answers the error page, still 403 and without a cookie.
      const page = await startOAuth(other, token, 'text/html');
      expect(page.status).toBe(403);
      expect(await page.text()).toContain('session_bound_to_other_browser');
      expect(page.headers.getSetCookie()).toEqual([]);
    }
    // The typed APIs check the same binding.
    const graphql = await send(new CookieJar(), '/graphql', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ connectSession { isReconnecting } }' }),
    });
    expect(graphql.status).toBe(403);
    expect(JSON.stringify(await graphql.json())).toContain('session_bound_to_other_browser');

    expect(await counts()).toEqual(before);
    expect(await bindingOf(token)).toEqual(bound);
  });

  it('lets the binding browser connect, across the OAuth redirect whose callback carries no cookie', async () => {
    const token = await h.createSession(BOUND);
    const first = new CookieJar();
    expect((await describeSession(first, token)).status).toBe(200);

    const connected = await connectApiKey(first, token);
    expect(connected.status, await connected.clone().text()).toBe(200);

    const started = await startOAuth(first, token, 'text/html');
    expect(started.status, await started.clone().text()).toBe(302);
    const before = await count('connections');
    // The provider sends the browser back; the callback is tied to the flow's state row and sent here without the
    // cookie (the driver has none), as a provider's redirect may arrive.
    const { callbackUrl } = await driveAuthorization(started.headers.get('location')!, {
      issuer: h.oidc.issuer,
    });
    const completed = await h.complete(callbackUrl);
    expect(completed.status, await completed.clone().text()).toBe(200);
    expect(await count('connections')).toBe(before + 1);
  });

  it('binds on whichever browser route comes first: the OAuth start (a popup) or a one-request flow', async () => {
    const popupFirst = await h.createSession(BOUND);
    const popup = new CookieJar();
    const redirected = await startOAuth(popup, popupFirst, 'text/html');
    expect(redirected.status).toBe(302);
    expect(popup.value).toMatch(/^[0-9a-f]{64}$/);
    await expectRefused(await describeSession(new CookieJar(), popupFirst));
    expect((await describeSession(popup, popupFirst)).status).toBe(200);

    const formFirst = await h.createSession(BOUND);
    const form = new CookieJar();
    expect((await connectApiKey(form, formFirst)).status).toBe(200);
    expect(form.value).toMatch(/^[0-9a-f]{64}$/);
    await expectRefused(await connectApiKey(new CookieJar(), formFirst));
  });

  it('leaves unbound sessions usable from any browser, with no cookie', async () => {
    const token = await h.createSession();
    for (const jar of [new CookieJar(), new CookieJar(), new CookieJar('ab'.repeat(32))]) {
      const response = await describeSession(jar, token);
      expect(response.status).toBe(200);
      expect(response.headers.getSetCookie()).toEqual([]);
    }
    expect((await connectApiKey(new CookieJar(), token)).status).toBe(200);
    expect(await bindingOf(token)).toEqual({ binding: null, binding_secret_hash: null });
  });

  it('lets exactly one of several racing browsers bind', async () => {
    const token = await h.createSession(BOUND);
    const jars = Array.from({ length: 8 }, () => new CookieJar());
    const answers = await Promise.all(jars.map((jar) => describeSession(jar, token)));
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toEqual([200, 403, 403, 403, 403, 403, 403, 403]);
    const winner = jars[answers.findIndex((answer) => answer.status === 200)]!;
    expect(jars.filter((jar) => jar.value !== undefined)).toEqual([winner]);
    expect((await bindingOf(token)).binding_secret_hash).toBe(hashSecret(winner.value!));
    expect((await describeSession(winner, token)).status).toBe(200);
  });

  it('keeps one secret per browser, so its other bound sessions stay usable', async () => {
    const browser = new CookieJar();
    const one = await h.createSession(BOUND);
    const two = await h.createSession(BOUND);
    expect((await describeSession(browser, one)).status).toBe(200);
    const secret = browser.value;
    const second = await describeSession(browser, two);
    expect(second.status).toBe(200);
    expect(browser.value).toBe(secret);
    expect((await describeSession(browser, one)).status).toBe(200);
    expect((await bindingOf(two)).binding_secret_hash).toBe(hashSecret(secret!));
  });

  it('accepts the binding from the reconnect endpoint and GraphQL, and refuses an unknown binding', async () => {
    const created = await h.api('/connect/sessions', {
      method: 'POST',
      json: { end_user: { id: 'user-1', binding: 'device' } },
    });
    expect(created.status).toBe(400);
    expect(((await created.json()) as ErrorBody).error.code).toBe('invalid_body');

    const graphql = await h.api('/graphql', {
      method: 'POST',
      json: {
        query:
          'mutation { createConnectSession(input: { endUser: { id: "g-1", binding: BROWSER } }) { ... on ConnectSessionToken { token } } }',
      },
    });
    const { data } = (await graphql.json()) as { data: { createConnectSession: { token: string } } };
    expect((await bindingOf(data.createConnectSession.token)).binding).toBe('browser');
    // Not yet opened in a browser: the typed APIs, which set no cookie, cannot be the first to use it.
    const typed = await send(new CookieJar(), '/graphql', {
      method: 'POST',
      headers: {
        authorization: `Bearer ${data.createConnectSession.token}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ query: '{ connectSession { isReconnecting } }' }),
    });
    expect(typed.status).toBe(403);
    expect((await bindingOf(data.createConnectSession.token)).binding_secret_hash).toBeNull();

    const connection = await connectApiKey(new CookieJar(), await h.createSession());
    const { connectionId } = (await connection.json()) as { connectionId: string };
    const reconnect = await h.api('/connect/sessions/reconnect', {
      method: 'POST',
      json: { connection_id: connectionId, integration_id: 'apikey', end_user: BOUND.end_user },
    });
    expect(reconnect.status, await reconnect.clone().text()).toBe(201);
    const { token } = ((await reconnect.json()) as { data: { token: string } }).data;
    expect((await bindingOf(token)).binding).toBe('browser');
  });
});

describe('the binding cookie over https', () => {
  it('is SameSite=None; Secure when the public URL is https', async () => {
    await using t = await createTestLatchkey('pglite', { LATCHKEY_PUBLIC_URL: 'https://latchkey.example' });
    const created = await t.request('/connect/sessions', { method: 'POST', json: BOUND });
    const { token } = ((await created.json()) as { data: { token: string } }).data;
    const opened = await t.request('/connect/session', { key: token });
    expect(opened.status).toBe(200);
    expect(opened.headers.getSetCookie()).toEqual([
      expect.stringMatching(
        /^latchkey_csb=[0-9a-f]{64}; Path=\/; HttpOnly; SameSite=None; Secure; Max-Age=\d+$/,
      ),
    ]);
  });
});
