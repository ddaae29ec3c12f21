// @vitest-environment node
/**
 * The widget checks connection config before submit with the server's rules. This holds the two to the same answer
 * over every field of the real catalog, and pins the form-only rules (credentials, visibility, order).
 */

import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../providers/src/catalog';
import { validateConnectionConfig } from '../../server/src/provider-requests/connection-config';
import type { FieldDeclaration } from '../src/core/types';
import {
  configFieldProblem,
  credentialFieldProblem,
  isFieldVisible,
  orderedFields,
  validateForm,
} from '../src/forms/field-validation';

const SAMPLES = [
  'acme',
  'my-company',
  'under_score',
  'two words',
  ' padded ',
  'UPPER',
  'a.b.c',
  'eu',
  'us-east-1',
  '123456789012',
  'https://acme.example.com',
  'http://acme.example.com',
  'acme.example.com',
  '550e8400-e29b-41d4-a716-446655440000',
  'user@example.com',
  'tab\there',
  'x'.repeat(1100),
  'acme/evil',
  'ünïcode',
];
// Checks the server makes only for values placed in a URL (or its host), which the session's field list does not say.
const URL_ONLY = new Set([
  'contains whitespace',
  'contains a character not allowed in a host name',
  'contains non-ASCII characters',
]);

function serverAccepts(
  provider: Parameters<typeof validateConnectionConfig>[0],
  field: string,
  value: string,
) {
  try {
    validateConnectionConfig(provider, { [field]: value }, { partial: true });
    return true;
  } catch (error) {
    const errors = (error as { errors?: Array<{ message: string }> }).errors;
    if (errors === undefined) throw error;
    return errors.every((problem) => URL_ONLY.has(problem.message));
  }
}

describe('connection config checks', () => {
  it('agree with the server on every catalog field', () => {
    let compared = 0;
    const disagreements: string[] = [];
    for (const provider of loadCatalog().list()) {
      for (const [field, declaration] of Object.entries(provider.connection_config ?? {})) {
        if (declaration.automated || declaration.hidden) continue;
        const values = [...SAMPLES, ...(declaration.enum ?? [])];
        if (declaration.example) values.push(declaration.example);
        for (const value of values) {
          compared++;
          const widget = configFieldProblem(value, declaration as FieldDeclaration) === undefined;
          if (widget !== serverAccepts(provider, field, value)) {
            disagreements.push(`${provider.name}.${field} = ${JSON.stringify(value)}: widget ${widget}`);
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(500);
    expect(disagreements).toEqual([]);
  });

  it('names the problem the form shows', () => {
    const subdomain: FieldDeclaration = {
      type: 'string',
      title: 'S',
      description: 'd',
      pattern: '^[a-z0-9-]+$',
    };
    expect(configFieldProblem('', subdomain)).toBe('missing');
    expect(configFieldProblem('', { ...subdomain, optional: true })).toBeUndefined();
    expect(configFieldProblem('', { ...subdomain, default_value: 'eu' })).toBeUndefined();
    expect(configFieldProblem('two words', subdomain)).toBe('invalid_format');
    expect(configFieldProblem('tab\there', subdomain)).toBe('invalid_characters');
    expect(configFieldProblem('GET /v1/apps', { ...subdomain, pattern: undefined })).toBeUndefined();
    expect(configFieldProblem('under_score', subdomain)).toBe('invalid_format');
    expect(configFieldProblem('x'.repeat(1025), subdomain)).toBe('too_long');
    expect(configFieldProblem(' acme ', subdomain)).toBeUndefined();
    const region: FieldDeclaration = { type: 'string', title: 'R', description: 'd', enum: ['eu', 'us'] };
    expect(configFieldProblem('ap', region)).toBe('invalid_enum_value');
    const site: FieldDeclaration = { type: 'string', title: 'U', description: 'd', format: 'uri' };
    expect(configFieldProblem('http://acme.example.com', site)).toBe('invalid_format');
    expect(configFieldProblem('https://acme.example.com', site)).toBeUndefined();
  });
});

describe('form rules', () => {
  const apiKey: FieldDeclaration = { type: 'string', title: 'Key', description: 'd', pattern: '^sk_[a-z]+$' };

  it('requires credentials, keeps them as typed, and checks a declared pattern', () => {
    expect(credentialFieldProblem('', apiKey)).toBe('missing');
    expect(credentialFieldProblem('pk_live', apiKey)).toBe('invalid_format');
    expect(credentialFieldProblem('sk_live', apiKey)).toBeUndefined();
    expect(credentialFieldProblem('', { ...apiKey, optional: true })).toBeUndefined();
  });

  it("checks a credential's format and values, and lets a private key be long", () => {
    const id: FieldDeclaration = { type: 'string', title: 'Secret ID', description: 'd', format: 'uuid' };
    expect(credentialFieldProblem('not-a-uuid', id)).toBe('invalid_format');
    expect(credentialFieldProblem('550e8400-e29b-41d4-a716-446655440000', id)).toBeUndefined();
    const region: FieldDeclaration = { type: 'string', title: 'R', description: 'd', enum: ['eu', 'us'] };
    expect(credentialFieldProblem('ap', region)).toBe('invalid_enum_value');
    const key: FieldDeclaration = { type: 'string', title: 'Private key', description: 'd', secret: true };
    const pem = `-----BEGIN PRIVATE KEY-----\n${'A'.repeat(1600)}\n-----END PRIVATE KEY-----`;
    expect(credentialFieldProblem(pem, key)).toBeUndefined();
    expect(credentialFieldProblem('A'.repeat(16385), key)).toBe('too_long');
  });

  it('checks only visible fields, in declared order', () => {
    const fields: Record<string, FieldDeclaration> = {
      region: { type: 'string', title: 'Region', description: 'd', enum: ['eu', 'other'], order: 2 },
      host: {
        type: 'string',
        title: 'Host',
        description: 'd',
        format: 'hostname',
        order: 1,
        visible_when: { field: 'region', equals: 'other' },
      },
    };
    expect(orderedFields(fields).map(([name]) => name)).toEqual(['host', 'region']);
    expect(isFieldVisible(fields.host!, { region: 'eu' })).toBe(false);
    expect(validateForm(fields, { apiKey }, { region: 'eu' })).toEqual({ apiKey: 'missing' });
    expect(validateForm(fields, { apiKey }, { region: 'other', host: 'bad host', apiKey: 'sk_x' })).toEqual({
      host: 'invalid_format',
    });
  });
});
