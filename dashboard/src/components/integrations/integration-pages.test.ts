/**
 * The integrations pages' pure parts: the client-side checks must agree with the server's schemas (they are copies,
 * to keep zod out of the first load), and the catalog search must find providers by display name.
 */
import { SCOPES_LIST_PATTERN, UNIQUE_KEY_PATTERN } from '@latchkey/schema';
import { describe, expect, it } from 'vitest';
import { defaultIntegrationKey } from './integration-create-form';
import { integrationKeyProblem, joinScopes, scopesProblem } from './integration-input';
import { filterProviders } from './provider-catalog';
import { checkProviderDefinition } from './provider-definition-check';
import type { ProviderOutput } from './provider-view';
import { callbackUrlFor, publicUrlFromLogo } from './public-url';

const provider = (name: string, display_name: string, categories: string[] = []) =>
  ({
    name,
    display_name,
    logo_url: `http://x/images/template-logos/${name}.svg`,
    custom: false,
    categories,
  }) as ProviderOutput;

describe('integration form checks', () => {
  it.each(['github', 'my key', 'a~b:c.d@e_f-g', 'é', 'a/b', '', 'x'.repeat(256)])(
    'agrees with uniqueKeySchema on %j',
    (key) => {
      const server = key.length >= 1 && key.length <= 255 && UNIQUE_KEY_PATTERN.test(key);
      expect(integrationKeyProblem(key) === null).toBe(server);
    },
  );

  it.each(['read', 'read, write', 'a:b/c.d*', 'bad scope!', 'x,,y'])(
    'sends scopes the server accepts: %j',
    (value) => {
      if (scopesProblem(value) === null && joinScopes(value) !== '') {
        expect(SCOPES_LIST_PATTERN.test(joinScopes(value))).toBe(true);
      }
    },
  );

  it('defaults the integration ID to the first free name', () => {
    expect(defaultIntegrationKey('github', new Set())).toBe('github');
    expect(defaultIntegrationKey('github', new Set(['github', 'github-2']))).toBe('github-3');
  });
});

describe('callback URL', () => {
  it('is the custom callback URL, else the public URL read from a logo URL', () => {
    const publicUrl = publicUrlFromLogo('https://lk.example.com/base/images/template-logos/github.svg');
    expect(publicUrl).toBe('https://lk.example.com/base');
    expect(callbackUrlFor(null, publicUrl!)).toBe('https://lk.example.com/base/oauth/callback');
    expect(callbackUrlFor('https://app.example.com/cb', publicUrl!)).toBe('https://app.example.com/cb');
  });
});

describe('catalog search', () => {
  const providers = [
    provider('github', 'GitHub (User OAuth)', ['dev-tools']),
    provider('salesforce', 'Salesforce', ['crm']),
    provider('hubspot', 'HubSpot', ['crm', 'marketing']),
  ];
  it('finds a provider by display name, case-insensitively, within a category', () => {
    expect(filterProviders(providers, 'github (user', undefined).map((p) => p.name)).toEqual(['github']);
    expect(filterProviders(providers, 'sPot', undefined).map((p) => p.name)).toEqual(['hubspot']);
    expect(filterProviders(providers, '', 'crm').map((p) => p.name)).toEqual(['hubspot', 'salesforce']);
  });
});

describe('custom provider definition check', () => {
  it('lists problems at their paths, unknown keys included', () => {
    const check = checkProviderDefinition('{"name":"x","display_name":"X","docs":"nope","bogus":1}', {
      named: true,
    });
    expect(check.ok).toBe(false);
    const paths = check.ok ? [] : check.problems.map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['docs', 'bogus']));
  });

  it('reports where the JSON breaks', () => {
    const check = checkProviderDefinition('{\n  "name": "x",\n}', { named: true });
    expect(check.ok ? '' : check.problems[0]!.message).toMatch(/line 3/);
  });

  it('accepts a valid definition and applies the catalog rules', () => {
    const valid = {
      name: 'acme',
      display_name: 'Acme',
      docs: 'https://example.com',
      auth_mode: 'OAUTH2',
      authorization_url: 'https://acme.example.com/authorize',
      token_url: 'https://acme.example.com/token',
    };
    expect(checkProviderDefinition(JSON.stringify(valid), { named: true }).ok).toBe(true);
    const broken = { ...valid, token_url: 'https://${connectionConfig.subdomain}.acme.example.com/token' };
    const check = checkProviderDefinition(JSON.stringify(broken), { named: true });
    expect(check.ok ? [] : check.problems.map((p) => p.path)).toContain('token_url');
  });
});
