/**
 * TOTP two-factor through the real app: enrolment (a code from the secret confirms it, 10 recovery codes shown
 * once), sign-in that waits for the code (and reaches nothing else meanwhile), a code never accepted twice, recovery
 * codes used once, and the instance-wide requirement that makes an operator enrol before anything else.
 */

import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { generateHOTP } from '@oslojs/otp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appDashboardClient, type DashboardClient } from '../support/dashboard-client';
import { databaseKinds } from '../support/test-database';
import { createTestLatchkey, type TestLatchkey } from '../support/test-latchkey';

const ADMIN = { email: 'grace@example.com', password: 'admin password 2' };

/** The code of the current 30-second step, or of a neighbouring one. */
function totp(secret: string, offsetSteps = 0): string {
  const step = BigInt(Math.floor(Date.now() / 30_000) + offsetSteps);
  return generateHOTP(decodeBase32IgnorePadding(secret), step, 6);
}

describe.each(databaseKinds())('two-factor sign-in (%s)', (kind) => {
  let t: TestLatchkey;
  let admin: DashboardClient;
  let secret: string;
  let recoveryCodes: string[];

  beforeAll(async () => {
    t = await createTestLatchkey(kind, {
      LATCHKEY_ADMIN_EMAIL: ADMIN.email,
      LATCHKEY_ADMIN_PASSWORD: ADMIN.password,
    });
    admin = appDashboardClient(t.latchkey.app);
    await admin.mutate('auth.signIn', ADMIN);
  });
  afterAll(() => t[Symbol.asyncDispose]());

  it('enrols with a code from the secret and returns 10 recovery codes; the secret is sealed at rest', async () => {
    const begun = await admin.mutate<{ secret: string; uri: string }>('account.totpBegin');
    secret = begun.data!.secret;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(begun.data!.uri).toMatch(/^otpauth:\/\/totp\/Latchkey:grace%40example\.com\?.*secret=/);
    const wrong = await admin.mutate('account.totpConfirm', { code: totp(secret, 5) });
    expect(wrong.error).toMatchObject({ errorCode: 'invalid_two_factor_code' });
    // The previous step's code: within the one-step grace.
    const confirmed = await admin.mutate<{ recoveryCodes: string[] }>('account.totpConfirm', {
      code: totp(secret, -1),
    });
    recoveryCodes = confirmed.data!.recoveryCodes;
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    const row = await t.database.db
      .selectFrom('operators')
      .select(['totp_secret_sealed'])
      .where('email', '=', ADMIN.email)
      .executeTakeFirstOrThrow();
    expect(row.totp_secret_sealed).toMatch(/^lk1\./);
    expect(row.totp_secret_sealed).not.toContain(secret);
    expect((await admin.query('auth.status')).data).toMatchObject({ operator: { twoFactorEnabled: true } });
  });

  it('signs in with password then code; until then only auth procedures answer', async () => {
    const browser = appDashboardClient(t.latchkey.app);
    const signIn = await browser.mutate('auth.signIn', ADMIN);
    expect(signIn.data).toEqual({ twoFactorPending: true });
    expect((await browser.query('auth.status')).data).toMatchObject({ twoFactorPending: true });
    expect((await browser.query('environment.get')).error).toMatchObject({
      errorCode: 'two_factor_required',
      httpStatus: 401,
    });
    expect((await browser.query('operators.list')).error).toMatchObject({ errorCode: 'two_factor_required' });
    const graphql = await t.latchkey.app.request('http://latchkey.test/graphql', {
      method: 'POST',
      headers: {
        cookie: `latchkey_session=${browser.token}`,
        'sec-fetch-site': 'same-origin',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ query: '{ environment { name } }' }),
    });
    expect(graphql.status).toBe(401);

    const wrong = await browser.mutate('auth.verifyTwoFactor', {
      code: '000000' === totp(secret) ? '111111' : '000000',
    });
    expect(wrong.error).toMatchObject({ errorCode: 'invalid_two_factor_code' });
    const code = totp(secret);
    const ok = await browser.mutate('auth.verifyTwoFactor', { code });
    expect(ok.data).toEqual({ ok: true });
    expect((await browser.query('environment.get')).status).toBe(200);

    // The same code cannot sign in a second browser (no reuse within its window).
    const second = appDashboardClient(t.latchkey.app);
    await second.mutate('auth.signIn', ADMIN);
    expect((await second.mutate('auth.verifyTwoFactor', { code })).error).toMatchObject({
      errorCode: 'invalid_two_factor_code',
    });
  });

  it('accepts each recovery code once', async () => {
    const browser = appDashboardClient(t.latchkey.app);
    await browser.mutate('auth.signIn', ADMIN);
    const code = recoveryCodes[0]!;
    expect((await browser.mutate('auth.verifyTwoFactor', { code: code.toUpperCase() })).data).toEqual({
      ok: true,
    });
    const again = appDashboardClient(t.latchkey.app);
    await again.mutate('auth.signIn', ADMIN);
    expect((await again.mutate('auth.verifyTwoFactor', { code })).error).toMatchObject({
      errorCode: 'invalid_two_factor_code',
    });
    expect((await again.mutate('auth.verifyTwoFactor', { code: recoveryCodes[1]! })).data).toEqual({
      ok: true,
    });

    const renewed = await again.mutate<{ recoveryCodes: string[] }>('account.regenerateRecoveryCodes', {
      password: ADMIN.password,
    });
    expect(renewed.data!.recoveryCodes).toHaveLength(10);
    const third = appDashboardClient(t.latchkey.app);
    await third.mutate('auth.signIn', ADMIN);
    expect((await third.mutate('auth.verifyTwoFactor', { code: recoveryCodes[2]! })).error).toMatchObject({
      errorCode: 'invalid_two_factor_code',
    });
  });

  it('makes operators without TOTP enrol first when an admin requires it', async () => {
    const invitation = await admin.mutate<{ url: string }>('operators.invite', {
      email: 'ops@example.com',
      role: 'developer',
    });
    expect((await admin.mutate('instance.update', { requireTwoFactor: true })).data).toEqual({
      requireTwoFactor: true,
    });
    const browser = appDashboardClient(t.latchkey.app);
    const token = new URL(invitation.data!.url).searchParams.get('token')!;
    await browser.mutate('auth.acceptInvitation', { token, password: 'ops password 1' });
    expect((await browser.query('auth.status')).data).toMatchObject({
      twoFactorRequired: true,
      twoFactorPending: false,
    });
    expect((await browser.query('integrations.list')).error).toMatchObject({
      errorCode: 'two_factor_enrollment_required',
      httpStatus: 403,
    });
    const begun = await browser.mutate<{ secret: string }>('account.totpBegin');
    expect((await browser.mutate('account.totpConfirm', { code: totp(begun.data!.secret) })).status).toBe(
      200,
    );
    expect((await browser.query('integrations.list')).status).toBe(200);
    expect((await browser.query('auth.status')).data).toMatchObject({ twoFactorRequired: false });

    // Disabling needs the password; afterwards the requirement applies again.
    expect((await browser.mutate('account.totpDisable', { password: 'nope nope' })).error).toMatchObject({
      errorCode: 'incorrect_password',
    });
    expect((await browser.mutate('account.totpDisable', { password: 'ops password 1' })).data).toEqual({
      ok: true,
    });
    expect((await browser.query('integrations.list')).error).toMatchObject({
      errorCode: 'two_factor_enrollment_required',
    });
    await admin.mutate('instance.update', { requireTwoFactor: false });
    expect((await browser.query('integrations.list')).status).toBe(200);
  });
});
