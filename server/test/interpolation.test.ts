import { loadCatalog, type Provider } from '@latchkey/providers';
import { LatchkeyError } from '@latchkey/schema';
import { describe, expect, it } from 'vitest';
import { buildProviderUrl } from '../src/provider-requests/provider-url';
import { interpolateTemplate } from '../src/provider-requests/template-interpolation';

const catalog = loadCatalog();
function provider(name: string): Provider {
  const found = catalog.get(name);
  if (found === undefined) throw new Error(`no ${name} in the catalog`);
  return found;
}
const zendesk = provider('zendesk');
const salesforce = provider('salesforce');
const zoho = provider('zoho');

/** Runs `build` and returns the LatchkeyError it throws. */
function refusal(build: () => unknown): LatchkeyError {
  try {
    build();
  } catch (error) {
    if (error instanceof LatchkeyError) return error;
    throw error;
  }
  throw new Error('expected a LatchkeyError');
}

describe('interpolateTemplate', () => {
  it('fills connection config, credentials and bare credential names', () => {
    const result = interpolateTemplate(
      'https://${connectionConfig.subdomain}.x.com/${credentials.id}?k=${apiKey}',
      {
        connectionConfig: { subdomain: 'acme' },
        credentials: { id: 7, apiKey: 'secret' },
      },
    );
    expect(result).toEqual({ value: 'https://acme.x.com/7?k=secret', missing: [] });
  });

  it('looks a dot path up first, then the flat key', () => {
    const values = { connectionConfig: { team: { id: 'nested' }, 'team.id': 'flat', 'a.b': 'flat-only' } };
    expect(interpolateTemplate('${connectionConfig.team.id}', values).value).toBe('nested');
    expect(interpolateTemplate('${connectionConfig.a.b}', values).value).toBe('flat-only');
  });

  it('encodes base64 of the inner text, as in Nango basic-auth headers', () => {
    const result = interpolateTemplate('Basic ${base64(${apiKey}:)}', { credentials: { apiKey: 'key' } });
    expect(result.value).toBe(`Basic ${Buffer.from('key:').toString('base64')}`);
    expect(interpolateTemplate('${base64(${username}:${password})}', {}).missing).toEqual([
      'username',
      'password',
    ]);
  });

  it('reports unresolved placeholders and leaves them literal; only strings and numbers count', () => {
    const result = interpolateTemplate('a ${connectionConfig.x} b ${flag} c ${connectionConfig.toString}', {
      connectionConfig: {},
      credentials: { flag: true },
    });
    expect(result).toEqual({
      value: 'a ${connectionConfig.x} b ${flag} c ${connectionConfig.toString}',
      missing: ['connectionConfig.x', 'flag', 'connectionConfig.toString'],
    });
  });

  it('uses the right side of || when the left one is incomplete', () => {
    const template = salesforce.authorization_url!;
    expect(interpolateTemplate(template, {}).value).toBe(
      'https://login.salesforce.com/services/oauth2/authorize',
    );
    expect(
      interpolateTemplate(template, { connectionConfig: { hostname: 'acme.my.salesforce.com' } }).value,
    ).toBe('https://acme.my.salesforce.com/services/oauth2/authorize');
  });
});

describe('buildProviderUrl', () => {
  it('fills the Zendesk subdomain', () => {
    expect(buildProviderUrl(zendesk.authorization_url!, { subdomain: 'acme' }).href).toBe(
      'https://acme.zendesk.com/oauth/authorizations/new',
    );
  });

  it('falls back to login.salesforce.com without a hostname (absent or empty), and uses it when given', () => {
    const template = salesforce.token_url as string;
    expect(buildProviderUrl(template, {}).href).toBe('https://login.salesforce.com/services/oauth2/token');
    expect(buildProviderUrl(template, { hostname: '' }).href).toBe(
      'https://login.salesforce.com/services/oauth2/token',
    );
    expect(buildProviderUrl(template, { hostname: 'acme.my.salesforce.com' }).href).toBe(
      'https://acme.my.salesforce.com/services/oauth2/token',
    );
  });

  it('fills Zoho data centers; a multi-label value only when it comes from the field enum', () => {
    const fields = zoho.connection_config!;
    expect(buildProviderUrl(zoho.authorization_url!, { extension: 'eu' }).href).toBe(
      'https://accounts.zoho.eu/oauth/v2/auth',
    );
    expect(buildProviderUrl(zoho.authorization_url!, { extension: 'com.au' }, { fields }).href).toBe(
      'https://accounts.zoho.com.au/oauth/v2/auth',
    );
    expect(refusal(() => buildProviderUrl(zoho.authorization_url!, { extension: 'com.au' })).code).toBe(
      'invalid_connection_config',
    );
    expect(
      refusal(() => buildProviderUrl(zoho.authorization_url!, { extension: 'evil.com' }, { fields })).code,
    ).toBe('invalid_connection_config');
    expect(buildProviderUrl(zoho.authorization_url!, {}).href).toBe(
      'https://accounts.zoho.com/oauth/v2/auth',
    );
    expect(
      buildProviderUrl(zoho.token_url as string, { 'accounts-server': 'https://accounts.zoho.com/' }).href,
    ).toBe('https://accounts.zoho.com/oauth/v2/token');
  });

  it('takes a host with a path from the field enum only (ModMed-style environments), keeping the host', () => {
    const template = 'https://${connectionConfig.environment}/firm/${connectionConfig.firm}';
    const fields = {
      environment: {
        type: 'string' as const,
        title: 'Environment',
        description: 'Where the firm lives',
        enum: ['stage.ema-api.test/ema-dev', 'prod.ema-api.test/ema-prod'],
      },
    };
    expect(
      buildProviderUrl(template, { environment: 'stage.ema-api.test/ema-dev', firm: 'acme' }, { fields })
        .href,
    ).toBe('https://stage.ema-api.test/ema-dev/firm/acme');
    // The same shape typed by an end user, or an enum-looking value outside the enum, is refused.
    for (const environment of ['stage.ema-api.test/ema-dev', 'evil.test/ema-dev']) {
      expect(refusal(() => buildProviderUrl(template, { environment, firm: 'acme' })).code).toBe(
        'invalid_connection_config',
      );
    }
    expect(
      refusal(() => buildProviderUrl(template, { environment: 'evil.test/x', firm: 'a' }, { fields })).code,
    ).toBe('invalid_connection_config');
  });

  it('encodes values in the path and query', () => {
    const url = buildProviderUrl(
      'https://api.example.com/t/${connectionConfig.tenant}?q=${connectionConfig.q}',
      {
        tenant: 'a/b?c',
        q: 'x&y=z',
      },
    );
    expect(url.href).toBe('https://api.example.com/t/a%2Fb%3Fc?q=x%26y%3Dz');
    expect(url.hostname).toBe('api.example.com');
    expect(
      refusal(() => buildProviderUrl('https://x.com/${connectionConfig.p}/y', { p: '..' })).errors,
    ).toEqual([expect.objectContaining({ path: ['params', 'p'] })]);
  });

  it('names every missing field', () => {
    const error = refusal(() => buildProviderUrl(zendesk.token_url as string, {}));
    expect(error.code).toBe('invalid_connection_config');
    expect(error.message).toContain('subdomain');
    expect(error.errors).toEqual([{ code: 'missing', message: 'is missing', path: ['params', 'subdomain'] }]);
  });

  const injections = [
    'evil.com/x?',
    'a.b',
    '../',
    '@',
    'a@b',
    'a b',
    '%2e%2e',
    'evil.com#',
    'x\\y',
    'ex\u0430mple',
    'evil.com:443',
    '-acme',
  ];
  it.each(injections)('refuses %j inside a host label', (value) => {
    const error = refusal(() => buildProviderUrl(zendesk.authorization_url!, { subdomain: value }));
    expect(error.code).toBe('invalid_connection_config');
    expect(error.message).toContain('subdomain');
    expect(error.errors?.[0]?.path).toEqual(['params', 'subdomain']);
  });

  it('refuses an empty value for a required host value', () => {
    const error = refusal(() => buildProviderUrl(zendesk.authorization_url!, { subdomain: '' }));
    expect(error.errors?.[0]).toMatchObject({ code: 'missing', path: ['params', 'subdomain'] });
  });

  it.each(injections.filter((value) => value !== 'a.b' && value !== 'evil.com:443'))(
    'refuses %j as a whole host',
    (value) => {
      const error = refusal(() => buildProviderUrl(salesforce.token_url as string, { hostname: value }));
      expect(error.errors?.[0]?.path).toEqual(['params', 'hostname']);
    },
  );

  it('accepts a hostname with a port as a whole host, but not a numeric form of another address', () => {
    expect(buildProviderUrl('https://${connectionConfig.host}/api', { host: 'git.acme.com:8443' }).href).toBe(
      'https://git.acme.com:8443/api',
    );
    const error = refusal(() => buildProviderUrl('https://${connectionConfig.host}/api', { host: '127.1' }));
    expect(error.errors?.[0]?.path).toEqual(['params', 'host']);
  });

  describe('a whole base URL such as instance_url', () => {
    const template = '${connectionConfig.instance_url}/services/data';
    const build = (instanceUrl: string, allowHttp = false) =>
      buildProviderUrl(template, { instance_url: instanceUrl }, { allowHttp });

    it('accepts an https URL and keeps its host', () => {
      expect(build('https://acme.my.salesforce.com').href).toBe(
        'https://acme.my.salesforce.com/services/data',
      );
      expect(build('https://acme.my.salesforce.com/').href).toBe(
        'https://acme.my.salesforce.com/services/data',
      );
    });

    it.each([
      'https://acme.my.salesforce.com?x=1',
      'https://acme.my.salesforce.com#x',
      'https://user:pass@acme.my.salesforce.com',
      'https://evil.com\\@acme.my.salesforce.com',
      'acme.my.salesforce.com',
      'ftp://acme.my.salesforce.com',
      'http://acme.my.salesforce.com',
    ])('refuses %j', (value) => {
      const error = refusal(() => build(value));
      expect(error.code).toBe('invalid_connection_config');
      expect(error.errors?.[0]?.path).toEqual(['params', 'instance_url']);
      expect(error.message).not.toContain(value);
    });

    it('accepts http only when allowed', () => {
      expect(build('http://127.0.0.1:4010', true).href).toBe('http://127.0.0.1:4010/services/data');
    });
  });
});
