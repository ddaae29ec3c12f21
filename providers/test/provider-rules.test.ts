import { describe, expect, it } from 'vitest';
import { resolveAlias } from '../src/catalog';
import { findPlaceholders } from '../src/placeholders';
import { checkProviderRules } from '../src/provider.rules';
import { type Provider, type ProviderDefinition, providerDefinitionSchema } from '../src/provider.schema';
import { compileFieldPattern } from '../src/provider-fields.schema';

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

  it('flags an undeclared placeholder in any field, and a declaration when nothing references the config', () => {
    const region = { type: 'string' as const, title: 'Region', description: 'Region' };
    expect(
      checkProviderRules({
        ...base,
        token_headers: { 'x-tenant': '${connectionConfig.tenant}' },
        connection_config: { region },
      }),
    ).toEqual(['token_headers: ${connectionConfig.tenant} is not declared in connection_config']);
    expect(checkProviderRules({ ...base, connection_config: { region } })).toEqual([
      'connection_config: declared but used by no URL, parameter or proxy setting',
    ]);
  });

  it("follows Nango's unused-config rule: one reference is enough; aliases, MCP generic and SigV4 are exempt", () => {
    const field = { type: 'string' as const, title: 'X', description: 'X' };
    const used = {
      ...base,
      authorization_url: 'https://${connectionConfig.subdomain}.acme.example/authorize',
      connection_config: { subdomain: field, onlyForScripts: field },
    };
    expect(checkProviderRules(used)).toEqual([]);
    expect(checkProviderRules({ ...base, alias: 'acme', connection_config: { x: field } })).toEqual([]);
    expect(
      checkProviderRules({
        name: 'mcp',
        display_name: 'MCP',
        docs: 'https://mcp.example',
        auth_mode: 'MCP_OAUTH2_GENERIC',
        connection_config: { server_url: field },
      }),
    ).toEqual([]);
    expect(
      checkProviderRules({
        name: 'aws',
        display_name: 'AWS',
        docs: 'https://aws.example',
        auth_mode: 'AWS_SIGV4',
        connection_config: { region: field },
        credentials: { role_arn: field },
      }),
    ).toEqual([]);
    expect(checkProviderRules({ ...base, connection_config: { id: { ...field, automated: true } } })).toEqual(
      [],
    );
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

  it('lets credential placeholders into token requests, not only the proxy', () => {
    expect(
      checkProviderRules({
        ...base,
        auth_mode: 'OAUTH2_CC',
        token_url: 'https://acme.example/token?key=${credentials.apiKey}',
        token_params: { key: '${credentials.apiKey}', account: '${credentials.raw.accountID}' },
        token_headers: { authorization: 'Basic ${base64(${credentials.username}:${credentials.password})}' },
      }),
    ).toEqual([]);
  });

  it("knows Nango's template functions and clock forms, and flags others", () => {
    const headers = {
      date: '${now:ddd, DD MMM YYYY HH:mm:ss ZZ}',
      expires: '${now+1:minutes:X}',
      stamp: '${now}',
      authorization:
        '${awsSigV4(${credentials.username}, ${credentials.password}, ${connectionConfig.region}, s3)}',
      digest: '${sha256Hex(${base64(${random}${endpoint})})} ${sha256Base64(x)} ${hmacSha1Hex(a, b)}',
      sign: '${ed25519Sign(${method} ${host}${path})} ${fingerprint(${credentials.privateKey})}',
    };
    const region = { region: { type: 'string' as const, title: 'Region', description: 'Region' } };
    expect(
      checkProviderRules({
        ...base,
        connection_config: region,
        proxy: { base_url: 'https://a.example', headers },
      }),
    ).toEqual([]);
    expect(
      checkProviderRules({
        ...base,
        proxy: { base_url: 'https://a.example', headers: { x: '${md5(${apiKey})}' } },
      }),
    ).toEqual(['proxy: unknown template function md5()']);
  });

  it('checks the URLs Latchkey calls, not documentation links (a Nango entry has http docs)', () => {
    expect(checkProviderRules({ ...base, docs: 'http://acme.example/docs' })).toEqual([]);
    expect(
      checkProviderRules({
        ...base,
        auth_mode: 'TWO_STEP',
        additional_steps: [{ token_url: '${step1.gateway}/token' }, { token_url: 'http://acme.example/2' }],
        registration_url: 'http://acme.example/register',
      }),
    ).toEqual([
      'registration_url: http://acme.example/register is not an https URL',
      'additional_steps.1.token_url: http://acme.example/2 is not an https URL',
    ]);
  });

  it("applies Nango's credential declaration rules by mode", () => {
    const field = { type: 'string' as const, title: 'X', description: 'X' };
    const entry = (auth_mode: Provider['auth_mode'], credentials?: Provider['credentials']): Provider => ({
      name: 'm',
      display_name: 'M',
      docs: 'https://m.example',
      auth_mode,
      token_url: 'https://m.example/token',
      ...(credentials === undefined ? {} : { credentials }),
    });
    // Nango has BASIC entries without credential declarations.
    expect(checkProviderRules(entry('BASIC'))).toEqual([]);
    for (const mode of ['OAUTH2_CC', 'TWO_STEP', 'JWT', 'SIGNATURE', 'BASIC'] as const) {
      expect(checkProviderRules(entry(mode, { clientId: field })), mode).toEqual([]);
    }
    for (const mode of ['APP', 'CUSTOM', 'TBA', 'BILL', 'INSTALL_PLUGIN', 'NONE', 'MCP_OAUTH2'] as const) {
      expect(checkProviderRules(entry(mode, { clientId: field })), mode).toEqual([
        `credentials: auth_mode ${mode} takes no credential declarations`,
      ]);
    }
    expect(checkProviderRules(entry('AWS_SIGV4', {}))).toEqual([
      'credentials.role_arn: required for auth_mode AWS_SIGV4',
    ]);
    expect(checkProviderRules(entry('APP_STORE', { issuerId: field }))).toEqual([
      'credentials.privateKeyId: required for auth_mode APP_STORE',
      'credentials.privateKey: required for auth_mode APP_STORE',
    ]);
  });

  it('requires the URLs a mode cannot run without, as far as every Nango entry has them', () => {
    const { authorization_url: _, ...withoutAuthorization } = base;
    expect(checkProviderRules(withoutAuthorization)).toEqual([
      'authorization_url: required for auth_mode OAUTH2',
    ]);
    // An outbound installation starts at the provider; a client-credentials entry may name no token URL.
    expect(checkProviderRules({ ...withoutAuthorization, installation: 'outbound' })).toEqual([]);
    expect(
      checkProviderRules({ name: 'c', display_name: 'C', docs: 'https://c.example', auth_mode: 'OAUTH2_CC' }),
    ).toEqual([]);
    expect(
      checkProviderRules({ name: 't', display_name: 'T', docs: 'https://t.example', auth_mode: 'TWO_STEP' }),
    ).toEqual(['token_url: required for auth_mode TWO_STEP']);
  });

  it('verification and a verification script exclude each other', () => {
    expect(
      checkProviderRules({
        ...base,
        credentials_verification_script: 'check',
        proxy: { base_url: 'https://a.example', verification: { endpoints: ['/me'] } },
      }),
    ).toEqual(['proxy.verification and credentials_verification_script are mutually exclusive']);
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
    ).toBe('alias: missing names no provider');
  });

  it('follows alias chains and refuses cycles', () => {
    const definitions: Record<string, ProviderDefinition> = {
      acme: base,
      'acme-eu': {
        alias: 'acme',
        display_name: 'Acme EU',
        docs: 'https://acme.example/eu',
        scope_separator: ',',
      },
      'acme-eu-test': { alias: 'acme-eu', display_name: 'Acme EU test', docs: 'https://acme.example/t' },
      loop1: { alias: 'loop2', display_name: 'L1', docs: 'https://l.example' },
      loop2: { alias: 'loop1', display_name: 'L2', docs: 'https://l.example' },
      dangling: { alias: 'acme-gone', display_name: 'D', docs: 'https://d.example' },
      'via-dangling': { alias: 'dangling', display_name: 'V', docs: 'https://d.example' },
    };
    const lookup = (name: string) => definitions[name];
    expect(resolveAlias('acme-eu-test', definitions['acme-eu-test']!, lookup)).toMatchObject({
      name: 'acme-eu-test',
      display_name: 'Acme EU test',
      scope_separator: ',',
      token_url: base.token_url,
      alias: 'acme-eu',
    });
    expect(resolveAlias('loop1', definitions.loop1!, lookup)).toBe('alias: a cycle, loop1 -> loop2 -> loop1');
    expect(resolveAlias('via-dangling', definitions['via-dangling']!, lookup)).toBe(
      'alias: acme-gone (through dangling) names no provider',
    );
  });

  it('rejects unknown keys and bad field declarations', () => {
    const { name: _, ...definition } = base;
    expect(providerDefinitionSchema.safeParse({ ...definition, surprise: 1 }).success).toBe(false);
    const badField = {
      ...definition,
      connection_config: { x: { type: 'number', title: 'X', description: 'X' } },
    };
    expect(providerDefinitionSchema.safeParse(badField).success).toBe(false);
    const unknownNested = { ...definition, token_response: { token: 'a', expires: 'b' } };
    expect(providerDefinitionSchema.safeParse(unknownNested).success).toBe(false);
  });

  it("takes what Nango's schema takes: empty titles, patterns JavaScript cannot compile, numbers in header maps", () => {
    const { name: _, ...definition } = base;
    const parsed = providerDefinitionSchema.parse({
      ...definition,
      connection_config: {
        'installation.uuid': { type: 'string', title: '', description: '', order: 1.5 },
        key2: { type: 'string', title: 'K', description: 'K', pattern: '^[a-z\\\\-+=]+$' },
      },
      token_headers: { 'x-version': 2, 'x-debug': false },
      token_params: { request: { control: { id: '${now}', whitespace: false } } },
    });
    expect(parsed.token_headers).toEqual({ 'x-version': '2', 'x-debug': 'false' });
    expect(parsed.token_params?.request).toEqual({ control: { id: '${now}', whitespace: false } });
    expect(compileFieldPattern(parsed.connection_config!.key2!.pattern!)).toBeUndefined();
    expect(compileFieldPattern('^[a-z]+$')?.test('abc')).toBe(true);
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

  it('classifies clock forms as the now function, and config, credential, assertion and step references', () => {
    expect(
      findPlaceholders(
        '${now} ${now:YYYY} ${now+7:days:X} ${assertionOption.key} ${step2.token} ${random}',
      ).map(({ kind, name }) => [kind, name]),
    ).toEqual([
      ['function', 'now'],
      ['function', 'now'],
      ['function', 'now'],
      ['assertionOption', 'key'],
      ['step', 'step2.token'],
      ['bare', 'random'],
    ]);
  });

  it('ignores an unterminated placeholder', () => {
    expect(findPlaceholders('https://${connectionConfig.x')).toEqual([]);
  });
});
