import { describe, expect, it } from 'vitest';
import { scopesInputSchema } from '../src/api/integrations';
import { booleanStringSchema, listParamSchema } from '../src/api/query';
import { hasScope, scopeCovers } from '../src/scopes';

describe('query values', () => {
  it.each([
    ['true', true],
    ['TRUE', true],
    ['1', true],
    ['yes', true],
    ['on', true],
    ['false', false],
    ['0', false],
    ['no', false],
    ['off', false],
    [true, true],
    [false, false],
  ])('reads %j as %s', (input, expected) => {
    expect(booleanStringSchema.parse(input)).toBe(expected);
  });

  it('refuses a string that is not a boolean instead of guessing', () => {
    expect(booleanStringSchema.safeParse('maybe').success).toBe(false);
    expect(booleanStringSchema.safeParse('').success).toBe(false);
  });

  it('reads list parameters in every form the SDKs send', () => {
    const schema = listParamSchema(['webhook', 'credentials']);
    expect(schema.parse('credentials')).toEqual(['credentials']);
    expect(schema.parse(['webhook', 'credentials'])).toEqual(['webhook', 'credentials']);
    expect(schema.parse('webhook,credentials')).toEqual(['webhook', 'credentials']);
    expect(schema.safeParse('secrets').success).toBe(false);
  });

  it('reads integration scopes as a comma-separated list', () => {
    expect(scopesInputSchema.parse('repo,read:user,https://www.googleapis.com/auth/drive.file')).toEqual([
      'repo',
      'read:user',
      'https://www.googleapis.com/auth/drive.file',
    ]);
    expect(scopesInputSchema.parse('')).toEqual([]);
    expect(scopesInputSchema.safeParse('a b').success).toBe(false);
    expect(scopesInputSchema.safeParse('a,,b').success).toBe(false);
  });
});

describe('scopes', () => {
  it('matches exactly or through a trailing wildcard', () => {
    expect(scopeCovers('environment:*', 'environment:connections:read')).toBe(true);
    expect(scopeCovers('environment:connections:*', 'environment:connections:read_credentials')).toBe(true);
    expect(scopeCovers('environment:connections:*', 'environment:integrations:read')).toBe(false);
    expect(scopeCovers('environment:connections:read', 'environment:connections:read_credentials')).toBe(
      false,
    );
    expect(hasScope([], 'environment:integrations:read')).toBe(false);
    expect(hasScope(['environment:integrations:read'], 'environment:integrations:read')).toBe(true);
  });
});
