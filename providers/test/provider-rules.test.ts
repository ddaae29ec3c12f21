import { describe, expect, it } from 'vitest';
import { resolveAlias } from '../src/catalog';
import { findPlaceholders } from '../src/placeholders';
import { checkProviderRules } from '../src/provider.rules';
import { type Provider, providerDefinitionSchema } from '../src/provider.schema';

const base: Provider = {
  name: 'acme',
  display_name: 'Acme',
  docs: 'https://acme.example/docs',
  auth_mode: 'OAUTH2',
  authorization_url: 'https://acme.example/oauth/authorize',
  token_url: 'https://acme.example/oauth/token',
};

describe('provider rules', () => {
  it('passes a well-formed entry', () => {
    expect(checkProviderRules(base)).toEqual([]);
  });

  it('flags a placeholder that is not declared, and a declared field nobody uses', () => {
    const problems = checkProviderRules({
      ...base,
      authorization_url: 'https://${connectionConfig.subdomain}.acme.example/authorize',
      connection_config: { region: { type: 'string', title: 'Region', description: 'Region' } },
    });
    expect(problems).toEqual([
      'authorization_url: ${connectionConfig.subdomain} is not declared in connection_config',
      'connection_config.region: declared but used by no URL, parameter or proxy setting',
    ]);
  });

  it('accepts token_response_metadata as a declaration', () => {
    expect(
      checkProviderRules({
        ...base,
        token_response_metadata: ['instance_url'],
        proxy: { base_url: '${connectionConfig.instance_url}' },
      }),
    ).toEqual([]);
  });

  it('flags plain http unless loopback is allowed, and never allows a public http host', () => {
    const local = { ...base, token_url: 'http://127.0.0.1:4010/token' };
    expect(checkProviderRules(local)).toEqual(['token_url: http://127.0.0.1:4010/token is not an https URL']);
    expect(checkProviderRules(local, { allowHttpLoopback: true })).toEqual([]);
    expect(
      checkProviderRules({ ...base, token_url: 'http://acme.example/token' }, { allowHttpLoopback: true }),
    ).toHaveLength(1);
    expect(
      checkProviderRules(
        { ...base, token_url: 'http://127.0.0.1.evil.example/token' },
        { allowHttpLoopback: true },
      ),
    ).toHaveLength(1);
  });

  it('holds the revocation URL to the same rules: https, declared placeholders', () => {
    expect(checkProviderRules({ ...base, revocation_url: 'https://acme.example/oauth/revoke' })).toEqual([]);
    expect(checkProviderRules({ ...base, revocation_url: 'http://acme.example/oauth/revoke' })).toEqual([
      'revocation_url: http://acme.example/oauth/revoke is not an https URL',
    ]);
    expect(
      checkProviderRules({
        ...base,
        revocation_url: 'https://${connectionConfig.tenant}.acme.example/revoke',
      }),
    ).toEqual(['revocation_url: ${connectionConfig.tenant} is not declared in connection_config']);
  });

  it('checks each side of a || fallback', () => {
    const problems = checkProviderRules({
      ...base,
      authorization_url: 'https://a.example/x || http://b.example/x',
    });
    expect(problems).toEqual(['authorization_url: http://b.example/x is not an https URL']);
  });

  it('requires credentials.apiKey for API_KEY and forbids credential declarations on OAuth modes', () => {
    expect(
      checkProviderRules({ name: 'k', display_name: 'K', docs: 'https://k.example', auth_mode: 'API_KEY' }),
    ).toEqual(['credentials.apiKey: required for auth_mode API_KEY']);
    const declared = { apiKey: { type: 'string' as const, title: 'Key', description: 'Key' } };
    expect(checkProviderRules({ ...base, credentials: declared })).toEqual([
      'credentials: auth_mode OAUTH2 takes no credential declarations',
    ]);
  });

  it('only lets credential placeholders into proxy settings', () => {
    expect(checkProviderRules({ ...base, token_params: { key: '${credentials.apiKey}' } })).toEqual([
      'token_params: credential placeholders may only be used in proxy settings',
    ]);
  });

  it('resolves an alias with a shallow merge, its own fields winning', () => {
    const resolved = resolveAlias(
      'acme-eu',
      { alias: 'acme', display_name: 'Acme EU', docs: 'https://acme.example/eu' },
      () => base,
    );
    expect(resolved).toMatchObject({
      name: 'acme-eu',
      display_name: 'Acme EU',
      token_url: base.token_url,
      auth_mode: 'OAUTH2',
    });
    expect(
      resolveAlias('x', { alias: 'missing', display_name: 'X', docs: 'https://x.example' }, () => undefined),
    ).toBe('alias missing names no provider');
  });

  it('rejects unknown keys and bad field declarations', () => {
    expect(providerDefinitionSchema.safeParse({ ...base, name: undefined, surprise: 1 }).success).toBe(false);
    const badField = {
      ...base,
      name: undefined,
      connection_config: { x: { type: 'number', title: 'X', description: 'X' } },
    };
    expect(providerDefinitionSchema.safeParse(badField).success).toBe(false);
    const badPattern = {
      ...base,
      name: undefined,
      connection_config: { x: { type: 'string', title: 'X', description: 'X', pattern: '([' } },
    };
    expect(providerDefinitionSchema.safeParse(badPattern).success).toBe(false);
  });
});

describe('placeholders', () => {
  it('finds nested helper calls and classifies each', () => {
    expect(
      findPlaceholders('Basic ${base64(${apiKey}:)} ${connectionConfig.a.b} ${credentials.token}'),
    ).toEqual([
      { expression: 'base64(${apiKey}:)', kind: 'function', name: 'base64' },
      { expression: 'apiKey', kind: 'bare', name: 'apiKey' },
      { expression: 'connectionConfig.a.b', kind: 'connectionConfig', name: 'a.b' },
      { expression: 'credentials.token', kind: 'credentials', name: 'token' },
    ]);
  });

  it('ignores an unterminated placeholder', () => {
    expect(findPlaceholders('https://${connectionConfig.x')).toEqual([]);
  });
});
