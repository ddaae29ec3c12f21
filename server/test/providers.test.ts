import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from './support/test-database';
import { createTestLatchkey, type TestLatchkey } from './support/test-latchkey';

type Provider = Record<string, unknown> & { name: string };

/** A provider entry as a Nango user has it in providers.yaml, pointed at a local authorization server. */
const localOAuth = {
  name: 'local-oauth',
  display_name: 'Local OAuth',
  categories: ['dev-tools'],
  auth_mode: 'OAUTH2',
  authorization_url: 'http://127.0.0.1:4010/auth',
  token_url: 'http://127.0.0.1:4010/token',
  scope_separator: ' ',
  default_scopes: ['openid'],
  authorization_params: { prompt: 'consent' },
  token_response_metadata: ['tenant'],
  proxy: { base_url: 'http://127.0.0.1:4010/api' },
  docs: 'https://example.com/docs',
};

const hostedApiKey = {
  name: 'acme-api',
  display_name: 'Acme',
  auth_mode: 'API_KEY',
  proxy: {
    base_url: 'https://${connectionConfig.region}.acme.example',
    headers: { authorization: 'Bearer ${apiKey}' },
    verification: { method: 'GET', endpoints: ['/me'] },
  },
  connection_config: {
    region: { type: 'string', title: 'Region', description: 'Your Acme region', pattern: '^(eu|us)$' },
  },
  credentials: { apiKey: { type: 'string', title: 'API key', description: 'Acme API key', secret: true } },
  docs: 'https://acme.example/docs',
};

describe.each(databaseKinds())('providers REST (%s)', (kind) => {
  let t: TestLatchkey;
  let open: TestLatchkey;
  beforeAll(async () => {
    [t, open] = await Promise.all([
      createTestLatchkey(kind),
      createTestLatchkey(kind, { LATCHKEY_ALLOW_PRIVATE_URLS: '1' }),
    ]);
  });
  afterAll(async () => {
    await t[Symbol.asyncDispose]();
    await open[Symbol.asyncDispose]();
  });

  const json = async (r: Response) =>
    (await r.json()) as { data: Provider & Provider[]; error: { code: string; errors?: unknown[] } };

  it('lists the catalog with name and logo_url', async () => {
    const { data } = await json(await t.request('/providers'));
    expect(data.length).toBeGreaterThanOrEqual(60);
    const zendesk = data.find((p) => p.name === 'zendesk')!;
    expect(zendesk).toMatchObject({
      display_name: 'Zendesk',
      auth_mode: 'OAUTH2',
      logo_url: 'http://latchkey.test/images/template-logos/zendesk.svg',
      custom: false,
    });
  });

  it('searches provider names with a case-insensitive regex', async () => {
    const { data } = await json(await t.request('/providers?search=^GOOGLE'));
    expect(data.length).toBeGreaterThanOrEqual(4);
    expect(data.every((p) => p.name.startsWith('google'))).toBe(true);
    const none = await json(await t.request('/providers?search=zzzz-nothing'));
    expect(none.data).toEqual([]);
  });

  it.each(['(a+)+$', '([a-z]', '(x)\\1'])('refuses the search pattern %j with 400', async (pattern) => {
    const response = await t.request(`/providers?search=${encodeURIComponent(pattern)}`);
    expect(response.status).toBe(400);
    expect((await json(response)).error.code).toBe('invalid_query_params');
  });

  it('gets one provider, 404 not_found for an unknown one', async () => {
    expect((await json(await t.request('/providers/salesforce'))).data.token_response_metadata).toEqual([
      'instance_url',
    ]);
    const missing = await t.request('/providers/nope');
    expect(missing.status).toBe(404);
    expect(await json(missing)).toMatchObject({
      error: { code: 'not_found', message: 'Unknown provider nope' },
    });
  });

  it('serves a generated SVG logo', async () => {
    const response = await t.latchkey.app.request('/images/template-logos/github.svg');
    expect(response.headers.get('content-type')).toBe('image/svg+xml');
    expect(await response.text()).toMatch(/^<svg[^>]*aria-label="GitHub \(User OAuth\)"/);
  });

  it('refuses plain-http provider URLs unless private URLs are allowed', async () => {
    const refused = await t.request('/providers', { method: 'POST', json: localOAuth });
    expect(refused.status).toBe(400);
    const body = await json(refused);
    expect(body.error.code).toBe('invalid_provider_definition');
    expect(JSON.stringify(body.error.errors)).toContain('authorization_url');

    const created = await open.request('/providers', { method: 'POST', json: localOAuth });
    expect(created.status).toBe(201);
    expect((await json(created)).data).toMatchObject({
      name: 'local-oauth',
      custom: true,
      auth_mode: 'OAUTH2',
    });
  });

  it('registers a Nango-shaped entry, then configures it with a Nango integration body', async () => {
    expect((await t.request('/providers', { method: 'POST', json: hostedApiKey })).status).toBe(201);
    const { data } = await json(await t.request('/providers?search=acme'));
    expect(data.map((p) => p.name)).toEqual(['acme-api']);
    const integration = await t.request('/integrations', {
      method: 'POST',
      json: { unique_key: 'acme', provider: 'acme-api' },
    });
    expect(integration.status).toBe(200);

    const oauthIntegration = await open.request('/integrations', {
      method: 'POST',
      json: {
        unique_key: 'local',
        provider: 'local-oauth',
        credentials: {
          type: 'OAUTH2',
          client_id: 'client',
          client_secret: 'secret',
          scopes: 'openid,offline_access',
        },
      },
    });
    expect(oauthIntegration.status).toBe(200);
  });

  it('keeps custom providers inside their environment', async () => {
    const prod = await t.latchkey.services.environments.getByName('prod');
    const prodKey = await t.latchkey.services.apiKeys.create({
      environmentId: prod.id,
      name: 'p',
      scopes: ['environment:*'],
    });
    expect((await t.request('/providers/acme-api', { key: prodKey.secretKey })).status).toBe(404);
  });

  it('updates a custom provider with a merge patch, revalidating it', async () => {
    const updated = await t.request('/providers/acme-api', {
      method: 'PATCH',
      json: { display_name: 'Acme Corp', categories: null },
    });
    expect(updated.status).toBe(200);
    const { data } = await json(updated);
    expect(data).toMatchObject({ display_name: 'Acme Corp' });
    expect(data).not.toHaveProperty('categories');
    const broken = await t.request('/providers/acme-api', {
      method: 'PATCH',
      json: { proxy: { base_url: 'https://${connectionConfig.undeclared}.acme.example' } },
    });
    expect(broken.status).toBe(400);
    expect((await json(await t.request('/providers/acme-api'))).data.display_name).toBe('Acme Corp');
  });

  it('protects the catalog and providers in use', async () => {
    const clash = await t.request('/providers', {
      method: 'POST',
      json: { ...hostedApiKey, name: 'github' },
    });
    expect(clash.status).toBe(409);
    expect(
      (await t.request('/providers/github', { method: 'PATCH', json: { display_name: 'x' } })).status,
    ).toBe(404);
    const inUse = await t.request('/providers/acme-api', { method: 'DELETE' });
    expect(inUse.status).toBe(409);
    expect((await json(inUse)).error.code).toBe('provider_in_use');
    await t.request('/integrations/acme', { method: 'DELETE' });
    expect(await json(await t.request('/providers/acme-api', { method: 'DELETE' }))).toEqual({
      success: true,
    });
    expect((await t.request('/providers/acme-api')).status).toBe(404);
  });

  it.each([
    ['a bad name', { ...hostedApiKey, name: 'Bad Name' }, 'invalid_body'],
    ['an unknown key', { ...hostedApiKey, name: 'x1', unknown_key: 1 }, 'invalid_body'],
    ['an unknown auth mode', { ...hostedApiKey, name: 'x2', auth_mode: 'MAGIC' }, 'invalid_body'],
    [
      'API_KEY without credentials.apiKey',
      { ...hostedApiKey, name: 'x3', credentials: {} },
      'invalid_provider_definition',
    ],
    [
      'an undeclared placeholder',
      { ...hostedApiKey, name: 'x4', connection_config: {} },
      'invalid_provider_definition',
    ],
    [
      'OAUTH2 without URLs',
      { name: 'x5', display_name: 'X', docs: 'https://x.example', auth_mode: 'OAUTH2' },
      'invalid_provider_definition',
    ],
    [
      'an alias to nothing',
      { name: 'x6', display_name: 'X', docs: 'https://x.example', alias: 'no-such' },
      'invalid_provider_definition',
    ],
  ])('rejects a definition with %s', async (_label, definition, code) => {
    const response = await t.request('/providers', { method: 'POST', json: definition });
    expect(response.status).toBe(400);
    expect((await json(response)).error.code).toBe(code);
  });

  it('accepts an alias of a catalog provider', async () => {
    const response = await t.request('/providers', {
      method: 'POST',
      json: {
        name: 'gmail-readonly',
        alias: 'google-mail',
        display_name: 'Gmail (read only)',
        docs: 'https://x.example',
        default_scopes: ['https://www.googleapis.com/auth/gmail.readonly'],
      },
    });
    expect(response.status).toBe(201);
    expect((await json(response)).data).toMatchObject({
      auth_mode: 'OAUTH2',
      display_name: 'Gmail (read only)',
    });
  });
});
