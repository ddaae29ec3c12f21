/**
 * A whole providers file in Nango's format: the fixture (every auth mode, every field) passes entry by entry, parsing
 * is safe (no custom tags, bounded aliases), and one bad entry is refused with its reason beside the others.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../src/catalog';
import { collectStrings } from '../src/placeholders';
import { AUTH_MODES, FOREIGN_AUTH_MODES, providerDefinitionShape } from '../src/provider.schema';
import {
  checkProvidersFile,
  ProvidersFileError,
  parseProvidersFile,
  providersFileFormat,
} from '../src/providers-file';

const FIXTURE = new URL('./fixtures/nango-format.yaml', import.meta.url);
const catalog = loadCatalog();
const fromCatalog = (name: string) => catalog.get(name);

describe('the Nango-format fixture', () => {
  const entries = parseProvidersFile(readFileSync(FIXTURE, 'utf8'), 'yaml');
  const check = checkProvidersFile(entries, { lookup: fromCatalog });

  it('is accepted entry by entry, aliases resolved (in the file, in a chain, and of a shipped provider)', () => {
    expect(check.refused).toEqual([]);
    expect(check.accepted.map((a) => a.name)).toEqual(Object.keys(entries));
    const byName = new Map(check.accepted.map((a) => [a.name, a]));
    expect(byName.get('wombat-eu-sandbox')?.provider).toMatchObject({
      display_name: 'Wombat (EU sandbox)',
      auth_mode: 'OAUTH2',
      alias: 'wombat-eu',
      scope_separator: ' ',
    });
    expect(byName.get('wombat-for-github')?.provider).toMatchObject({
      auth_mode: 'OAUTH2',
      token_url: catalog.get('github')?.token_url,
      default_scopes: ['repo'],
    });
    // What is stored is the entry as written: the alias is resolved again whenever it is read.
    expect(byName.get('wombat-eu')?.definition).not.toHaveProperty('token_url');
  });

  it('uses every auth mode Nango has', () => {
    const modes = new Set(check.accepted.map((a) => a.provider.auth_mode));
    expect([...modes].sort()).toEqual([...AUTH_MODES, ...FOREIGN_AUTH_MODES].sort());
  });

  it('uses every field of an entry', () => {
    const used = new Set(Object.values(entries).flatMap((entry) => Object.keys(entry as object)));
    expect(Object.keys(providerDefinitionShape).filter((key) => !used.has(key))).toEqual([]);
    const proxyKeys = new Set(
      Object.values(entries).flatMap((entry) => Object.keys((entry as { proxy?: object }).proxy ?? {})),
    );
    expect([...proxyKeys].sort()).toEqual(
      [
        'base_url',
        'body',
        'connection_config',
        'decompress',
        'forward_headers_on_redirect',
        'headers',
        'paginate',
        'query',
        'retry',
        'verification',
      ].sort(),
    );
  });

  it('reads the same as JSON', () => {
    const asJson = parseProvidersFile(JSON.stringify(entries), 'json');
    expect(asJson).toEqual(entries);
    expect(checkProvidersFile(asJson, { lookup: fromCatalog }).accepted).toHaveLength(check.accepted.length);
  });

  it('keeps header values written as numbers as text', () => {
    const potoroo = check.accepted.find((a) => a.name === 'potoroo-session')!;
    expect(potoroo.definition.token_headers?.['x-potoroo-version']).toBe('2');
    expect(collectStrings(potoroo.definition.token_params)).toContain('${now:YYYY-MM-DDTHH:mm:ss}');
  });
});

describe('checking a providers file', () => {
  const entry = (extra: Record<string, unknown> = {}) => ({
    display_name: 'Acme',
    docs: 'https://acme.example/docs',
    auth_mode: 'API_KEY',
    credentials: { apiKey: { type: 'string', title: 'Key', description: 'Key' } },
    proxy: { base_url: 'https://api.acme.example' },
    ...extra,
  });

  it('refuses a bad entry with path: message and keeps the others', () => {
    const check = checkProvidersFile({
      good: entry(),
      typo: entry({ auth_mod: 'API_KEY' }),
      insecure: entry({ proxy: { base_url: 'http://api.acme.example' } }),
      'Bad Name': entry(),
      'no-key': entry({ credentials: {} }),
    });
    expect(check.accepted.map((a) => a.name)).toEqual(['good']);
    expect(check.refused).toEqual([
      { name: 'typo', reason: 'auth_mod: not a known field' },
      { name: 'Bad Name', reason: 'name: lower-case letters, digits and dashes, at most 64 characters' },
      { name: 'insecure', reason: 'proxy.base_url: http://api.acme.example is not an https URL' },
      { name: 'no-key', reason: 'credentials.apiKey: required for auth_mode API_KEY' },
    ]);
  });

  it('refuses aliases to nothing, cycles, and aliases of a refused entry of the file', () => {
    const check = checkProvidersFile(
      {
        broken: entry({ proxy: { base_url: 'http://x.example' } }),
        // Its own proxy passes the rules, but it would be stored pointing at an entry that is not.
        'of-broken': {
          alias: 'broken',
          display_name: 'A',
          docs: 'https://a.example',
          proxy: { base_url: 'https://a.example' },
        },
        'of-of-broken': { alias: 'of-broken', display_name: 'B', docs: 'https://b.example' },
        'schema-broken': { display_name: 1, docs: 'https://a.example' },
        'of-schema-broken': { alias: 'schema-broken', display_name: 'C', docs: 'https://c.example' },
        'to-nothing': { alias: 'no-such-provider', display_name: 'D', docs: 'https://d.example' },
        ping: { alias: 'pong', display_name: 'P', docs: 'https://p.example' },
        pong: { alias: 'ping', display_name: 'Q', docs: 'https://q.example' },
      },
      { lookup: fromCatalog },
    );
    expect(check.accepted).toEqual([]);
    expect(Object.fromEntries(check.refused.map((r) => [r.name, r.reason]))).toEqual({
      broken: 'proxy.base_url: http://x.example is not an https URL',
      'of-broken': 'alias: broken is refused in this file',
      'of-of-broken': 'alias: of-broken is refused in this file',
      'schema-broken': 'display_name: Invalid input: expected string, received number',
      'of-schema-broken': 'alias: schema-broken is refused in this file',
      'to-nothing': 'alias: no-such-provider names no provider',
      ping: 'alias: a cycle, ping -> pong -> ping',
      pong: 'alias: a cycle, pong -> ping -> pong',
    });
  });

  it('skips the names it is told to, and resolves their aliases outside the file', () => {
    const check = checkProvidersFile(
      {
        github: entry(),
        'my-github': { alias: 'github', display_name: 'Mine', docs: 'https://m.example' },
      },
      { skip: (name) => catalog.get(name) !== undefined, lookup: fromCatalog },
    );
    expect(check.skipped).toEqual(['github']);
    expect(check.accepted[0]?.provider.auth_mode).toBe(catalog.get('github')?.auth_mode);
  });
});

describe('parsing a providers file', () => {
  const fails = (text: string, format: 'yaml' | 'json' = 'yaml') => {
    try {
      parseProvidersFile(text, format);
    } catch (error) {
      expect(error).toBeInstanceOf(ProvidersFileError);
      return (error as Error).message;
    }
    throw new Error('expected a ProvidersFileError');
  };

  it('reports YAML syntax errors with their position', () => {
    expect(fails('acme:\n  display_name: [Acme\n')).toMatch(/line \d+, column \d+/);
    expect(fails('acme: {}\nacme: {}\n')).toMatch(/Map keys must be unique/);
    expect(fails('a: {}\n---\nb: {}\n')).toMatch(/multiple documents/);
  });

  it('refuses custom tags instead of reading them as strings', () => {
    expect(fails('acme:\n  display_name: !!js/function "x"\n')).toMatch(/Unresolved tag/);
    expect(fails('acme: !include other.yaml\n')).toMatch(/Unresolved tag/);
  });

  it('allows anchors and merge keys but bounds their expansion (billion laughs)', () => {
    const merged = parseProvidersFile(
      'base: &base\n  docs: https://a.example\n  display_name: A\nother:\n  <<: *base\n  display_name: B\n',
      'yaml',
    );
    expect(merged.other).toEqual({ docs: 'https://a.example', display_name: 'B' });
    let bomb = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < 10; i++)
      bomb += `a${i}: &a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(', ')}]\n`;
    expect(fails(bomb)).toMatch(/Excessive alias count/);
  });

  it('wants a map of name to entry', () => {
    for (const text of ['', '- a\n- b\n', 'just text\n']) {
      expect(fails(text)).toBe('A providers file is a map of provider name to provider entry.');
    }
    expect(fails('{"a": ', 'json')).toMatch(/JSON/);
    expect(fails('[]', 'json')).toBe('A providers file is a map of provider name to provider entry.');
  });

  it('tells the format from a file name or content type', () => {
    expect(providersFileFormat('providers.json')).toBe('json');
    expect(providersFileFormat('application/json; charset=utf-8')).toBe('json');
    expect(providersFileFormat('providers.yaml')).toBe('yaml');
    expect(providersFileFormat('text/yaml')).toBe('yaml');
  });
});
