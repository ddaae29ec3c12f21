/**
 * Admins invite operators (a link shown once), change roles and remove them; each role reaches the typed API with its
 * own scopes: support cannot read credentials or settings, developers cannot manage operators, API keys or the audit
 * log, and the last admin cannot be demoted or removed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appDashboardClient, type DashboardClient } from '../support/dashboard-client';
import { databaseKinds } from '../support/test-database';
import { createTestLatchkey, type TestLatchkey } from '../support/test-latchkey';

const ADMIN = { email: 'root@example.com', password: 'admin password 1' };

describe.each(databaseKinds())('operators, invitations and roles (%s)', (kind) => {
  let t: TestLatchkey;
  let admin: DashboardClient;
  let developer: DashboardClient;
  let support: DashboardClient;
  const ids: Record<string, string> = {};

  async function invited(email: string, role: string): Promise<DashboardClient> {
    const invitation = await admin.mutate<{ url: string; expiresAt: string }>('operators.invite', {
      email,
      role,
    });
    expect(invitation.status).toBe(200);
    const url = new URL(invitation.data!.url);
    expect(`${url.origin}${url.pathname}`).toBe('http://latchkey.test/dashboard/invite');
    const token = url.searchParams.get('token')!;
    const browser = appDashboardClient(t.latchkey.app);
    expect((await browser.query('auth.invitation', { token })).data).toMatchObject({ email, role });
    const accepted = await browser.mutate('auth.acceptInvitation', { token, password: `${role} password` });
    expect(accepted.data).toEqual({ ok: true });
    // The link works once.
    expect((await browser.query('auth.invitation', { token })).error).toMatchObject({
      errorCode: 'invalid_invitation',
    });
    const status = await browser.query<{ operator: { id: string; role: string } }>('auth.status');
    expect(status.data?.operator.role).toBe(role);
    ids[role] = status.data!.operator.id;
    return browser;
  }

  beforeAll(async () => {
    t = await createTestLatchkey(kind, {
      LATCHKEY_ADMIN_EMAIL: ADMIN.email,
      LATCHKEY_ADMIN_PASSWORD: ADMIN.password,
    });
    const created = await t.request('/integrations', {
      method: 'POST',
      json: {
        unique_key: 'github',
        provider: 'github',
        credentials: { type: 'OAUTH2', client_id: 'Iv1.abc', client_secret: 'gh-secret-1', scopes: 'repo' },
      },
    });
    expect(created.status).toBe(200);
    admin = appDashboardClient(t.latchkey.app);
    expect((await admin.mutate('auth.signIn', ADMIN)).status).toBe(200);
    developer = await invited('dev@example.com', 'developer');
    support = await invited('help@example.com', 'support');
  });
  afterAll(() => t[Symbol.asyncDispose]());

  it('created the admin from LATCHKEY_ADMIN_* at boot, with no setup code', async () => {
    expect(t.latchkey.setupCode).toBeNull();
    const list = await admin.query<Array<{ email: string; role: string; oidc: boolean }>>('operators.list');
    expect(list.data?.map((o) => [o.email, o.role])).toEqual([
      [ADMIN.email, 'admin'],
      ['dev@example.com', 'developer'],
      ['help@example.com', 'support'],
    ]);
    expect((await admin.query('auth.status')).data).toMatchObject({ setupRequired: false });
  });

  it('lets support read integrations but not credentials, settings or writes', async () => {
    expect((await support.query<unknown[]>('integrations.list')).data).toHaveLength(1);
    const credentials = await support.query('integrations.get', {
      uniqueKey: 'github',
      include: ['credentials'],
    });
    expect(credentials.error).toMatchObject({ errorCode: 'forbidden', httpStatus: 403 });
    expect((await support.query('environment.get')).error).toMatchObject({ errorCode: 'forbidden' });
    const write = await support.mutate('environment.update', { callback_url: 'https://cb.example.com/cb' });
    expect(write.error).toMatchObject({ errorCode: 'forbidden' });
    expect((await support.mutate('integrations.delete', { uniqueKey: 'github' })).error).toMatchObject({
      errorCode: 'forbidden',
    });
  });

  it('lets developers change settings and read credentials, but not manage operators, keys or the audit log', async () => {
    const credentials = await developer.query<{ credentials?: unknown }>('integrations.get', {
      uniqueKey: 'github',
      include: ['credentials'],
    });
    expect(credentials.status).toBe(200);
    expect(JSON.stringify(credentials.data)).toContain('gh-secret-1');
    expect((await developer.query('environment.get')).status).toBe(200);

    for (const [path, input, method] of [
      ['operators.list', undefined, 'query'],
      ['operators.invite', { email: 'x@example.com', role: 'admin' }, 'mutate'],
      ['operators.setRole', { id: ids.developer, role: 'admin' }, 'mutate'],
      ['instance.update', { requireTwoFactor: true }, 'mutate'],
      ['audit.list', {}, 'query'],
      ['apiKeys.create', { name: 'ci', scopes: ['environment:*'] }, 'mutate'],
    ] as const) {
      const answer =
        method === 'query' ? await developer.query(path, input) : await developer.mutate(path, input);
      expect(answer.error, path).toMatchObject({ errorCode: 'forbidden', httpStatus: 403 });
    }
    expect((await developer.query('instance.get')).data).toEqual({ requireTwoFactor: false });
  });

  it('refuses operator procedures to secret keys', async () => {
    const response = await t.request('/trpc/operators.list');
    expect(response.status).toBe(403);
  });

  it('lists and revokes pending invitations; an invitation for an existing operator is refused', async () => {
    const pending = await admin.mutate<{ url: string }>('operators.invite', {
      email: 'later@example.com',
      role: 'support',
    });
    const list =
      await admin.query<Array<{ id: string; email: string; invitedBy: string }>>('operators.invitations');
    expect(list.data).toEqual([
      expect.objectContaining({ email: 'later@example.com', invitedBy: ADMIN.email }),
    ]);
    expect((await admin.mutate('operators.revokeInvitation', { id: list.data![0]!.id })).data).toEqual({
      ok: true,
    });
    const token = new URL(pending.data!.url).searchParams.get('token')!;
    const accept = await appDashboardClient(t.latchkey.app).mutate('auth.acceptInvitation', {
      token,
      password: 'some password',
    });
    expect(accept.error).toMatchObject({ errorCode: 'invalid_invitation' });
    const duplicate = await admin.mutate('operators.invite', { email: 'dev@example.com', role: 'admin' });
    expect(duplicate.error).toMatchObject({ errorCode: 'operator_already_exists', httpStatus: 409 });
  });

  it('protects the last admin, changes roles at once, and ends a removed operator’s sessions', async () => {
    const demote = await admin.mutate('operators.setRole', {
      id: ids.admin ?? (await adminId()),
      role: 'developer',
    });
    expect(demote.error).toMatchObject({ errorCode: 'last_admin', httpStatus: 409 });
    const removeSelf = await admin.mutate('operators.remove', { id: await adminId() });
    expect(removeSelf.error).toMatchObject({ errorCode: 'last_admin' });

    expect((await admin.mutate('operators.setRole', { id: ids.support, role: 'developer' })).data).toEqual({
      ok: true,
    });
    expect((await support.query('environment.get')).status).toBe(200);
    expect((await admin.mutate('operators.setRole', { id: ids.support, role: 'support' })).data).toEqual({
      ok: true,
    });
    expect((await support.query('environment.get')).error).toMatchObject({ errorCode: 'forbidden' });

    // With a second admin, the first may step down.
    expect((await admin.mutate('operators.setRole', { id: ids.developer, role: 'admin' })).data).toEqual({
      ok: true,
    });
    expect((await developer.query('operators.list')).status).toBe(200);
    expect((await developer.mutate('operators.remove', { id: ids.support })).data).toEqual({ ok: true });
    expect((await support.query('integrations.list')).error).toMatchObject({ errorCode: 'session_expired' });

    const audit = await admin.query<{ items: Array<{ action: string; actorEmail: string }> }>('audit.list', {
      action: 'operator',
    });
    const actions = audit.data!.items.map((i) => i.action);
    expect(actions).toEqual(
      expect.arrayContaining(['operator.invite', 'operator.role_change', 'operator.remove']),
    );
  });

  async function adminId(): Promise<string> {
    const status = await admin.query<{ operator: { id: string } }>('auth.status');
    ids.admin = status.data!.operator.id;
    return ids.admin;
  }
});
