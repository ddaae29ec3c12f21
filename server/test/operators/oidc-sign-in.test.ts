/**
 * Dashboard sign-in with OpenID Connect against a real oidc-provider on loopback: the configuration rules, the
 * protocol steps alone, then the browser's whole round trip through Latchkey's routes (new and known operators,
 * domains, tampering, return_to), ending in a tRPC call made with the session cookie.
 */
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOidcRelyingParty } from '../../src/operators/oidc-sign-in';
import { ConfigError, loadConfig } from '../../src/platform/config/config';
import type { AppRouter } from '../../src/transports/trpc/routers/app.router';
import { driveAuthorization } from '../support/browser-driver';
import { freePort } from '../support/free-port';
import { type OidcServer, startOidcServer } from '../support/oidc-server';
import { type ServedLatchkey, serveTestLatchkey } from '../support/served-latchkey';
import { databaseKinds } from '../support/test-database';
import { createTestLatchkey } from '../support/test-latchkey';

const CLIENT_ID = 'latchkey-dashboard';
const CLIENT_SECRET = 'dashboard-secret-8c1f';
const CALLBACK_PATH = '/operator-auth/oidc/callback';

/** Claims by the account id typed at the provider's login form; anyone else is `<id>@acme.test`, verified. */
const ACCOUNTS: Record<string, Record<string, unknown>> = {
  outsider: { email: 'outsider@elsewhere.test' },
  unverified: { email_verified: false },
  // Another account at the provider claiming the email of an operator already linked to someone else.
  impostor: { email: 'grace@acme.test' },
};
const accountClaims = (id: string) => ({
  email: `${id}@acme.test`,
  email_verified: true,
  name: `Name ${id}`,
  ...ACCOUNTS[id],
});

function oidcEnv(oidc: OidcServer, extra: Record<string, string> = {}): Record<string, string> {
  return {
    LATCHKEY_ALLOW_PRIVATE_URLS: '1',
    LATCHKEY_OIDC_ISSUER: oidc.issuer,
    LATCHKEY_OIDC_CLIENT_ID: CLIENT_ID,
    LATCHKEY_OIDC_CLIENT_SECRET: CLIENT_SECRET,
    ...extra,
  };
}

describe('OIDC configuration', () => {
  const base = {
    LATCHKEY_DATA_DIR: path.join(tmpdir(), 'latchkey-oidc-config'),
    LATCHKEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  };
  const issuerTrio = {
    LATCHKEY_OIDC_ISSUER: 'https://idp.example.com',
    LATCHKEY_OIDC_CLIENT_ID: 'id',
    LATCHKEY_OIDC_CLIENT_SECRET: 'secret',
  };
  const failure = (env: Record<string, string>) => {
    try {
      loadConfig({ ...base, ...env });
    } catch (error) {
      if (error instanceof ConfigError) return error.message;
      throw error;
    }
    throw new Error('expected a ConfigError');
  };

  it('is off unless set, and reads domains and scopes', () => {
    expect(loadConfig(base).oidc).toBeUndefined();
    expect(
      loadConfig({ ...base, ...issuerTrio, LATCHKEY_OIDC_ALLOWED_DOMAINS: ' Acme.test, example.org ' }).oidc,
    ).toEqual({
      issuer: 'https://idp.example.com',
      clientId: 'id',
      clientSecret: 'secret',
      allowedDomains: ['acme.test', 'example.org'],
      scopes: ['openid', 'email', 'profile'],
    });
  });

  it('wants issuer, client id and secret together, https, domains and openid', () => {
    expect(failure({ LATCHKEY_OIDC_ISSUER: 'https://idp.example.com' })).toMatch(
      /^Invalid configuration: LATCHKEY_OIDC_CLIENT_ID is missing: .* go together$/,
    );
    expect(failure({ ...issuerTrio, LATCHKEY_OIDC_CLIENT_SECRET: '' })).toMatch(
      /LATCHKEY_OIDC_CLIENT_SECRET/,
    );
    expect(failure({ ...issuerTrio, LATCHKEY_OIDC_ISSUER: 'http://idp.example.com' })).toBe(
      'Invalid configuration: LATCHKEY_OIDC_ISSUER must be an https URL',
    );
    expect(failure({ ...issuerTrio, LATCHKEY_OIDC_ALLOWED_DOMAINS: 'acme.test,@bad' })).toMatch(
      /LATCHKEY_OIDC_ALLOWED_DOMAINS must be comma-separated email domains/,
    );
    expect(failure({ ...issuerTrio, LATCHKEY_OIDC_SCOPES: 'email profile' })).toMatch(
      /LATCHKEY_OIDC_SCOPES must include openid/,
    );
    expect(failure({ LATCHKEY_OIDC_ALLOWED_DOMAINS: 'acme.test' })).toMatch(/LATCHKEY_OIDC_ISSUER is not/);
    const local = {
      ...issuerTrio,
      LATCHKEY_OIDC_ISSUER: 'http://127.0.0.1:9',
      LATCHKEY_ALLOW_PRIVATE_URLS: '1',
    };
    expect(loadConfig({ ...base, ...local }).oidc?.issuer).toBe('http://127.0.0.1:9');
  });
});

describe('OIDC relying party (protocol steps)', () => {
  const redirectUri = `http://127.0.0.1:9${CALLBACK_PATH}`;
  let oidc: OidcServer;
  beforeAll(async () => {
    oidc = await startOidcServer({
      clients: [{ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, redirect_uris: [redirectUri] }],
      skipConsent: true,
      accountClaims: (id) => ({ ...accountClaims(id), email: `${id}@Acme.test` }),
    });
  });
  afterAll(() => oidc.close());

  const relyingParty = () =>
    createOidcRelyingParty({
      issuer: oidc.issuer,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      scopes: ['openid', 'email', 'profile'],
      redirectUri,
      allowInsecureRequests: true,
    });

  it('sends PKCE S256, state and nonce, and returns the identity (email from userinfo, lower-cased)', async () => {
    const rp = relyingParty();
    const { url, pending } = await rp.start('/dashboard');
    expect(url.origin + url.pathname).toBe(oidc.authorizationEndpoint);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: CLIENT_ID,
      redirect_uri: redirectUri,
      scope: 'openid email profile',
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
    });
    const { callbackUrl } = await driveAuthorization(url.href, { issuer: oidc.issuer, login: 'ada' });
    expect(await rp.complete(callbackUrl, pending)).toEqual({
      issuer: oidc.issuer,
      subject: 'ada',
      email: 'ada@acme.test',
      emailVerified: true,
      name: 'Name ada',
    });
  });

  it('refuses another state or an expired attempt before spending the code, and a wrong verifier', async () => {
    const rp = relyingParty();
    const { url, pending } = await rp.start('/dashboard');
    const { callbackUrl } = await driveAuthorization(url.href, { issuer: oidc.issuer, login: 'ada' });
    const before = oidc.counters.codeGrants;
    await expect(rp.complete(callbackUrl, { ...pending, state: 'other' })).rejects.toMatchObject({
      code: 'oidc_state_invalid',
    });
    await expect(rp.complete(callbackUrl, { ...pending, expiresAt: Date.now() - 1 })).rejects.toMatchObject({
      code: 'oidc_state_invalid',
    });
    expect(oidc.counters.codeGrants).toBe(before);
    await expect(
      rp.complete(callbackUrl, { ...pending, codeVerifier: 'x'.repeat(43) }),
    ).rejects.toMatchObject({ code: 'oidc_failed' });
  });

  it('reports an unreachable provider as oidc_failed and tries discovery again next time', async () => {
    const rp = createOidcRelyingParty({
      issuer: `http://127.0.0.1:${await freePort()}`,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      scopes: ['openid'],
      redirectUri,
      allowInsecureRequests: true,
    });
    await expect(rp.start('/dashboard')).rejects.toMatchObject({ code: 'oidc_failed' });
    await expect(rp.start('/dashboard')).rejects.toMatchObject({ code: 'oidc_failed' });
  });
});

describe.each(databaseKinds())('OIDC sign-in through the dashboard routes (%s)', (kind) => {
  let oidc: OidcServer;
  /** Allowed domain acme.test: new operators are created there. */
  let open: ServedLatchkey;
  /** No allowed domains: only emails that already belong to an operator. */
  let closed: ServedLatchkey;

  beforeAll(async () => {
    const [openPort, closedPort] = [await freePort(), await freePort()];
    oidc = await startOidcServer({
      clients: [
        {
          client_id: CLIENT_ID,
          client_secret: CLIENT_SECRET,
          redirect_uris: [openPort, closedPort].map((port) => `http://127.0.0.1:${port}${CALLBACK_PATH}`),
        },
      ],
      skipConsent: true,
      accountClaims,
    });
    open = await serveTestLatchkey(
      kind,
      oidcEnv(oidc, { LATCHKEY_OIDC_ALLOWED_DOMAINS: 'acme.test' }),
      openPort,
    );
    closed = await serveTestLatchkey(kind, oidcEnv(oidc), closedPort);
  });
  afterAll(async () => {
    await open?.[Symbol.asyncDispose]();
    await closed?.[Symbol.asyncDispose]();
    await oidc?.close();
  });

  /** The browser's round trip: start, the provider's login form, the callback. Returns the callback's answer. */
  async function signIn(
    served: ServedLatchkey,
    login: string,
    options: { returnTo?: string; deny?: boolean; tamper?: (callback: URL, attempt: string) => string } = {},
  ) {
    const start = await fetch(
      `${served.url}/operator-auth/oidc/start?return_to=${encodeURIComponent(options.returnTo ?? '/dashboard')}`,
      { redirect: 'manual' },
    );
    expect(start.status).toBe(302);
    const attempt = cookieValue(start.headers.getSetCookie(), 'latchkey_oidc_attempt');
    expect(attempt).toBeDefined();
    const { callbackUrl } = await driveAuthorization(start.headers.get('location')!, {
      issuer: oidc.issuer,
      login,
      ...(options.deny ? { deny: true } : {}),
    });
    expect(callbackUrl.href.startsWith(`${served.url}${CALLBACK_PATH}?`)).toBe(true);
    const sentAttempt = options.tamper?.(callbackUrl, attempt!) ?? attempt!;
    const callback = await fetch(callbackUrl, {
      redirect: 'manual',
      headers: sentAttempt === '' ? {} : { cookie: `latchkey_oidc_attempt=${sentAttempt}` },
    });
    expect(callback.status).toBe(302);
    const setCookies = callback.headers.getSetCookie();
    return {
      location: callback.headers.get('location'),
      setCookies,
      session: cookieValue(setCookies, 'latchkey_session'),
      callbackUrl,
    };
  }

  function trpc(served: ServedLatchkey, session: string) {
    return createTRPCClient<AppRouter>({
      links: [
        httpBatchLink({ url: `${served.url}/trpc`, headers: { cookie: `latchkey_session=${session}` } }),
      ],
    });
  }

  async function operatorsWithEmail(served: ServedLatchkey, email: string) {
    return served.t.database.db.selectFrom('operators').selectAll().where('email', '=', email).execute();
  }

  it('redirects to the provider with PKCE S256, state and nonce, keeping them in a sealed, scoped cookie', async () => {
    const start = await fetch(`${open.url}/operator-auth/oidc/start?return_to=/dashboard`, {
      redirect: 'manual',
    });
    expect(start.status).toBe(302);
    const location = new URL(start.headers.get('location')!);
    expect(location.origin).toBe(oidc.issuer);
    expect(location.searchParams.get('code_challenge_method')).toBe('S256');
    expect(location.searchParams.get('redirect_uri')).toBe(`${open.url}${CALLBACK_PATH}`);
    const [cookie] = start.headers.getSetCookie();
    expect(cookie).toMatch(/^latchkey_oidc_attempt=lk1\./);
    expect(cookie).toContain('Path=/operator-auth/oidc');
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).toContain('Max-Age=600');
    // Sealed, not merely signed: nothing of the attempt is readable in the cookie.
    for (const secret of [location.searchParams.get('state'), location.searchParams.get('nonce')]) {
      expect(cookie).not.toContain(secret);
    }
    expect(start.headers.get('cache-control')).toBe('no-store');
  });

  it('signs a new operator in as support, audits it, and the cookie then works for tRPC', async () => {
    const result = await signIn(open, 'ada', { returnTo: '/dashboard/dev/connections?integration=local' });
    expect(result.location).toBe('/dashboard/dev/connections?integration=local');
    expect(result.session).toBeDefined();
    const sessionCookie = result.setCookies.find((c) => c.startsWith('latchkey_session='))!;
    expect(sessionCookie).toMatch(/; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+/);
    // The attempt is spent whatever happens next.
    expect(result.setCookies.find((c) => c.startsWith('latchkey_oidc_attempt='))).toMatch(/Max-Age=0/);

    const status = await trpc(open, result.session!).auth.status.query();
    expect(status).toMatchObject({
      oidcEnabled: true,
      operator: { email: 'ada@acme.test', displayName: 'Name ada', role: 'support', twoFactorEnabled: false },
      twoFactorPending: false,
    });
    const [row] = await operatorsWithEmail(open, 'ada@acme.test');
    expect(row).toMatchObject({
      role: 'support',
      password_hash: null,
      oidc_issuer: oidc.issuer,
      oidc_subject: 'ada',
    });

    const { items } = await open.t.latchkey.services.audit.list({
      action: 'operator.sign_in',
      actorId: row!.id,
    });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      actorEmail: 'ada@acme.test',
      details: { method: 'oidc', operatorCreated: true },
      ip: '127.0.0.1',
    });
  });

  it('reuses the operator on the next sign-in', async () => {
    const first = await signIn(open, 'bea');
    const second = await signIn(open, 'bea');
    expect(second.location).toBe('/dashboard');
    expect(second.session).not.toBe(first.session);
    expect(await operatorsWithEmail(open, 'bea@acme.test')).toHaveLength(1);
    const status = await trpc(open, second.session!).auth.status.query();
    expect(status.operator?.email).toBe('bea@acme.test');
  });

  it('links an existing operator by verified email, keeps its role, and skips its TOTP prompt', async () => {
    await open.t.latchkey.services.operators.create({
      email: 'grace@acme.test',
      role: 'admin',
      password: 'correct horse battery',
    });
    // Enrolled in TOTP: the provider's sign-in stands in for the second factor.
    await open.t.database.db
      .updateTable('operators')
      .set({ totp_enabled_at: new Date() })
      .where('email', '=', 'grace@acme.test')
      .execute();
    const result = await signIn(open, 'grace');
    const status = await trpc(open, result.session!).auth.status.query();
    expect(status).toMatchObject({
      operator: { email: 'grace@acme.test', role: 'admin', twoFactorEnabled: true },
      twoFactorPending: false,
    });
    const listed = await open.t.latchkey.services.operators.list();
    expect(listed.find((o) => o.email === 'grace@acme.test')).toMatchObject({ oidc: true, role: 'admin' });

    // Another account at the provider that claims the same email does not take the operator over.
    const impostor = await signIn(open, 'impostor');
    expect(impostor.location).toBe('/dashboard/sign-in?error=oidc_identity_mismatch');
    expect(impostor.session).toBeUndefined();
  });

  it('refuses a domain that is not allowed, creating nobody, and audits the refusal', async () => {
    const result = await signIn(open, 'outsider');
    expect(result.location).toBe('/dashboard/sign-in?error=oidc_domain_not_allowed');
    expect(result.session).toBeUndefined();
    expect(await operatorsWithEmail(open, 'outsider@elsewhere.test')).toHaveLength(0);
    const { items } = await open.t.latchkey.services.audit.list({ action: 'operator.sign_in_failed' });
    expect(items.find((i) => i.actorEmail === 'outsider@elsewhere.test')).toMatchObject({
      details: { method: 'oidc', reason: 'oidc_domain_not_allowed' },
    });
  });

  it('refuses an email the provider has not verified', async () => {
    const result = await signIn(open, 'unverified');
    expect(result.location).toBe('/dashboard/sign-in?error=oidc_email_unverified');
    expect(await operatorsWithEmail(open, 'unverified@acme.test')).toHaveLength(0);
  });

  it('refuses a tampered state, a tampered or missing attempt cookie, and a replayed callback', async () => {
    const tamperedState = await signIn(open, 'cy', {
      tamper: (callback, attempt) => {
        callback.searchParams.set('state', `${callback.searchParams.get('state')}x`);
        return attempt;
      },
    });
    expect(tamperedState.location).toBe('/dashboard/sign-in?error=oidc_state_invalid');

    const tamperedCookie = await signIn(open, 'cy', {
      tamper: (_callback, attempt) => `${attempt.slice(0, -4)}AAAA`,
    });
    expect(tamperedCookie.location).toBe('/dashboard/sign-in?error=oidc_state_invalid');

    const noCookie = await signIn(open, 'cy', { tamper: () => '' });
    expect(noCookie.location).toBe('/dashboard/sign-in?error=oidc_state_invalid');
    expect(await operatorsWithEmail(open, 'cy@acme.test')).toHaveLength(0);

    // A callback that worked once is dead: the browser dropped the attempt, and a copy of the code is spent.
    const done = await signIn(open, 'cy');
    expect(done.session).toBeDefined();
    const replay = await fetch(done.callbackUrl, { redirect: 'manual' });
    expect(replay.headers.get('location')).toBe('/dashboard/sign-in?error=oidc_state_invalid');
  });

  it('refuses return_to outside this origin before going to the provider', async () => {
    for (const returnTo of [
      'https://evil.example/dashboard',
      '//evil.example/x',
      '/\\evil.example',
      'dashboard',
    ]) {
      const start = await fetch(
        `${open.url}/operator-auth/oidc/start?return_to=${encodeURIComponent(returnTo)}`,
        { redirect: 'manual' },
      );
      expect(start.status).toBe(302);
      expect(start.headers.get('location')).toBe('/dashboard/sign-in?error=oidc_invalid_return_to');
      expect(start.headers.getSetCookie()).toEqual([]);
    }
  });

  it('sends a denial at the provider back to the sign-in page', async () => {
    const result = await signIn(open, 'dee', { deny: true });
    expect(result.location).toBe('/dashboard/sign-in?error=oidc_denied');
  });

  it('without allowed domains, signs in only emails that already belong to an operator', async () => {
    const stranger = await signIn(closed, 'eve');
    expect(stranger.location).toBe('/dashboard/sign-in?error=oidc_unknown_operator');
    expect(await operatorsWithEmail(closed, 'eve@acme.test')).toHaveLength(0);

    await closed.t.latchkey.services.operators.create({
      email: 'eve@acme.test',
      role: 'developer',
      password: 'correct horse battery',
    });
    const known = await signIn(closed, 'eve');
    expect(known.location).toBe('/dashboard');
    const status = await trpc(closed, known.session!).auth.status.query();
    expect(status.operator).toMatchObject({ email: 'eve@acme.test', role: 'developer' });
  });

  it('takes a pending invitation for the verified email as the way in, with its role, once', async () => {
    const dev = await closed.t.latchkey.services.environments.getByName('dev');
    await closed.t.latchkey.services.operators.invite(
      { environment: dev, scopes: ['environment:*'] },
      { email: 'ivy@acme.test', role: 'developer' },
    );
    const invited = await signIn(closed, 'ivy');
    expect(invited.location).toBe('/dashboard');
    const status = await trpc(closed, invited.session!).auth.status.query();
    expect(status.operator).toMatchObject({ email: 'ivy@acme.test', role: 'developer' });
    const pending = await closed.t.latchkey.services.operators.invitations();
    expect(pending.map((invitation) => invitation.email)).not.toContain('ivy@acme.test');
    // The invitation named one email: anyone else is still a stranger to this instance.
    const stranger = await signIn(closed, 'mallory');
    expect(stranger.location).toBe('/dashboard/sign-in?error=oidc_unknown_operator');
  });

  it('answers with oidc_not_configured when the instance has no provider', async () => {
    await using t = await createTestLatchkey(kind);
    const start = await t.request('/operator-auth/oidc/start', { key: null, redirect: 'manual' });
    expect(start.status).toBe(302);
    expect(start.headers.get('location')).toBe('/dashboard/sign-in?error=oidc_not_configured');
    const status = await t.latchkey.services.operators.status(null);
    expect(status.oidcEnabled).toBe(false);
  });
});

function cookieValue(setCookies: string[], name: string): string | undefined {
  const line = setCookies.find((c) => c.startsWith(`${name}=`));
  const value = line?.slice(name.length + 1).split(';')[0];
  return value === undefined || value === '' ? undefined : value;
}
