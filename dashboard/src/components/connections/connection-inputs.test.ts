/** What the connection pages accept as typed: tag filters, metadata JSON and the refresh-state filter. */
import { describe, expect, it } from 'vitest';
import { canonicalJson, parseMetadata } from './metadata-json';
import { refreshStateFromFilter } from './refresh-state-badge';
import { formatTagFilter, parseTagFilter } from './tag-filter';

describe('tag filter', () => {
  it('reads key:value pairs separated by commas or spaces', () => {
    expect(parseTagFilter('team:growth, plan:pro')).toEqual({
      ok: true,
      tags: { team: 'growth', plan: 'pro' },
    });
    expect(parseTagFilter('team:a plan:b')).toEqual({ ok: true, tags: { team: 'a', plan: 'b' } });
    expect(parseTagFilter('  ')).toEqual({ ok: true, tags: undefined });
    expect(parseTagFilter('url:https://x.test')).toEqual({ ok: true, tags: { url: 'https://x.test' } });
  });

  it('refuses a pair without a key or a value', () => {
    expect(parseTagFilter('team').ok).toBe(false);
    expect(parseTagFilter(':x').ok).toBe(false);
    expect(parseTagFilter('team:').ok).toBe(false);
  });

  it('formats what it parses', () => {
    expect(formatTagFilter({ team: 'growth', plan: 'pro' })).toBe('team:growth, plan:pro');
    expect(formatTagFilter(undefined)).toBe('');
  });
});

describe('metadata', () => {
  it('must be a JSON object', () => {
    expect(parseMetadata('{"plan":"pro"}')).toEqual({ ok: true, value: { plan: 'pro' } });
    expect(parseMetadata('')).toEqual({ ok: true, value: {} });
    expect(parseMetadata('[1]').ok).toBe(false);
    expect(parseMetadata('null').ok).toBe(false);
    expect(parseMetadata('{"plan":').ok).toBe(false);
  });

  it('ignores key order when comparing', () => {
    expect(canonicalJson({ b: 1, a: { d: 1, c: [2, 1] } })).toBe(
      canonicalJson({ a: { c: [2, 1], d: 1 }, b: 1 }),
    );
  });
});

describe('refresh state filter', () => {
  it('maps the URL words to the API states', () => {
    expect(refreshStateFromFilter('ok')).toBe('active');
    expect(refreshStateFromFilter('needs_reauth')).toBe('needs_reauth');
    expect(refreshStateFromFilter('whatever')).toBeUndefined();
  });
});
