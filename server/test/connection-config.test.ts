import { loadCatalog, type Provider } from '@latchkey/providers';
import { LatchkeyError } from '@latchkey/schema';
import { describe, expect, it } from 'vitest';
import {
  extractTokenResponseMetadata,
  validateConnectionConfig,
} from '../src/provider-requests/connection-config';

const catalog = loadCatalog();
const zendesk = catalog.get('zendesk')!;
const salesforce = catalog.get('salesforce')!;

/** A custom provider whose fields exercise pattern, format, enum and a path-only placeholder. */
const custom: Provider = {
  name: 'custom',
  display_name: 'Custom',
  docs: 'https://example.com/docs',
  auth_mode: 'OAUTH2',
  authorization_url: 'https://${connectionConfig.host}/oauth/authorize',
  token_url: 'https://${connectionConfig.host}/oauth/token/${connectionConfig.tenant}',
  connection_config: {
    host: { type: 'string', title: 'Host', description: 'Host', format: 'hostname' },
    tenant: { type: 'string', title: 'Tenant', description: 'Tenant', format: 'uuid' },
    code: { type: 'string', title: 'Code', description: 'Code', pattern: '^[A-Z]{3}$', optional: true },
    partial: {
      type: 'string',
      title: 'Partial',
      description: 'Unanchored',
      pattern: '[0-9]',
      optional: true,
    },
    spaced: { type: 'string', title: 'Spaced', description: 'Spaces', pattern: '^[a-z ]+$', optional: true },
    region: { type: 'string', title: 'Region', description: 'Region', enum: ['eu', 'us'], optional: true },
    mail: { type: 'string', title: 'Mail', description: 'Mail', format: 'email', optional: true },
    site: { type: 'string', title: 'Site', description: 'Site', format: 'uri', optional: true },
  },
};
const customBase = { host: 'id.acme.com', tenant: 'a1b2c3d4-e5f6-47a8-9b0c-d1234567890f' };

/** Runs `validate` and returns the LatchkeyError it throws. */
function refusal(validate: () => unknown): LatchkeyError {
  try {
    validate();
  } catch (error) {
    if (error instanceof LatchkeyError) return error;
    throw error;
  }
  throw new Error('expected a LatchkeyError');
}

/** The error names `field` and does not repeat `value` anywhere a client sees. */
function expectRefusedWithoutEcho(error: LatchkeyError, field: string, value: string) {
  expect(error.code).toBe('invalid_connection_config');
  expect(error.message).toContain(field);
  expect(error.errors?.map((entry) => entry.path)).toContainEqual(['params', field]);
  expect(JSON.stringify(error.toBody())).not.toContain(value);
}

describe('validateConnectionConfig', () => {
  it('accepts a Zendesk subdomain and trims it', () => {
    expect(validateConnectionConfig(zendesk, { subdomain: ' acme ' })).toEqual({ subdomain: 'acme' });
  });

  it.each([
    'evil.com/x?',
    'a.b',
    '../',
    '@',
    'a b',
    '%2e%2e',
    'evil.com#',
    'x\\y',
    'ex\u0430mple',
    'a\u0000b',
  ])('refuses %j as a Zendesk subdomain', (value) => {
    expectRefusedWithoutEcho(
      refusal(() => validateConnectionConfig(zendesk, { subdomain: value })),
      'subdomain',
      value,
    );
  });

  it('refuses host-breaking characters in a host field even when its pattern would let them through', () => {
    const loose: Provider = {
      ...zendesk,
      connection_config: { subdomain: { ...zendesk.connection_config!.subdomain!, pattern: '^.+$' } },
    };
    for (const value of ['evil.com/x', 'a@b', 'x?y', 'x#y', '%41', 'x\\y']) {
      expectRefusedWithoutEcho(
        refusal(() => validateConnectionConfig(loose, { subdomain: value })),
        'subdomain',
        value,
      );
    }
  });

  it('matches the pattern as written (anchors come with the pattern)', () => {
    expect(validateConnectionConfig(custom, { ...customBase, code: 'ABC' }).code).toBe('ABC');
    expect(refusal(() => validateConnectionConfig(custom, { ...customBase, code: 'ABCD' })).errors).toEqual([
      { code: 'invalid_format', message: 'does not match the expected pattern', path: ['params', 'code'] },
    ]);
    expect(validateConnectionConfig(custom, { ...customBase, partial: 'x1y' }).partial).toBe('x1y');
  });

  it('refuses whitespace unless the pattern accepts it', () => {
    expect(validateConnectionConfig(custom, { ...customBase, spaced: 'two words' }).spaced).toBe('two words');
    expectRefusedWithoutEcho(
      refusal(() => validateConnectionConfig(custom, { ...customBase, region: 'e u' })),
      'region',
      'e u',
    );
  });

  it("accepts whitespace in a value no URL uses (a JWT claim such as App Store's scope)", () => {
    const store = {
      name: 'store',
      display_name: 'Store',
      docs: 'https://example.com/docs',
      auth_mode: 'JWT',
      connection_config: {
        scope: { type: 'string', title: 'Scope', description: 'Claim' },
        region: { type: 'string', title: 'Region', description: 'Host label' },
      },
      proxy: { base_url: 'https://${connectionConfig.region}.example.com' },
    } as unknown as Provider;
    expect(validateConnectionConfig(store, { scope: 'GET /v1/apps', region: 'eu' }).scope).toBe(
      'GET /v1/apps',
    );
    expectRefusedWithoutEcho(
      refusal(() => validateConnectionConfig(store, { scope: 'x', region: 'e u' })),
      'region',
      'e u',
    );
  });

  it('does not apply a pattern JavaScript cannot compile (Nango accepts such entries), and does not fail', () => {
    const odd = {
      name: 'odd',
      display_name: 'Odd',
      docs: 'https://example.com/docs',
      auth_mode: 'API_KEY',
      connection_config: { team: { type: 'string', title: 'Team', description: 'Team', pattern: '[a-' } },
      proxy: { base_url: 'https://api.example.com/${connectionConfig.team}' },
    } as unknown as Provider;
    expect(validateConnectionConfig(odd, { team: 'anything' }).team).toBe('anything');
  });

  it('checks format and enum', () => {
    const good = { region: 'eu', mail: 'a@acme.com', site: 'https://acme.com/x' };
    expect(validateConnectionConfig(custom, { ...customBase, ...good })).toEqual({ ...customBase, ...good });
    const bad = {
      host: 'not a host!',
      tenant: 'zz-not-uuid',
      region: 'mars',
      mail: 'nobody',
      site: 'http://acme.com',
    };
    const error = refusal(() => validateConnectionConfig(custom, bad));
    expect(new Set(error.errors?.map((entry) => entry.path[1]))).toEqual(new Set(Object.keys(bad)));
  });

  it('requires declared fields used by the authorization URLs, unless partial', () => {
    const error = refusal(() => validateConnectionConfig(zendesk, {}));
    expect(error.errors).toEqual([{ code: 'missing', message: 'is missing', path: ['params', 'subdomain'] }]);
    expect(refusal(() => validateConnectionConfig(zendesk, { subdomain: '  ' })).errors?.[0]?.code).toBe(
      'missing',
    );
    expect(validateConnectionConfig(zendesk, {}, { partial: true })).toEqual({});
    // Optional (hostname) and automated (instance_url) fields are never required.
    expect(validateConnectionConfig(salesforce, {})).toEqual({});
  });

  it('reports every problem at once', () => {
    const error = refusal(() => validateConnectionConfig(custom, { tenant: 'nope', code: 5 }));
    expect(error.errors?.map((entry) => entry.path[1]).sort()).toEqual(['code', 'host', 'tenant']);
    expect(error.message).toMatch(/^Invalid connection configuration: /);
  });

  it('drops webhook_url silently and keeps undeclared strings', () => {
    const result = validateConnectionConfig(zendesk, {
      subdomain: 'acme',
      webhook_url: 12,
      oauth_scopes_override: 'read write',
    });
    expect(result).toEqual({ subdomain: 'acme', oauth_scopes_override: 'read write' });
  });

  it('refuses non-string values and bad undeclared values without echoing them', () => {
    const secret = 'distinctive-secret-4711';
    expectRefusedWithoutEcho(
      refusal(() => validateConnectionConfig(zendesk, { subdomain: 'acme', extra: { secret } })),
      'extra',
      secret,
    );
    expectRefusedWithoutEcho(
      refusal(() =>
        validateConnectionConfig(zendesk, { subdomain: 'acme', extra: `${secret}\n${'x'.repeat(2000)}` }),
      ),
      'extra',
      secret,
    );
    expectRefusedWithoutEcho(
      refusal(() => validateConnectionConfig(zendesk, { subdomain: `${secret}.evil.com/` })),
      'subdomain',
      secret,
    );
  });

  it('keeps __proto__ a plain key', () => {
    const input = JSON.parse('{"subdomain":"acme","__proto__":"x"}') as Record<string, unknown>;
    const result = validateConnectionConfig(zendesk, input);
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Object.hasOwn(result, '__proto__')).toBe(true);
  });
});

describe('extractTokenResponseMetadata', () => {
  it('copies strings and booleans from token_response_metadata keys, dot paths included', () => {
    const provider: Provider = {
      ...salesforce,
      token_response_metadata: ['instance_url', 'team.id', 'is_sandbox', 'count', 'absent', 'flat.key'],
    };
    const metadata = extractTokenResponseMetadata(provider, {
      access_token: 'secret',
      instance_url: 'https://acme.my.salesforce.com',
      team: { id: 'T1' },
      is_sandbox: false,
      count: 3,
      'flat.key': 'flat',
    });
    expect(metadata).toEqual({
      instance_url: 'https://acme.my.salesforce.com',
      'team.id': 'T1',
      is_sandbox: 'false',
      'flat.key': 'flat',
    });
  });
});

describe('defaults and fields the API base URL needs', () => {
  const api: Provider = {
    name: 'api',
    display_name: 'API',
    docs: 'https://example.com/docs',
    auth_mode: 'API_KEY',
    proxy: { base_url: 'https://${connectionConfig.region}.api.example/${connectionConfig.tenant}' },
    connection_config: {
      region: {
        type: 'string',
        title: 'Region',
        description: 'Region',
        enum: ['eu', 'us'],
        default_value: 'us',
      },
      tenant: { type: 'string', title: 'Tenant', description: 'Tenant', pattern: '^[a-z]+$' },
    },
    credentials: { apiKey: { type: 'string', title: 'Key', description: 'Key' } },
  };

  it('fills a declared default and requires a field the base URL uses', () => {
    expect(validateConnectionConfig(api, { tenant: 'acme' })).toEqual({ tenant: 'acme', region: 'us' });
    expect(validateConnectionConfig(api, { tenant: 'acme', region: 'eu' })).toEqual({
      tenant: 'acme',
      region: 'eu',
    });
    expect(refusal(() => validateConnectionConfig(api, {})).errors).toEqual([
      { code: 'missing', message: 'is missing', path: ['params', 'tenant'] },
    ]);
  });
});
