/**
 * OAUTH2_CC's protocol steps as pure functions: checking the end user's body against the entry, building the token
 * request per client authentication and body format, the `private_key_jwt` assertion, and the stored shape.
 */
import type { Provider } from '@latchkey/providers';
import { decodeProtectedHeader, exportJWK, generateKeyPair, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { parsePrivateJwk, signClientAssertion } from '../../src/auth-modes/oauth2-cc/client-assertion';
import {
  type ClientCredentialsClient,
  clientCredentialsClientOf,
} from '../../src/auth-modes/oauth2-cc/client-credentials-input';
import { buildClientCredentialsRequest } from '../../src/auth-modes/oauth2-cc/client-credentials-request';
import { oauth2ClientCredentialsMode } from '../../src/auth-modes/oauth2-cc/oauth2-cc.mode';
import { clientFromStored, storedCredentials } from '../../src/auth-modes/oauth2-cc/stored-credentials';
import { DOCS, field, latchkeyErrorOf } from './auth-mode-fixtures';

const TOKEN_URL = new URL('https://auth.ledgerline.test/oauth/token');

function provider(entry: Record<string, unknown> = {}): Provider {
  return {
    name: 'ledgerline',
    display_name: 'Ledgerline',
    docs: DOCS,
    auth_mode: 'OAUTH2_CC',
    token_url: TOKEN_URL.href,
    token_params: { grant_type: 'client_credentials' },
    ...entry,
  } as unknown as Provider;
}

const client = (extra: Partial<ClientCredentialsClient> = {}): ClientCredentialsClient => ({
  clientId: 'app@acme',
  clientSecret: 's3cr3t+/=',
  clientPrivateKey: undefined,
  extras: {},
  ...extra,
});

function codeOf(run: () => unknown): { code: string; errors: unknown; message: string } {
  const { code, errors, message } = latchkeyErrorOf(run);
  return { code, errors, message };
}

function request(
  entry: Record<string, unknown>,
  extra: Partial<Parameters<typeof buildClientCredentialsRequest>[0]> = {},
) {
  return buildClientCredentialsRequest({
    provider: provider(entry),
    tokenUrl: TOKEN_URL,
    client: client(),
    connectionConfig: {},
    scopes: [],
    ...extra,
  });
}

describe('the end user body', () => {
  const tenanted = provider({
    credentials: {
      client_id: field(),
      client_secret: field('F', { secret: true }),
      audience: field('F', { pattern: '^https://' }),
      tenant: field('F', { enum: ['acme-eu', 'acme-us'] }),
      region: field('F', { optional: true }),
      plan: field('F', { default_value: 'standard' }),
    },
  });
  const full = { client_id: 'app', client_secret: 'sec', audience: 'https://api.test', tenant: 'acme-eu' };

  it('takes the client and the declared credentials, trimmed, with defaults', () => {
    expect(
      clientCredentialsClientOf(tenanted, { ...full, audience: ' https://api.test ', type: 'OAUTH2_CC' }),
    ).toEqual({
      clientId: 'app',
      clientSecret: 'sec',
      clientPrivateKey: undefined,
      extras: { audience: 'https://api.test', tenant: 'acme-eu', plan: 'standard' },
    });
  });

  it("answers Nango's codes for a missing client id or secret first, empty counting as missing", () => {
    expect(codeOf(() => clientCredentialsClientOf(tenanted, { ...full, client_id: ' ' })).code).toBe(
      'missing_client_id',
    );
    expect(codeOf(() => clientCredentialsClientOf(tenanted, { ...full, client_secret: '' })).code).toBe(
      'missing_client_secret',
    );
    // A key authenticates only with private_key_jwt (or mTLS): for a Basic client it is no secret.
    const keyOnly = { client_id: 'app', client_private_key: '{}' };
    expect(
      codeOf(() => clientCredentialsClientOf(provider({ token_request_auth_method: 'basic' }), keyOnly)).code,
    ).toBe('missing_client_secret');
  });

  it('names every declared credential that is missing, malformed or not declared', () => {
    const failure = codeOf(() =>
      clientCredentialsClientOf(tenanted, {
        client_id: 'app',
        client_secret: 'sec',
        audience: 'http://plain.test',
        tenant: 'other',
        colour: 'blue',
      }),
    );
    expect(failure.code).toBe('invalid_body');
    expect(failure.errors).toEqual([
      { code: 'unrecognized_keys', message: expect.any(String), path: ['colour'] },
      { code: 'invalid_format', message: expect.any(String), path: ['audience'] },
      { code: 'invalid_enum_value', message: expect.any(String), path: ['tenant'] },
    ]);
    const missing = codeOf(() =>
      clientCredentialsClientOf(tenanted, { client_id: 'app', client_secret: 'sec' }),
    );
    expect(missing.errors).toEqual([
      { code: 'missing', message: 'is required', path: ['audience'] },
      { code: 'missing', message: 'is required', path: ['tenant'] },
    ]);
    // Values never appear in messages.
    expect(failure.message).not.toContain('blue');
    expect(failure.message).not.toContain('plain.test');
  });

  it('wants the private key for private_key_jwt, and no secret then', () => {
    const jwtEntry = provider({ token_request_auth_method: 'private_key_jwt' });
    expect(
      codeOf(() => clientCredentialsClientOf(jwtEntry, { client_id: 'app', client_secret: 'sec' })).errors,
    ).toEqual([{ code: 'missing', message: expect.any(String), path: ['client_private_key'] }]);
    expect(
      clientCredentialsClientOf(jwtEntry, { client_id: 'app', client_private_key: '{"kty":"RSA"}' }),
    ).toMatchObject({
      clientSecret: undefined,
      clientPrivateKey: '{"kty":"RSA"}',
    });
  });

  it('refuses a client certificate (mTLS) instead of ignoring it', () => {
    const withCertificate = {
      client_id: 'app',
      client_secret: 'sec',
      client_certificate: '-----BEGIN CERTIFICATE-----',
    };
    const refused = codeOf(() => clientCredentialsClientOf(provider(), withCertificate));
    expect(refused.code).toBe('unsupported_auth_mode');
    expect(refused.message).toContain('client certificate');
    const required = provider({ require_client_certificate: true });
    expect(
      codeOf(() => clientCredentialsClientOf(required, { client_id: 'app', client_secret: 'sec' })).code,
    ).toBe('unsupported_auth_mode');
  });

  it('validates the body shape in the flow input (invalid_body naming the path)', () => {
    const input =
      oauth2ClientCredentialsMode.flow?.kind === 'direct'
        ? oauth2ClientCredentialsMode.flow.input
        : undefined;
    const parsed = input?.safeParse({ client_id: 'app', audience: 42 });
    expect(parsed?.success).toBe(false);
    expect(parsed?.error?.issues.map((issue) => issue.path)).toEqual([['audience']]);
    expect(input?.safeParse(undefined).data).toEqual({});
  });
});

describe('the token request', () => {
  it('sends the client in a form body by default, with exactly the entry parameters', () => {
    const built = request({ token_params: { grant_type: 'client_credentials', resource: 'urn:ledger' } });
    expect(built).toMatchObject({ method: 'POST', url: TOKEN_URL.href, maxRedirects: 5 });
    expect(built.headers).toEqual({
      accept: 'application/json',
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(Object.fromEntries(new URLSearchParams(built.body))).toEqual({
      client_id: 'app@acme',
      client_secret: 's3cr3t+/=',
      grant_type: 'client_credentials',
      resource: 'urn:ledger',
    });
  });

  it('adds no grant_type of its own: the entry decides (some send none, or another grant)', () => {
    const none = request({ token_params: undefined, body_format: 'json' });
    expect(JSON.parse(none.body ?? '')).toEqual({ client_id: 'app@acme', client_secret: 's3cr3t+/=' });
    const zoomLike = request({ token_params: { grant_type: 'account_credentials' } });
    expect(new URLSearchParams(zoomLike.body).get('grant_type')).toBe('account_credentials');
  });

  it('sends a raw Basic header and nothing of the client in the body for basic (and authorization_method header)', () => {
    for (const entry of [{ token_request_auth_method: 'basic' }, { authorization_method: 'header' }]) {
      const built = request(entry);
      expect(built.headers?.authorization).toBe(
        `Basic ${Buffer.from('app@acme:s3cr3t+/=').toString('base64')}`,
      );
      expect(Object.fromEntries(new URLSearchParams(built.body))).toEqual({
        grant_type: 'client_credentials',
      });
    }
  });

  it('sends username and password for custom', () => {
    const built = request({ token_request_auth_method: 'custom', body_format: 'json' });
    expect(JSON.parse(built.body ?? '')).toEqual({
      username: 'app@acme',
      password: 's3cr3t+/=',
      grant_type: 'client_credentials',
    });
    expect(built.headers?.authorization).toBeUndefined();
  });

  it('sends the client assertion for private_key_jwt', () => {
    const built = request(
      { token_request_auth_method: 'private_key_jwt' },
      { client: client({ clientSecret: undefined, clientPrivateKey: '{}' }), clientAssertion: 'a.b.c' },
    );
    expect(Object.fromEntries(new URLSearchParams(built.body))).toEqual({
      client_id: 'app@acme',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: 'a.b.c',
      grant_type: 'client_credentials',
    });
  });

  it('puts everything in the query string for body_format query', () => {
    const built = request({ body_format: 'query' }, { scopes: ['read', 'write'] });
    expect(built.body).toBeUndefined();
    expect(built.headers?.['content-type']).toBeUndefined();
    const url = new URL(built.url);
    expect(url.origin + url.pathname).toBe(TOKEN_URL.href);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: 'app@acme',
      client_secret: 's3cr3t+/=',
      grant_type: 'client_credentials',
      scope: 'read write',
    });
  });

  it('fills token_params and token_headers from the declared credentials and the connection config', () => {
    const built = request(
      {
        body_format: 'json',
        scope_separator: ',',
        token_params: {
          grant_type: 'client_credentials',
          audience: '${credentials.audience}',
          account: '${connectionConfig.accountId}',
          scope: 'ignored-when-scopes-are-given',
        },
        token_headers: { 'X-Tenant': '${credentials.tenant}', Accept: 'application/vnd.ledger+json' },
      },
      {
        client: client({ extras: { audience: 'https://api.test', tenant: 'acme-eu' } }),
        connectionConfig: { accountId: '4711' },
        scopes: ['a', 'b'],
      },
    );
    expect(JSON.parse(built.body ?? '')).toEqual({
      client_id: 'app@acme',
      client_secret: 's3cr3t+/=',
      grant_type: 'client_credentials',
      audience: 'https://api.test',
      account: '4711',
      scope: 'a,b',
    });
    expect(built.headers).toEqual({
      accept: 'application/vnd.ledger+json',
      'content-type': 'application/json',
      'x-tenant': 'acme-eu',
    });
  });

  it('leaves out a parameter whose value is an optional field left empty, and names required ones', () => {
    const entry = {
      token_params: { grant_type: 'client_credentials', organization: '${connectionConfig.organization}' },
      connection_config: { organization: field('F', { optional: true }) },
    };
    expect(Object.fromEntries(new URLSearchParams(request(entry).body))).not.toHaveProperty('organization');
    const required = codeOf(() =>
      request({
        token_params: { audience: '${credentials.audience}' },
        token_headers: { 'x-org': '${connectionConfig.org}' },
      }),
    );
    expect(required.code).toBe('invalid_connection_config');
    expect(required.errors).toEqual([
      { code: 'missing', message: 'audience is required', path: ['credentials', 'audience'] },
    ]);
  });

  it('refuses nested token parameters (a TWO_STEP habit) clearly', () => {
    expect(codeOf(() => request({ token_params: { request: { a: 'b' } } })).code).toBe(
      'unsupported_auth_mode',
    );
  });
});

describe('private_key_jwt', () => {
  it('signs an RS256 assertion with the JWK kid: iss = sub = client id, aud = token URL, 300 s, a jti', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const jwk = { ...(await exportJWK(privateKey)), kid: 'key-1' };
    const now = new Date();
    const assertion = await signClientAssertion({
      clientId: 'app',
      privateJwk: parsePrivateJwk(JSON.stringify(jwk)),
      audience: TOKEN_URL.href,
      now,
    });
    expect(decodeProtectedHeader(assertion)).toEqual({ alg: 'RS256', typ: 'JWT', kid: 'key-1' });
    const { payload } = await jwtVerify(assertion, publicKey, {
      issuer: 'app',
      subject: 'app',
      audience: TOKEN_URL.href,
    });
    expect(payload.iat).toBe(Math.floor(now.getTime() / 1000));
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(300);
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses a key that is not a private RSA JWK, without quoting it', async () => {
    const { publicKey } = await generateKeyPair('RS256', { extractable: true });
    const publicJwk = JSON.stringify(await exportJWK(publicKey));
    for (const text of ['-----BEGIN PRIVATE KEY-----secret', publicJwk, 'null']) {
      const failure = codeOf(() => parsePrivateJwk(text));
      expect(failure.code).toBe('invalid_body');
      expect(failure.errors).toEqual([expect.objectContaining({ path: ['client_private_key'] })]);
      expect(failure.message).not.toContain('secret');
    }
  });
});

describe('the stored credentials', () => {
  it("are Nango's shape with the declared credentials beside it, and give the same client back", () => {
    const expiresAt = new Date('2030-01-01T00:00:00.000Z');
    const stored = storedCredentials(client({ extras: { audience: 'https://api.test' } }), {
      accessToken: 'tok',
      refreshToken: undefined,
      expiresAt,
      grantedScopes: undefined,
      raw: { access_token: 'tok', expires_in: 60 },
    });
    expect(stored).toEqual({
      type: 'OAUTH2_CC',
      token: 'tok',
      expires_at: '2030-01-01T00:00:00.000Z',
      client_id: 'app@acme',
      client_secret: 's3cr3t+/=',
      raw: { access_token: 'tok', expires_in: 60 },
      audience: 'https://api.test',
    });
    expect(clientFromStored(stored)).toEqual(client({ extras: { audience: 'https://api.test' } }));
    const keyOnly = storedCredentials(
      client({ clientSecret: undefined, clientPrivateKey: '{"kty":"RSA"}' }),
      {
        accessToken: 'tok',
        refreshToken: undefined,
        expiresAt,
        grantedScopes: undefined,
        raw: {},
      },
    );
    expect(keyOnly).toMatchObject({ client_secret: '', client_private_key: '{"kty":"RSA"}' });
    expect(clientFromStored(keyOnly)).toMatchObject({
      clientSecret: undefined,
      clientPrivateKey: '{"kty":"RSA"}',
    });
  });

  it('reach the proxy as a Bearer token and the templates under Nango names', () => {
    const credentials = {
      type: 'OAUTH2_CC' as const,
      token: 'tok',
      client_id: 'app',
      client_secret: 'sec',
      raw: {},
      tenant: 'acme-eu',
    };
    const authorized = oauth2ClientCredentialsMode.authorize({
      provider: provider(),
      integration: undefined as never,
      credentials,
      connectionConfig: {},
      request: { method: 'GET', url: new URL('https://api.test/x'), headers: {} },
    });
    expect(authorized).toEqual({ headers: { authorization: 'Bearer tok' } });
    expect(oauth2ClientCredentialsMode.templateValues(credentials)).toMatchObject({
      accessToken: 'tok',
      tenant: 'acme-eu',
    });
    expect(oauth2ClientCredentialsMode.currentToken(credentials)).toBe('tok');
  });
});
