/**
 * `POST /providers/import` (and tRPC's `providers.import`, and `pnpm latchkey providers import`): a whole file in
 * Nango's providers.yaml format, as YAML or JSON, imported entry by entry into the caller's environment.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createLatchkey } from '../src/latchkey';
import { loadConfig } from '../src/platform/config/config';
import { createLogger } from '../src/platform/logging/logger';
import { cliSandbox } from './support/cli-process';
import { apiKeyEntry } from './support/provider-entries';
import { databaseKinds } from './support/test-database';
import { createTestLatchkey, type TestLatchkey } from './support/test-latchkey';

const FIXTURE = path.resolve(import.meta.dirname, '../../providers/test/fixtures/nango-format.yaml');
const fixtureYaml = readFileSync(FIXTURE, 'utf8');
const fixtureNames = Object.keys(parse(fixtureYaml) as object);

interface Report {
  imported: string[];
  updated: string[];
  skipped: string[];
  refused: Array<{ name: string; reason: string }>;
}
type Answer = { data: Report & Record<string, unknown>; error: { code: string; message: string } };

describe.each(databaseKinds())('POST /providers/import (%s)', (kind) => {
  let t: TestLatchkey;
  beforeAll(async () => {
    t = await createTestLatchkey(kind);
  });
  afterAll(() => t[Symbol.asyncDispose]());

  const importFile = async (body: string, contentType: string, query = '') => {
    const response = await t.request(`/providers/import${query}`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
    });
    return { status: response.status, body: (await response.json()) as Answer };
  };
  const provider = async (name: string) => (await (await t.request(`/providers/${name}`)).json()) as Answer;

  it('imports every entry of the fixture from YAML, then reports them updated when imported again as JSON', async () => {
    const first = await importFile(fixtureYaml, 'application/yaml');
    expect(first.status).toBe(200);
    expect(first.body.data).toEqual({ imported: fixtureNames, updated: [], skipped: [], refused: [] });

    const again = await importFile(JSON.stringify(parse(fixtureYaml)), 'application/json');
    expect(again.body.data).toEqual({ imported: [], updated: fixtureNames, skipped: [], refused: [] });

    const listed = (await (await t.request('/providers?search=^wombat')).json()) as {
      data: Array<{ name: string }>;
    };
    expect(listed.data.map((p) => p.name)).toEqual([
      'wombat-eu',
      'wombat-eu-sandbox',
      'wombat-for-github',
      'wombat-oauth',
    ]);
  });

  it('resolves aliases: in the file, through a chain, and of a shipped provider', async () => {
    expect((await provider('wombat-eu-sandbox')).data).toMatchObject({
      custom: true,
      display_name: 'Wombat (EU sandbox)',
      auth_mode: 'OAUTH2',
      token_url: 'https://${connectionConfig.subdomain}.wombat.example/oauth/token',
    });
    const github = (await provider('github')).data;
    expect((await provider('wombat-for-github')).data).toMatchObject({
      auth_mode: 'OAUTH2',
      authorization_url: github.authorization_url,
      default_scopes: ['repo'],
    });
    // A later file may alias a custom provider of the environment.
    const later = await importFile(
      'wombat-au:\n  alias: wombat-oauth\n  display_name: Wombat (AU)\n  docs: https://docs.wombat.example/au\n',
      'text/yaml',
    );
    expect(later.body.data.imported).toEqual(['wombat-au']);
    expect((await provider('wombat-au')).data.revocation_url).toBe(
      'https://${connectionConfig.subdomain}.wombat.example/oauth/revoke',
    );
    // The target of a custom alias cannot be deleted from under it.
    const deletion = await t.request('/providers/wombat-oauth', { method: 'DELETE' });
    expect(deletion.status).toBe(409);
    expect(((await deletion.json()) as Answer).error.code).toBe('provider_in_use');
  });

  it('refuses a bad entry with its reason and imports the others', async () => {
    const file = [
      'acme-good:',
      '  display_name: Acme',
      '  docs: https://docs.acme.example',
      '  auth_mode: NONE',
      'acme-plain-http:',
      '  display_name: Acme HTTP',
      '  docs: https://docs.acme.example',
      '  auth_mode: NONE',
      '  proxy:',
      '    base_url: http://api.acme.example',
      'acme-typo:',
      '  display_name: Acme typo',
      '  docs: https://docs.acme.example',
      '  auth_mode: OAUTH3',
    ].join('\n');
    const { status, body } = await importFile(file, 'application/x-yaml');
    expect(status).toBe(200);
    expect(body.data.imported).toEqual(['acme-good']);
    expect(body.data.refused).toEqual([
      { name: 'acme-typo', reason: expect.stringMatching(/^auth_mode: Invalid option/) },
      { name: 'acme-plain-http', reason: 'proxy.base_url: http://api.acme.example is not an https URL' },
    ]);
    expect((await t.request('/providers/acme-plain-http')).status).toBe(404);
  });

  it('skips shipped providers unless override=true, which replaces them for this environment only', async () => {
    const file = JSON.stringify({ github: apiKeyEntry('GitHub (ours)'), 'acme-key': apiKeyEntry('Acme') });
    const skipped = await importFile(file, 'application/json');
    expect(skipped.body.data).toMatchObject({ imported: ['acme-key'], skipped: ['github'] });
    expect((await provider('github')).data).toMatchObject({ auth_mode: 'OAUTH2', custom: false });

    const overridden = await importFile(file, 'application/json', '?override=true');
    expect(overridden.body.data).toMatchObject({ imported: ['github'], updated: ['acme-key'], skipped: [] });
    expect((await provider('github')).data).toMatchObject({
      auth_mode: 'API_KEY',
      display_name: 'GitHub (ours)',
      custom: true,
    });
    const dev = await t.latchkey.services.environments.getByName('dev');
    expect((await t.latchkey.services.providers.resolve(dev.id, 'github'))?.auth_mode).toBe('API_KEY');
    const listed = (await (await t.request('/providers?search=^github$')).json()) as {
      data: Array<{ display_name: string }>;
    };
    expect(listed.data.map((p) => p.display_name)).toEqual(['GitHub (ours)']);
    // Other environments keep the shipped definition; deleting the override brings it back here.
    const prod = await t.latchkey.services.environments.getByName('prod');
    expect((await t.latchkey.services.providers.resolve(prod.id, 'github'))?.auth_mode).toBe('OAUTH2');
    expect((await t.request('/providers/github', { method: 'DELETE' })).status).toBe(200);
    expect((await provider('github')).data).toMatchObject({ auth_mode: 'OAUTH2', custom: false });
  });

  it('answers 400 for a file that cannot be parsed, 415 for another type, and keeps 415 for YAML elsewhere', async () => {
    const broken = await importFile('acme:\n  display_name: [Acme\n', 'application/yaml');
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe('invalid_yaml');
    expect(broken.body.error.message).toMatch(/line \d+, column \d+/);
    const tagged = await importFile('acme: !!js/function "x"\n', 'application/yaml');
    expect(tagged.body.error.code).toBe('invalid_yaml');
    const list = await importFile('- acme\n', 'application/yaml');
    expect(list.body.error.code).toBe('invalid_yaml');
    const json = await importFile('{"acme": ', 'application/json');
    expect([json.status, json.body.error.code]).toEqual([400, 'invalid_json']);
    const array = await importFile('[]', 'application/json');
    expect([array.status, array.body.error.code]).toEqual([400, 'invalid_body']);
    const text = await importFile('acme: {}', 'text/plain');
    expect([text.status, text.body.error.code]).toEqual([415, 'invalid_content_type']);
    const elsewhere = await t.request('/providers', {
      method: 'POST',
      headers: { 'content-type': 'application/yaml' },
      body: 'name: acme\n',
    });
    expect(elsewhere.status).toBe(415);
  });

  it('needs the providers write scope', async () => {
    const dev = await t.latchkey.services.environments.getByName('dev');
    const reader = await t.latchkey.services.apiKeys.create({
      environmentId: dev.id,
      name: 'reader',
      scopes: ['environment:providers:read'],
    });
    const response = await t.request('/providers/import', {
      method: 'POST',
      key: reader.secretKey,
      json: { 'acme-scoped': apiKeyEntry('Scoped') },
    });
    expect(response.status).toBe(403);
  });

  it('takes any single Nango entry on POST /providers, with name at the top level', async () => {
    const entries = parse(fixtureYaml) as Record<string, Record<string, unknown>>;
    const response = await t.request('/providers', {
      method: 'POST',
      json: { ...entries['potoroo-session'], name: 'potoroo-single' },
    });
    expect(response.status).toBe(201);
    expect(((await response.json()) as Answer).data.auth_mode).toBe('TWO_STEP');
  });

  it('imports over tRPC for the dashboard', async () => {
    const response = await t.request('/trpc/providers.import', {
      method: 'POST',
      json: {
        content: 'acme-trpc:\n  display_name: T\n  docs: https://t.example\n  auth_mode: NONE\n',
        format: 'yaml',
      },
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { result: { data: Report } }).result.data.imported).toEqual([
      'acme-trpc',
    ]);
    const broken = await t.request('/trpc/providers.import', {
      method: 'POST',
      json: { content: 'a: [', format: 'yaml' },
    });
    expect(broken.status).toBe(400);
  });
});

describe('pnpm latchkey providers import', () => {
  const { dataDir, env, cli, remove } = cliSandbox('latchkey-cli-providers-');
  const startInstance = () =>
    createLatchkey(loadConfig({ ...env, LATCHKEY_PUBLIC_URL: 'http://latchkey.test' }), {
      logger: createLogger('silent'),
    });
  afterAll(remove);

  // Each command is a process that opens and migrates the embedded database: slow on a busy machine.
  it('imports a file, prints each outcome and the counts, and fails on a file it cannot read', {
    timeout: 600_000,
  }, async () => {
    const mixed = path.join(dataDir, 'mixed.json');
    writeFileSync(
      mixed,
      JSON.stringify({
        github: apiKeyEntry('GitHub (ours)'),
        'acme-cli': apiKeyEntry('Acme'),
        'acme-cli-bad': { ...apiKeyEntry('Bad'), credentials: {} },
      }),
    );
    // An instance that has started once: its dev and prod environments exist.
    await (await startInstance()).close();
    const first = await cli('providers', 'import', FIXTURE);
    expect(first.stdout).toMatch(/^NAME +OUTCOME +REASON$/m);
    expect(first.stdout).toMatch(/^wombat-oauth +imported$/m);
    expect(first.stdout.trim().split('\n').at(-1)).toBe(
      `${fixtureNames.length} imported, 0 updated, 0 skipped, 0 refused`,
    );

    const second = await cli('providers', 'import', mixed, '--environment', 'prod');
    expect(second.stdout).toMatch(/^github +skipped +shipped provider/m);
    expect(second.stdout).toMatch(
      /^acme-cli-bad +refused +credentials\.apiKey: required for auth_mode API_KEY$/m,
    );
    expect(second.stdout.trim().split('\n').at(-1)).toBe('1 imported, 0 updated, 1 skipped, 1 refused');
    const third = await cli('providers', 'import', mixed, '--environment', 'prod', '--override');
    expect(third.stdout.trim().split('\n').at(-1)).toBe('1 imported, 1 updated, 0 skipped, 1 refused');

    const missing = await cli('providers', 'import', path.join(dataDir, 'nope.yaml')).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringMatching(/^Cannot read .*nope\.yaml/) });
    const unparsable = path.join(dataDir, 'broken.yaml');
    writeFileSync(unparsable, 'acme: [\n');
    const broken = await cli('providers', 'import', unparsable).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(broken).toMatchObject({ code: 2 });

    // The instance sees what the CLI wrote.
    const latchkey = await startInstance();
    try {
      const prod = await latchkey.services.environments.getByName('prod');
      expect((await latchkey.services.providers.resolve(prod.id, 'github'))?.display_name).toBe(
        'GitHub (ours)',
      );
      const dev = await latchkey.services.environments.getByName('dev');
      expect((await latchkey.services.providers.resolve(dev.id, 'wombat-eu-sandbox'))?.auth_mode).toBe(
        'OAUTH2',
      );
    } finally {
      await latchkey.close();
    }
  });
});
