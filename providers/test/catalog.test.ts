/** Conformance of the shipped catalog: every entry passes the schema and the rules, and the named providers exist. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOG_DIR, loadCatalog } from '../src/catalog';
import { providerJsonSchema } from '../src/json-schema';
import { collectStrings, findPlaceholders } from '../src/placeholders';
import { providerDefinitionSchema } from '../src/provider.schema';

const catalog = loadCatalog();
const files = readdirSync(CATALOG_DIR).filter((f) => f.endsWith('.json'));

describe('provider catalog', () => {
  it('loads every file, with at least 60 providers', () => {
    expect(catalog.list()).toHaveLength(files.length);
    expect(files.length).toBeGreaterThanOrEqual(60);
  });

  it.each(files)('%s is strict-schema valid (no unknown keys)', (file) => {
    const raw = JSON.parse(readFileSync(path.join(CATALOG_DIR, file), 'utf8'));
    const parsed = providerDefinitionSchema.safeParse(raw);
    expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
    expect(raw).not.toHaveProperty('name');
  });

  it('has every provider users name first', () => {
    const required = [
      'github',
      'github-app',
      'google',
      'google-mail',
      'google-drive',
      'slack',
      'notion',
      'discord',
      'salesforce',
      'zendesk',
      'shopify',
      'qualtrics',
      'gorgias',
      'zoho',
      'hubspot',
      'stripe-api-key',
      'jira',
      'confluence',
      'linear',
      'asana',
      'airtable',
      'dropbox',
      'box',
      'microsoft',
      'zoom',
      'intercom',
      'twitter',
      'twitter-v2',
      'trello',
      'xero',
      'quickbooks',
      'mailchimp',
      'twilio',
      'sendgrid',
      'openai',
    ];
    expect(required.filter((name) => catalog.get(name) === undefined)).toEqual([]);
  });

  it.each([
    ['stripe-api-key', 'API_KEY'],
    ['sendgrid', 'API_KEY'],
    ['openai', 'API_KEY'],
    ['twilio', 'BASIC'],
    ['twitter', 'OAUTH1'],
    ['trello', 'OAUTH1'],
    ['twitter-v2', 'OAUTH2'],
    ['github', 'OAUTH2'],
  ])('%s uses %s', (name, mode) => {
    expect(catalog.get(name)?.auth_mode).toBe(mode);
  });

  it('covers every auth mode Latchkey runs', () => {
    const modes = new Set(catalog.list().map((p) => p.auth_mode));
    for (const mode of ['OAUTH2', 'OAUTH1', 'OAUTH2_CC', 'API_KEY', 'BASIC', 'NONE'])
      expect(modes).toContain(mode);
  });

  it("keeps Nango's zendesk entry", () => {
    const zendesk = catalog.get('zendesk')!;
    expect(zendesk.authorization_url).toBe(
      'https://${connectionConfig.subdomain}.zendesk.com/oauth/authorizations/new',
    );
    expect(zendesk.token_url).toBe('https://${connectionConfig.subdomain}.zendesk.com/oauth/tokens');
    expect(zendesk.connection_config?.subdomain?.pattern).toBe('^[a-z0-9_-]+$');
  });

  it('copies Salesforce instance_url from the token response', () => {
    const salesforce = catalog.get('salesforce')!;
    expect(salesforce.token_response_metadata).toContain('instance_url');
    expect(salesforce.proxy?.base_url).toBe('${connectionConfig.instance_url}');
  });

  it('declares per-customer and data-center hosts for Gorgias, Qualtrics, Shopify and Zoho', () => {
    for (const name of ['gorgias', 'qualtrics', 'shopify', 'zoho']) {
      const provider = catalog.get(name)!;
      const placeholders = collectStrings([
        provider.authorization_url,
        provider.token_url,
        provider.proxy,
      ]).flatMap(findPlaceholders);
      expect(
        placeholders.some((p) => p.kind === 'connectionConfig'),
        name,
      ).toBe(true);
    }
  });

  it('uses https for every URL of every entry', () => {
    for (const provider of catalog.list()) {
      for (const url of [
        provider.authorization_url,
        provider.refresh_url,
        provider.request_url,
        provider.proxy?.base_url,
      ]) {
        if (url === undefined) continue;
        for (const part of url.split('||'))
          expect(part.trim(), provider.name).toMatch(/^(https:\/\/|\$\{connectionConfig\.)/);
      }
    }
  });

  it('matches the checked-in JSON Schema (run `pnpm --filter @latchkey/providers json-schema` after a change)', () => {
    const checkedIn = JSON.parse(readFileSync(path.join(CATALOG_DIR, '..', 'provider.schema.json'), 'utf8'));
    expect(checkedIn).toEqual(providerJsonSchema());
  });
});
