/**
 * Over a real socket: the CSRF guard (a cross-site POST carrying the session cookie is refused, same-origin and
 * bearer-key requests pass) and the per-address sign-in limit, keyed by the socket's address, not X-Forwarded-For.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DashboardClient, dashboardClient } from '../support/dashboard-client';
import { type ServedLatchkey, serveTestLatchkey } from '../support/served-latchkey';
import { databaseKinds } from '../support/test-database';

const ADMIN = { email: 'linus@example.com', password: 'admin password 3' };

describe.each(databaseKinds())('CSRF and per-address limits (%s)', (kind) => {
  let served: ServedLatchkey;
  let browser: DashboardClient;
  const at = (path: string, init: RequestInit) => fetch(`${served.url}${path}`, init);

  beforeAll(async () => {
    served = await serveTestLatchkey(kind, {
      LATCHKEY_ADMIN_EMAIL: ADMIN.email,
      LATCHKEY_ADMIN_PASSWORD: ADMIN.password,
    });
    browser = dashboardClient(at, served.url);
    expect((await browser.mutate('auth.signIn', ADMIN)).status).toBe(200);
  });
  afterAll(() => served[Symbol.asyncDispose]());

  it('refuses a cross-site POST that carries the session cookie', async () => {
    const forged = await browser.mutate(
      'environment.update',
      { callback_url: 'https://evil.example/cb' },
      {
        origin: 'https://evil.example',
      },
    );
    expect(forged.status).toBe(403);
    const raw = await at('/trpc/auth.signOut', {
      method: 'POST',
      headers: { cookie: `latchkey_session=${browser.token}`, origin: 'https://evil.example' },
    });
    expect(raw.status).toBe(403);
    expect(await raw.json()).toEqual({
      error: { code: 'csrf_rejected', message: expect.stringContaining('Cross-site request refused') },
    });
    // Neither Origin nor Sec-Fetch-Site: refused too.
    const bare = await at('/graphql', {
      method: 'POST',
      headers: { cookie: `latchkey_session=${browser.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'mutation { rotateWebhookSigningKey { __typename } }' }),
    });
    expect(bare.status).toBe(403);
    // The session survived the forged sign-out.
    expect((await browser.query('environment.get')).status).toBe(200);
  });

  it('lets same-origin requests through, by Origin or by Sec-Fetch-Site', async () => {
    const sameOrigin = await browser.mutate<{ callback_url: string }>('environment.update', {
      callback_url: 'https://cb.example.com/callback',
    });
    expect(sameOrigin.status).toBe(200);
    const fetchMetadata = await at('/trpc/environment.update', {
      method: 'POST',
      headers: {
        cookie: `latchkey_session=${browser.token}`,
        'sec-fetch-site': 'same-origin',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ callback_url: 'https://cb.example.com/other' }),
    });
    expect(fetchMetadata.status).toBe(200);
  });

  it('leaves bearer-key requests without the cookie alone, whatever their Origin', async () => {
    const response = await at('/connect/sessions', {
      method: 'POST',
      headers: {
        authorization: `Bearer ${served.t.secretKey}`,
        origin: 'https://some-backend.example',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ end_user: { id: 'u-1' } }),
    });
    expect(response.status).toBe(201);
  });

  it('limits failed sign-ins per socket address, ignoring X-Forwarded-For', async () => {
    // 49 failures from this address already in the window (as if from many accounts).
    const now = new Date();
    await served.t.database.db
      .insertInto('sign_in_failures')
      .values(Array.from({ length: 49 }, () => ({ id: randomUUID(), key: 'ip:127.0.0.1', at: now })))
      .execute();
    const stranger = dashboardClient(at, served.url);
    const fiftieth = await stranger.mutate('auth.signIn', {
      email: 'who@example.com',
      password: 'guess guess',
    });
    expect(fiftieth.error?.errorCode).toBe('invalid_credentials_login');

    const forwarded = await at('/trpc/auth.signIn', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.9', origin: served.url },
      body: JSON.stringify(ADMIN),
    });
    expect(forwarded.status).toBe(429);
    const body = (await forwarded.json()) as { error: { data: { errorCode: string } } };
    expect(body.error.data.errorCode).toBe('too_many_attempts');

    // Sessions already open are unaffected.
    expect((await browser.query('environment.get')).status).toBe(200);
  });
});
