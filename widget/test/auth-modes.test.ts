// @vitest-environment node
/**
 * The auth-mode table: which flow each mode runs, the endpoint and the exact body a one-request mode posts (Nango's
 * frontend SDK bodies, compat doc §3.4), the credential fields a form asks, and how `connect()` guesses a mode.
 */
import { describe, expect, it } from 'vitest';
import {
  assertionFields,
  credentialFields,
  directPath,
  flowOf,
  guessAuthMode,
  requestBody,
} from '../src/core/auth-modes';
import type { FieldDeclaration } from '../src/core/types';
import { asksCredentials, credentialsOf, needsForm } from '../src/forms/form-fields';
import { sessionIntegration } from './support/recording-latchkey';

const field = (extra: Partial<FieldDeclaration> = {}): FieldDeclaration => ({
  type: 'string',
  title: 'T',
  description: 'd',
  ...extra,
});

describe('flows by auth mode', () => {
  it.each([
    ['API_KEY', '/api-auth/api-key/'],
    ['BASIC', '/api-auth/basic/'],
    ['NONE', '/auth/unauthenticated/'],
    ['OAUTH2_CC', '/oauth2/auth/'],
    ['TWO_STEP', '/auth/two-step/'],
    ['JWT', '/auth/jwt/'],
    ['SIGNATURE', '/auth/signature/'],
    ['BILL', '/auth/bill/'],
    ['TBA', '/auth/tba/'],
    ['AWS_SIGV4', '/auth/aws-sigv4/'],
  ])('%s completes in one request at %s', (mode, path) => {
    expect(flowOf(mode)).toBe('direct');
    expect(directPath(mode)).toBe(path);
  });

  it.each(['OAUTH2', 'OAUTH1', 'APP', 'CUSTOM', 'INSTALL_PLUGIN'])('%s runs in the browser', (mode) => {
    expect(flowOf(mode)).toBe('redirect');
    expect(directPath(mode)).toBeUndefined();
  });

  it.each(['MCP_OAUTH2', 'MCP_OAUTH2_GENERIC', 'APP_STORE', 'SOMETHING_NEW', 'toString'])(
    '%s is unavailable',
    (mode) => {
      expect(flowOf(mode)).toBe('unavailable');
    },
  );
});

describe('request bodies', () => {
  it('API key, basic, signature, bill, TBA and AWS carry their fields only', () => {
    const extra = { stray: 'x' };
    expect(requestBody('API_KEY', { apiKey: 'k', ...extra })).toEqual({ apiKey: 'k' });
    expect(requestBody('BASIC', { username: 'u', password: '', ...extra })).toEqual({
      username: 'u',
      password: '',
    });
    expect(requestBody('SIGNATURE', { username: 'u', password: 'p', ...extra })).toEqual({
      type: 'SIGNATURE',
      username: 'u',
      password: 'p',
    });
    expect(
      requestBody('BILL', { username: 'u', password: 'p', organization_id: 'o', dev_key: 'd', ...extra }),
    ).toEqual({ username: 'u', password: 'p', organization_id: 'o', dev_key: 'd' });
    expect(requestBody('TBA', { token_id: 'i', token_secret: 's', ...extra })).toEqual({
      token_id: 'i',
      token_secret: 's',
    });
    expect(requestBody('TBA', { token_id: 'i', token_secret: 's', oauth_client_id_override: 'c' })).toEqual({
      token_id: 'i',
      token_secret: 's',
      oauth_client_id_override: 'c',
    });
    expect(requestBody('AWS_SIGV4', { role_arn: 'arn:aws:iam::1:role/r', ...extra })).toEqual({
      role_arn: 'arn:aws:iam::1:role/r',
    });
    expect(requestBody('AWS_SIGV4', { role_arn: 'a', region: 'eu-west-1' })).toEqual({
      role_arn: 'a',
      region: 'eu-west-1',
    });
  });

  it('client credentials, TWO_STEP and JWT carry every declared field; TWO_STEP and JWT name their type', () => {
    expect(requestBody('OAUTH2_CC', { client_id: 'c', client_secret: 's', audience: 'api' })).toEqual({
      client_id: 'c',
      client_secret: 's',
      audience: 'api',
    });
    expect(requestBody('TWO_STEP', { clientId: 'c', secret: 's' })).toEqual({
      type: 'TWO_STEP',
      clientId: 'c',
      secret: 's',
    });
    // A type given by the caller never overrides the mode's own.
    expect(requestBody('JWT', { type: 'BASIC', privateKey: 'id:secret' })).toEqual({
      type: 'JWT',
      privateKey: 'id:secret',
    });
    // Nango's SDK form of a key in two parts passes as it is.
    expect(requestBody('JWT', { privateKey: { id: 'i', secret: 's' } })).toEqual({
      type: 'JWT',
      privateKey: { id: 'i', secret: 's' },
    });
  });

  it('adds a signed assertion’s inputs for TWO_STEP only', () => {
    expect(requestBody('TWO_STEP', { clientId: 'c' }, { privateKey: 'pem' })).toEqual({
      type: 'TWO_STEP',
      clientId: 'c',
      assertionOption: { privateKey: 'pem' },
    });
    expect(requestBody('TWO_STEP', { clientId: 'c' }, {})).toEqual({ type: 'TWO_STEP', clientId: 'c' });
    expect(requestBody('JWT', { privateKey: 'k' }, { privateKey: 'pem' })).toEqual({
      type: 'JWT',
      privateKey: 'k',
    });
    const integration = sessionIntegration('a', 'TWO_STEP', {
      assertion_option: { privateKey: field(), stamp: field({ automated: true }) },
    });
    expect(Object.keys(assertionFields(integration))).toEqual(['privateKey']);
    expect(asksCredentials(integration)).toBe(true);
    expect(assertionFields({ ...integration, auth_mode: 'API_KEY' })).toEqual({});
  });

  it('sends no body when there is nothing to send', () => {
    expect(requestBody('NONE', undefined)).toBeUndefined();
    expect(requestBody('NONE', { apiKey: 'ignored' })).toBeUndefined();
    expect(requestBody('OAUTH2_CC', {})).toBeUndefined();
    expect(requestBody('OAUTH2', { apiKey: 'k' })).toBeUndefined();
  });
});

describe('guessing the mode from credentials', () => {
  it.each([
    [undefined, 'OAUTH2'],
    [{ apiKey: 'k' }, 'API_KEY'],
    [{ username: 'u', password: 'p' }, 'BASIC'],
    [{ username: 'u', password: 'p', organization_id: 'o', dev_key: 'd' }, 'BILL'],
    [{ type: 'SIGNATURE', username: 'u', password: 'p' }, 'SIGNATURE'],
    [{ token_id: 'i', token_secret: 's' }, 'TBA'],
    [{ role_arn: 'a' }, 'AWS_SIGV4'],
    [{ client_id: 'c', client_secret: 's' }, 'OAUTH2_CC'],
    [{ type: 'TWO_STEP', clientId: 'c' }, 'TWO_STEP'],
    [{ type: 'JWT', privateKey: 'k' }, 'JWT'],
  ] as const)('%j → %s', (credentials, mode) => {
    expect(guessAuthMode(credentials as Record<string, string> | undefined)).toBe(mode);
  });
});

describe('credential fields of a form', () => {
  it("asks the mode's usual fields when the provider declares none, secrets as secrets", () => {
    const bill = credentialFields(sessionIntegration('bill', 'BILL'));
    expect(Object.keys(bill)).toEqual(['username', 'password', 'organization_id', 'dev_key']);
    expect(bill.password?.secret).toBe(true);
    expect(bill.dev_key?.secret).toBe(true);
    expect(bill.username?.secret).toBeUndefined();
    expect(Object.keys(credentialFields(sessionIntegration('cc', 'OAUTH2_CC')))).toEqual([
      'client_id',
      'client_secret',
    ]);
    expect(Object.keys(credentialFields(sessionIntegration('tba', 'TBA')))).toEqual([
      'token_id',
      'token_secret',
    ]);
    expect(Object.keys(credentialFields(sessionIntegration('aws', 'AWS_SIGV4')))).toEqual(['role_arn']);
  });

  it("takes the provider's declarations on top, drops automated fields, keeps hidden ones for their value", () => {
    const integration = sessionIntegration('two', 'TWO_STEP', {
      credentials: {
        clientId: field({ title: 'Client ID' }),
        assertion: field({ title: '', automated: true }),
        grant: field({ title: '', hidden: true, default_value: 'public-client' }),
      },
    });
    const fields = credentialFields(integration);
    expect(Object.keys(fields)).toEqual(['clientId', 'grant']);
    expect(asksCredentials(integration)).toBe(true);
    expect(credentialsOf(integration, { clientId: 'c' })).toEqual({ grant: 'public-client', clientId: 'c' });

    // A declared password stays secret even when the provider did not say so (as Nango's Connect UI shows it).
    const basic = sessionIntegration('basic', 'BASIC', {
      credentials: {
        username: field({ title: 'Key' }),
        password: field({ hidden: true, default_value: 'X' }),
      },
    });
    expect(credentialFields(basic).password).toMatchObject({ secret: true, hidden: true });
    expect(credentialsOf(basic, { username: 'u' })).toEqual({ password: 'X', username: 'u' });
  });

  it('asks no credentials of the browser modes, and a form only when something is to be typed', () => {
    const app = sessionIntegration('app', 'APP');
    expect(credentialFields(app)).toEqual({});
    expect(needsForm(app)).toBe(false);
    expect(needsForm(sessionIntegration('none', 'NONE'))).toBe(false);
    expect(needsForm(sessionIntegration('none', 'NONE', { connection_config: { subdomain: field() } }))).toBe(
      true,
    );
    expect(needsForm(sessionIntegration('key', 'API_KEY'))).toBe(true);
    // A mode Latchkey cannot run gets the form view, which says so.
    expect(needsForm(sessionIntegration('mcp', 'MCP_OAUTH2'))).toBe(true);
    // Credentials that are all hidden: nothing to ask, the declared values go by themselves.
    const hiddenOnly = sessionIntegration('h', 'BASIC', {
      credentials: {
        username: field({ hidden: true, default_value: 'public' }),
        password: field({ hidden: true, default_value: '' }),
      },
    });
    expect(needsForm(hiddenOnly)).toBe(false);
    expect(credentialsOf(hiddenOnly)).toEqual({ username: 'public', password: '' });
  });
});
