/**
 * Dashboard sign-in through the real HTTP app: the one-time setup code, the session cookie (its attributes, what is
 * stored, sliding expiry, expiry, sign-out and password change), wrong passwords, and the per-account and per-address
 * rate limits.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashTokenSecret } from '../../src/operators/session-token';
import { appDashboardClient } from '../support/dashboard-client';
import { databaseKinds } from '../support/test-database';
import { createTestLatchkey, type TestLatchkey } from '../support/test-latchkey';

const ADMIN = { email: 'ada@example.com', password: 'correct horse battery' };

describe.each(databaseKinds())('operator sign-in (%s)', (kind) => {
  let t: TestLatchkey;
  beforeAll(async () => {
    t = await createTestLatchkey(kind);
  });
  afterAll(() => t[Symbol.asyncDispose]());

  it('reports that setup is required and creates the first admin with the setup code, once', async () => {
    const browser = appDashboardClient(t.latchkey.app);
    const status = await browser.query<{ setupRequired: boolean; operator: unknown }>('auth.status');
    expect(status.data).toMatchObject({ setupRequired: true, operator: null, twoFactorPending: false });

    const code = t.latchkey.setupCode;
    expect(code).toMatch(/^[a-z2-7]{24}$/);
    const wrong = await browser.mutate('auth.setup', { code: 'not-the-code', ...ADMIN });
    expect(wrong.error).toMatchObject({ errorCode: 'invalid_setup_code', httpStatus: 403 });

    const done = await browser.mutate('auth.setup', { code, ...ADMIN, displayName: 'Ada' });
    expect(done.status).toBe(200);
    const cookie = done.setCookies.find((c) => c.startsWith('latchkey_session='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Secure/); // the public URL is http
    expect(browser.token).toMatch(/^[a-z2-7]{24}\.[a-z2-7]{24}$/);

    const signedIn = await browser.query('auth.status');
    expect(signedIn.data).toMatchObject({
      setupRequired: false,
      operator: { email: ADMIN.email, displayName: 'Ada', role: 'admin', twoFactorEnabled: false },
    });

    // The same code a second time, from someone else.
    const again = await appDashboardClient(t.latchkey.app).mutate('auth.setup', {
      code,
      email: 'mallory@example.com',
      password: 'mallory-password',
    });
    expect(again.error).toMatchObject({ errorCode: 'invalid_setup_code' });
  });

  it('stores only the SHA-256 of the session secret', async () => {
    const browser = appDashboardClient(t.latchkey.app);
    await browser.mutate('auth.signIn', ADMIN);
    const [id, secret] = browser.token!.split('.');
    const row = await t.database.db
      .selectFrom('operator_sessions')
      .selectAll()
      .where('id', '=', id!)
      .executeTakeFirstOrThrow();
    expect(row.secret_hash).toBe(hashTokenSecret(secret!));
    expect(JSON.stringify(row)).not.toContain(secret);
  });

  it('reaches the typed API with the cookie, scoped to the environment header', async () => {
    const browser = appDashboardClient(t.latchkey.app);
    await browser.mutate('auth.signIn', ADMIN);
    const dev = await browser.query<{ name: string }>('environment.get');
    expect(dev.data?.name).toBe('dev');
    const prod = await browser.query<{ name: string }>('environment.get', undefined, { environment: 'prod' });
    expect(prod.data?.name).toBe('prod');
    const unknown = await browser.query('environment.get', undefined, { environment: 'nope' });
    expect(unknown.error).toMatchObject({ errorCode: 'unknown_environment', httpStatus: 404 });

    const graphql = await t.latchkey.app.request('http://latchkey.test/graphql', {
      method: 'POST',
      headers: {
        cookie: `latchkey_session=${browser.token}`,
        origin: 'http://latchkey.test',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ query: '{ environment { name } }' }),
    });
    expect(await graphql.json()).toEqual({ data: { environment: { name: 'dev' } } });
  });

  it('refuses a wrong password with a clear 401 and writes both to the audit log', async () => {
    const browser = appDashboardClient(t.latchkey.app);
    const wrong = await browser.mutate('auth.signIn', { email: ADMIN.email, password: 'wrong password' });
    expect(wrong.error).toMatchObject({ errorCode: 'invalid_credentials_login', httpStatus: 401 });
    expect(wrong.error?.message).toMatch(/email or password is incorrect/);
    const unknown = await browser.mutate('auth.signIn', {
      email: 'nobody@example.com',
      password: 'whatever1',
    });
    expect(unknown.error).toMatchObject({ errorCode: 'invalid_credentials_login' });
    expect(browser.token).toBeNull();

    const actions = await t.database.db
      .selectFrom('audit_log')
      .select(['action', 'actor_email'])
      .where('action', 'in', ['operator.sign_in', 'operator.sign_in_failed', 'operator.setup'])
      .execute();
    expect(actions).toContainEqual({ action: 'operator.setup', actor_email: ADMIN.email });
    expect(actions).toContainEqual({ action: 'operator.sign_in', actor_email: ADMIN.email });
    expect(actions).toContainEqual({ action: 'operator.sign_in_failed', actor_email: 'nobody@example.com' });
  });

  it('makes a stolen cookie useless after sign-out', async () => {
    const browser = appDashboardClient(t.latchkey.app);
    await browser.mutate('auth.signIn', ADMIN);
    const stolen = browser.token!;
    const out = await browser.mutate('auth.signOut');
    expect(out.data).toEqual({ ok: true });
    expect(out.setCookies[0]).toMatch(/^latchkey_session=;.*Max-Age=0/);
    expect(browser.token).toBeNull();

    const thief = appDashboardClient(t.latchkey.app);
    thief.token = stolen;
    const refused = await thief.query('environment.get');
    expect(refused.error).toMatchObject({ errorCode: 'session_expired', httpStatus: 401 });
    expect((await thief.query('auth.status')).data).toMatchObject({ operator: null });
  });

  it('ends every session on a password change, and keeps the changer signed in', async () => {
    const laptop = appDashboardClient(t.latchkey.app);
    const phone = appDashboardClient(t.latchkey.app);
    await laptop.mutate('auth.signIn', ADMIN);
    await phone.mutate('auth.signIn', ADMIN);
    const before = laptop.token;

    const wrong = await laptop.mutate('account.changePassword', {
      currentPassword: 'not it',
      newPassword: 'a new password',
    });
    expect(wrong.error).toMatchObject({ errorCode: 'incorrect_password' });
    const changed = await laptop.mutate('account.changePassword', {
      currentPassword: ADMIN.password,
      newPassword: 'a new password',
    });
    expect(changed.data).toEqual({ ok: true });
    expect(laptop.token).not.toBe(before);
    expect((await laptop.query('environment.get')).status).toBe(200);
    expect((await phone.query('environment.get')).error).toMatchObject({ errorCode: 'session_expired' });
    const old = await appDashboardClient(t.latchkey.app).query('environment.get', undefined, {
      token: before,
    });
    expect(old.error).toMatchObject({ errorCode: 'session_expired' });

    // Back to the shared password for the other tests.
    await laptop.mutate('account.changePassword', {
      currentPassword: 'a new password',
      newPassword: ADMIN.password,
    });
  });

  it('slides the expiry forward when less than 15 days remain, and refuses an expired session', async () => {
    const browser = appDashboardClient(t.latchkey.app);
    await browser.mutate('auth.signIn', ADMIN);
    const id = browser.token!.split('.')[0]!;
    const day = 24 * 60 * 60 * 1000;

    await t.database.db
      .updateTable('operator_sessions')
      .set({ expires_at: new Date(Date.now() + 20 * day) })
      .where('id', '=', id)
      .execute();
    const untouched = await browser.query('environment.get');
    expect(untouched.setCookies).toEqual([]);

    await t.database.db
      .updateTable('operator_sessions')
      .set({ expires_at: new Date(Date.now() + 10 * day) })
      .where('id', '=', id)
      .execute();
    const renewed = await browser.query('environment.get');
    expect(renewed.status).toBe(200);
    expect(renewed.setCookies[0]).toMatch(/^latchkey_session=.*Max-Age=259\d{4}/);
    const row = await t.database.db
      .selectFrom('operator_sessions')
      .select('expires_at')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.expires_at.getTime()).toBeGreaterThan(Date.now() + 29 * day);

    await t.database.db
      .updateTable('operator_sessions')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', id)
      .execute();
    const expired = await browser.query('environment.get');
    expect(expired.error).toMatchObject({ errorCode: 'session_expired', httpStatus: 401 });
    const gone = await sql<{
      n: number;
    }>`select count(*)::int as n from operator_sessions where id = ${id}`.execute(t.database.db);
    expect(gone.rows[0]!.n).toBe(0);
  });

  it('limits failed sign-ins per account (429 too_many_attempts, even with the right password)', async () => {
    const email = 'limited@example.com';
    await t.latchkey.services.operators.create({ email, role: 'support', password: 'the right one' });
    const browser = appDashboardClient(t.latchkey.app);
    for (let i = 0; i < 10; i++) {
      const failed = await browser.mutate('auth.signIn', { email, password: `wrong ${i}` });
      expect(failed.error?.errorCode).toBe('invalid_credentials_login');
    }
    const limited = await browser.mutate('auth.signIn', { email, password: 'the right one' });
    expect(limited.error).toMatchObject({ errorCode: 'too_many_attempts', httpStatus: 429 });
    expect(limited.status).toBe(429);
    // Other accounts are not affected.
    expect((await browser.mutate('auth.signIn', ADMIN)).status).toBe(200);
  });
});
