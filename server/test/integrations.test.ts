import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from './support/test-database';
import { createTestLatchkey, type TestLatchkey } from './support/test-latchkey';

interface Body {
  data: Record<string, unknown> & { credentials?: Record<string, unknown> | null };
}

describe.each(databaseKinds())('integrations REST (%s)', (kind) => {
  let t: TestLatchkey;
  beforeAll(async () => {
    t = await createTestLatchkey(kind);
  });
  afterAll(() => t[Symbol.asyncDispose]());

  const create = (json: unknown) => t.request('/integrations', { method: 'POST', json });
  const errorCode = async (r: Response) => ((await r.json()) as { error: { code: string } }).error.code;

  it('creates an OAuth integration and hides its secret unless asked', async () => {
    const response = await create({
      unique_key: 'github-prod',
      provider: 'github',
      credentials: {
        type: 'OAUTH2',
        client_id: 'Iv1.abc',
        client_secret: 'gh-secret-1',
        scopes: 'repo,read:user',
      },
    });
    expect(response.status).toBe(200);
    const { data } = (await response.json()) as Body;
    expect(data).toMatchObject({
      unique_key: 'github-prod',
      provider: 'github',
      display_name: 'GitHub (User OAuth)',
      logo: 'http://latchkey.test/images/template-logos/github.svg',
      forward_webhooks: true,
    });
    expect(data.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(JSON.stringify(data)).not.toContain('gh-secret-1');
    expect(data).not.toHaveProperty('credentials');

    const withCredentials = (await (
      await t.request('/integrations/github-prod?include=credentials')
    ).json()) as Body;
    expect(withCredentials.data.credentials).toEqual({
      type: 'OAUTH2',
      client_id: 'Iv1.abc',
      client_secret: 'gh-secret-1',
      scopes: 'repo,read:user',
      webhook_secret: null,
    });
  });

  it('seals integration settings the provider declares secret, even when sent in integration_config', async () => {
    const provider = await t.request('/providers', {
      method: 'POST',
      json: {
        name: 'settings-sealed',
        display_name: 'Sealed settings',
        docs: 'https://example.com/docs',
        auth_mode: 'API_KEY',
        credentials: { apiKey: { type: 'string', title: 'Key', description: 'Key' } },
        integration_config: {
          region: { type: 'string', title: 'Region', description: 'Region' },
          awsSecretAccessKey: { type: 'string', title: 'Secret', description: 'Secret', secret: true },
        },
        proxy: { base_url: 'https://api.example.com' },
      },
    });
    expect(provider.status).toBe(201);
    const response = await create({
      unique_key: 'sealed-settings',
      provider: 'settings-sealed',
      integration_config: { region: 'eu-west-1', awsSecretAccessKey: 'aws-secret-sealed-1' },
    });
    expect(response.status).toBe(200);
    const stored = await sql<{ integration_config: unknown; custom_sealed: string | null }>`
      select integration_config, custom_sealed from integrations where unique_key = 'sealed-settings'`.execute(
      t.latchkey.db,
    );
    expect(JSON.stringify(stored.rows[0])).not.toContain('aws-secret-sealed-1');
    const environmentId = (
      await sql<{ environment_id: string }>`
      select environment_id::text as environment_id from integrations where unique_key = 'sealed-settings'`.execute(
        t.latchkey.db,
      )
    ).rows[0]!.environment_id;
    const loaded = await t.latchkey.services.integrations.loadForFlow(environmentId, 'sealed-settings');
    expect(loaded?.integrationConfig).toEqual({ region: 'eu-west-1' });
    expect(loaded?.custom).toEqual({ awsSecretAccessKey: 'aws-secret-sealed-1' });
  });

  it('lists integrations in Nango shape', async () => {
    const { data } = (await (await t.request('/integrations')).json()) as {
      data: Array<Record<string, unknown>>;
    };
    expect(data.map((i) => i.unique_key)).toContain('github-prod');
    for (const item of data)
      expect(Object.keys(item).sort()).toEqual([
        'created_at',
        'display_name',
        'forward_webhooks',
        'logo',
        'provider',
        'unique_key',
        'updated_at',
      ]);
  });

  it('adds the webhook URL on include=webhook, both includes together too', async () => {
    const both = (await (
      await t.request('/integrations/github-prod?include=webhook&include=credentials')
    ).json()) as Body;
    expect(both.data.webhook_url).toMatch(/^http:\/\/latchkey\.test\/webhook\/[0-9a-f-]{36}\/github-prod$/);
    expect(both.data.credentials).not.toBeNull();
    const comma = (await (
      await t.request('/integrations/github-prod?include=webhook,credentials')
    ).json()) as Body;
    expect(comma.data.credentials).toEqual(both.data.credentials);
  });

  it('refuses include=credentials to a key without the scope', async () => {
    const dev = await t.latchkey.services.environments.getByName('dev');
    const reader = await t.latchkey.services.apiKeys.create({
      environmentId: dev.id,
      name: 'reader',
      scopes: ['environment:integrations:read'],
    });
    expect((await t.request('/integrations/github-prod', { key: reader.secretKey })).status).toBe(200);
    const denied = await t.request('/integrations/github-prod?include=credentials', {
      key: reader.secretKey,
    });
    expect(denied.status).toBe(403);
    expect(await errorCode(denied)).toBe('forbidden');
  });

  it('prefills scopes from the provider defaults', async () => {
    expect(
      (
        await create({
          unique_key: 'sf',
          provider: 'salesforce',
          credentials: { type: 'OAUTH2', client_id: 'c', client_secret: 's' },
        })
      ).status,
    ).toBe(200);
    const { data } = (await (await t.request('/integrations/sf?include=credentials')).json()) as Body;
    expect(data.credentials?.scopes).toBe('offline_access');
  });

  it('updates partially: a new secret keeps the client id and scopes', async () => {
    const patched = await t.request('/integrations/github-prod', {
      method: 'PATCH',
      json: { display_name: 'GitHub', credentials: { type: 'OAUTH2', client_secret: 'gh-secret-2' } },
    });
    expect(patched.status).toBe(200);
    const { data } = (await (
      await t.request('/integrations/github-prod?include=credentials')
    ).json()) as Body;
    expect(data.display_name).toBe('GitHub');
    expect(data.credentials).toMatchObject({
      client_id: 'Iv1.abc',
      client_secret: 'gh-secret-2',
      scopes: 'repo,read:user',
    });
  });

  it('renames, and refuses a rename onto a taken key', async () => {
    await create({ unique_key: 'slack', provider: 'slack' });
    const conflict = await t.request('/integrations/slack', {
      method: 'PATCH',
      json: { unique_key: 'github-prod' },
    });
    expect(conflict.status).toBe(409);
    const renamed = await t.request('/integrations/slack', {
      method: 'PATCH',
      json: { unique_key: 'slack-main' },
    });
    expect(((await renamed.json()) as Body).data.unique_key).toBe('slack-main');
    expect((await t.request('/integrations/slack')).status).toBe(404);
  });

  it('answers 409 on a duplicate unique_key', async () => {
    const duplicate = await create({ unique_key: 'github-prod', provider: 'github' });
    expect(duplicate.status).toBe(409);
    expect(await errorCode(duplicate)).toBe('integration_already_exists');
  });

  it.each([
    [{ unique_key: 'x', provider: 'no-such-provider' }, 'provider'],
    [
      {
        unique_key: 'x',
        provider: 'openai',
        credentials: { type: 'OAUTH2', client_id: 'a', client_secret: 'b' },
      },
      'credentials',
    ],
    [
      {
        unique_key: 'x',
        provider: 'twitter',
        credentials: { type: 'OAUTH2', client_id: 'a', client_secret: 'b' },
      },
      'credentials',
    ],
    [
      {
        unique_key: 'x',
        provider: 'github',
        credentials: { type: 'OAUTH2', client_id: 'a', client_secret: 'b', scopes: 'a b' },
      },
      'credentials',
    ],
    [{ unique_key: 'has/slash', provider: 'github' }, 'unique_key'],
    [{ unique_key: 'x', provider: 'github', extra: true }, ''],
  ])('rejects %j with 400 invalid_body pointing at %s', async (body, field) => {
    const response = await create(body);
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as {
      error: { code: string; errors: Array<{ path: string[] }> };
    };
    expect(error.code).toBe('invalid_body');
    if (field !== '') expect(error.errors.some((e) => e.path[0] === field)).toBe(true);
  });

  it('deletes with {success:true}, then 404', async () => {
    await create({ unique_key: 'temp', provider: 'notion' });
    const response = await t.request('/integrations/temp', {
      method: 'DELETE',
      headers: { 'content-type': 'application/json' },
    });
    expect(await response.json()).toEqual({ success: true });
    const again = await t.request('/integrations/temp', { method: 'DELETE' });
    expect(again.status).toBe(404);
    expect(await errorCode(again)).toBe('not_found');
  });

  it('treats a trailing slash like none and takes empty JSON bodies on GET', async () => {
    const response = await t.request('/integrations/', { headers: { 'content-type': 'application/json' } });
    expect(response.status).toBe(200);
    expect((await t.request('/integrations/github-prod/')).status).toBe(200);
  });

  it('stores no plaintext secret in any table', async () => {
    await create({
      unique_key: 'custom-secret',
      provider: 'github',
      credentials: {
        type: 'OAUTH2',
        client_id: 'id',
        client_secret: 'plaintext-canary-7f3a',
        webhook_secret: 'hook-canary-9b2c',
      },
      custom: { signing: 'custom-canary-1d4e' },
    });
    const tables = ['environments', 'api_keys', 'integrations', 'custom_providers'];
    let dump = '';
    for (const table of tables) {
      const { rows } = await sql<{
        row: string;
      }>`select row_to_json(t)::text as row from ${sql.table(table)} t`.execute(t.database.db);
      dump += rows.map((r) => r.row).join('\n');
    }
    expect(dump).toContain('custom-secret');
    for (const canary of ['plaintext-canary-7f3a', 'hook-canary-9b2c', 'custom-canary-1d4e'])
      expect(dump).not.toContain(canary);
  });
});
