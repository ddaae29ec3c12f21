/**
 * Settings the dashboard manages through tRPC: API keys (created with scopes, usable at once as a bearer, listed
 * without their secret, revoked to a 401), the environment list and creation (admins), and the Connect UI theme
 * with allowed origins (validated, round-tripped, handed to the Connect UI by `GET /connect/session`).
 */
import type { ConnectUiTheme } from '@latchkey/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LatchkeyClient } from '../../client/src/index';
import type { DashboardClient } from '../support/dashboard-client';
import { databaseKinds } from '../support/test-database';
import { createTestLatchkey, type TestLatchkey } from '../support/test-latchkey';
import { ADMIN_ENV, failure, keyClient, signedInAdmin } from './dashboard-api-fixtures';

const THEME: ConnectUiTheme = {
  mode: 'dark',
  primaryColor: '#ff6600',
  backgroundColor: '#101010',
  textColor: '#fafafa',
  radius: 12,
  logoUrl: `data:image/svg+xml;base64,${Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>').toString('base64')}`,
};

describe.each(databaseKinds())('dashboard settings API (%s)', (kind) => {
  let t: TestLatchkey;
  let client: LatchkeyClient;
  let admin: DashboardClient;
  beforeAll(async () => {
    t = await createTestLatchkey(kind, ADMIN_ENV);
    client = keyClient(t);
    admin = await signedInAdmin(t);
  });
  afterAll(() => t[Symbol.asyncDispose]());

  it('creates a scoped API key that works as a bearer at once, lists it without its secret, and revokes it', async () => {
    const created = await client.apiKeys.create.mutate({
      name: 'ci',
      scopes: ['environment:integrations:read'],
    });
    expect(created.secretKey.length).toBeGreaterThanOrEqual(32);
    expect((await t.request('/integrations', { key: created.secretKey })).status).toBe(200);
    // Only what it was given.
    expect((await t.request('/connections', { key: created.secretKey })).status).toBe(403);

    const listed = (await client.apiKeys.list.query()).find((key) => key.id === created.id);
    expect(listed).toEqual({
      id: created.id,
      name: 'ci',
      hint: created.secretKey.slice(-4),
      scopes: ['environment:integrations:read'],
      createdAt: expect.any(String),
      revokedAt: null,
    });
    expect(JSON.stringify(await client.apiKeys.list.query())).not.toContain(created.secretKey);

    expect(await client.apiKeys.revoke.mutate({ id: created.id })).toEqual({ success: true });
    expect((await t.request('/integrations', { key: created.secretKey })).status).toBe(401);
    const revoked = (await client.apiKeys.list.query()).find((key) => key.id === created.id);
    expect(revoked?.revokedAt).toEqual(expect.any(String));
    expect(await failure(client.apiKeys.revoke.mutate({ id: created.id }))).toMatchObject({
      httpStatus: 404,
      errorCode: 'not_found',
    });
  });

  it('refuses malformed scopes, scopes beyond the creator’s, and callers without the api_keys scope', async () => {
    expect(await failure(client.apiKeys.create.mutate({ name: 'bad', scopes: ['admin'] }))).toMatchObject({
      httpStatus: 400,
      errorCode: 'invalid_body',
    });
    const limited = await client.apiKeys.create.mutate({
      name: 'key admin',
      scopes: ['environment:api_keys:write', 'environment:connections:read'],
    });
    const limitedClient = keyClient(t, limited.secretKey);
    expect(
      await failure(limitedClient.apiKeys.create.mutate({ name: 'escalate', scopes: ['environment:*'] })),
    ).toMatchObject({ httpStatus: 403, errorCode: 'forbidden' });
    const narrower = await limitedClient.apiKeys.create.mutate({
      name: 'reader',
      scopes: ['environment:connections:read'],
    });
    expect(narrower.id).toEqual(expect.any(String));
    // Listing needs settings:read, which this key lacks.
    expect(await failure(limitedClient.apiKeys.list.query())).toMatchObject({ httpStatus: 403 });

    const reader = keyClient(t, narrower.secretKey);
    expect(await failure(reader.apiKeys.revoke.mutate({ id: limited.id }))).toMatchObject({
      httpStatus: 403,
      errorCode: 'forbidden',
    });
  });

  it('records an admin operator’s key creation and revocation in the audit log', async () => {
    const created = await admin.mutate<{ id: string; secretKey: string }>('apiKeys.create', {
      name: 'from the dashboard',
      scopes: ['environment:connections:read'],
    });
    expect(created.status).toBe(200);
    expect((await admin.mutate('apiKeys.revoke', { id: created.data!.id })).status).toBe(200);
    const audit = await admin.query<{ items: Array<{ action: string; targetId: string; details: object }> }>(
      'audit.list',
      { action: 'api_key' },
    );
    expect(audit.data!.items.map((entry) => [entry.action, entry.targetId])).toEqual([
      ['api_key.revoke', created.data!.id],
      ['api_key.create', created.data!.id],
    ]);
    expect(JSON.stringify(audit.data)).not.toContain(created.data!.secretKey);
  });

  it('lists environments (a key sees its own) and lets only an admin operator create one', async () => {
    expect((await client.environments.list.query()).map((e) => e.name)).toEqual(['dev']);
    expect(await failure(client.environments.create.mutate({ name: 'staging' }))).toMatchObject({
      httpStatus: 403,
    });

    const created = await admin.mutate<{ environment: { id: string; name: string }; secretKey: string }>(
      'environments.create',
      { name: 'staging' },
    );
    expect(created.data?.environment.name).toBe('staging');
    // Its secret key works, in that environment.
    const settings = await t.request('/environment', { key: created.data!.secretKey });
    expect(((await settings.json()) as { data: { name: string } }).data.name).toBe('staging');
    const names = (await admin.query<Array<{ name: string }>>('environments.list')).data!.map((e) => e.name);
    expect(names).toEqual(expect.arrayContaining(['dev', 'prod', 'staging']));
    expect((await admin.mutate('environments.create', { name: 'staging' })).error).toMatchObject({
      errorCode: 'environment_already_exists',
    });
    expect((await admin.mutate('environments.create', { name: 'Bad Name' })).status).toBe(400);
    const audit = await admin.query<{ items: Array<{ action: string; targetId: string }> }>('audit.list', {
      action: 'environment.create',
    });
    expect(audit.data!.items[0]).toMatchObject({ action: 'environment.create', targetId: 'staging' });
  });

  it('stores the Connect UI theme and allowed origins, and GET /connect/session hands the theme to the widget', async () => {
    const before = await client.environment.get.query();
    expect(before).toMatchObject({ connectUiTheme: null, allowedOrigins: [] });

    const updated = await client.environment.update.mutate({
      connectUiTheme: THEME,
      allowedOrigins: ['https://App.example.com', 'http://localhost:5173'],
    });
    expect(updated.connectUiTheme).toEqual(THEME);
    expect(updated.allowedOrigins).toEqual(['https://app.example.com', 'http://localhost:5173']);
    expect((await client.environment.get.query()).connectUiTheme).toEqual(THEME);

    const session = await t.request('/connect/sessions', {
      method: 'POST',
      json: { end_user: { id: 'themed-user' } },
    });
    const { token } = ((await session.json()) as { data: { token: string } }).data;
    const described = await t.request('/connect/session', { key: token });
    expect(described.status).toBe(200);
    expect(((await described.json()) as { data: { theme: unknown } }).data.theme).toEqual(THEME);

    // REST sees the same settings.
    const rest = (await (await t.request('/environment')).json()) as { data: Record<string, unknown> };
    expect(rest.data.connectUiTheme).toEqual(THEME);

    expect((await client.environment.update.mutate({ connectUiTheme: null })).connectUiTheme).toBeNull();
    const reset = await t.request('/connect/session', { key: token });
    expect(((await reset.json()) as { data: { theme: unknown } }).data.theme).toBeNull();
  });

  it('refuses a bad theme with 400 on both APIs', async () => {
    const bad: Array<Record<string, unknown>> = [
      { ...THEME, primaryColor: 'red' },
      { ...THEME, radius: 25 },
      { ...THEME, mode: 'sepia' },
      { ...THEME, logoUrl: 'http://insecure.example.com/logo.png' },
      { ...THEME, logoUrl: 'javascript:alert(1)' },
      { ...THEME, logoUrl: `data:image/png;base64,${'A'.repeat(90_000)}` },
      { ...THEME, extra: true },
    ];
    for (const theme of bad) {
      expect(
        await failure(client.environment.update.mutate({ connectUiTheme: theme as ConnectUiTheme })),
        JSON.stringify(theme).slice(0, 80),
      ).toMatchObject({ httpStatus: 400 });
      const rest = await t.request('/environment', { method: 'PATCH', json: { connectUiTheme: theme } });
      expect(rest.status).toBe(400);
      expect(((await rest.json()) as { error: { code: string } }).error.code).toBe('invalid_body');
    }
    expect(
      (await failure(client.environment.update.mutate({ allowedOrigins: ['https://app.example.com/path'] })))
        .httpStatus,
    ).toBe(400);
    expect((await client.environment.get.query()).connectUiTheme).toBeNull();
  });
});
