/**
 * The GitHub App protocol steps on their own: the app JWT's claims and signature, the private key forms accepted,
 * the installation URL, the setup callback, and reading the installation token response.
 */
import { generateKeyPairSync } from 'node:crypto';
import type { Provider } from '@latchkey/providers';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { appJwtClaims, appPrivateKey, signAppJwt } from '../../src/auth-modes/app/app-jwt';
import {
  installationUrl,
  readInstallationCallback,
  requireInstallation,
} from '../../src/auth-modes/app/installation-redirect';
import { processInstallationTokenResponse } from '../../src/auth-modes/app/installation-token';
import { DOCS, jsonResponse, latchkeyErrorOf } from './auth-mode-fixtures';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pkcs1 = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

const provider = {
  name: 'fictional-gh-app',
  display_name: 'Fictional GitHub App',
  auth_mode: 'APP',
  docs: DOCS,
  authorization_url: '${connectionConfig.appPublicLink}/installations/new',
  token_url: 'https://api.example.com/app/installations/${connectionConfig.installation_id}/access_tokens',
} as unknown as Provider;

const response = (status: number, body: unknown) =>
  jsonResponse('https://api.example.com/app/installations/1/access_tokens', status, body);

describe('app JWT', () => {
  it('is issued by the app, backdated 60 s, and expires within GitHub’s ten minutes', () => {
    const now = new Date('2026-03-01T12:00:00.500Z');
    const claims = appJwtClaims('123456', now);
    const seconds = Math.floor(now.getTime() / 1000);
    expect(claims).toEqual({ iss: '123456', iat: seconds - 60, exp: seconds + 540 });
    expect(claims.exp - seconds).toBeLessThanOrEqual(600);
    expect(claims.exp - claims.iat).toBeLessThanOrEqual(600);
  });

  it('is RS256, verifies with the app’s public key, and carries exactly the claims', async () => {
    const now = new Date();
    const jwt = await signAppJwt('123456', appPrivateKey(pkcs1, 'gh'), now);
    expect(decodeProtectedHeader(jwt)).toEqual({ alg: 'RS256', typ: 'JWT' });
    const { payload } = await jwtVerify(jwt, publicKey, { algorithms: ['RS256'], issuer: '123456' });
    expect(payload).toEqual(appJwtClaims('123456', now));
  });

  it('does not verify with another key', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwt = await signAppJwt('123456', appPrivateKey(pkcs8, 'gh'));
    await expect(jwtVerify(jwt, other.publicKey, { algorithms: ['RS256'] })).rejects.toThrow();
  });
});

describe('app private key', () => {
  const forms: Array<[string, string]> = [
    ['PKCS#1 PEM (as GitHub hands it out)', pkcs1],
    ['PKCS#8 PEM', pkcs8],
    ['the PEM base64-encoded as a whole (Nango’s storage)', Buffer.from(pkcs1).toString('base64')],
    ['`\\n` typed as two characters', pkcs1.trim().replace(/\n/g, '\\n')],
    ['line breaks lost to a single-line field', pkcs8.replace(/\n/g, ' ')],
  ];
  it.each(forms)('accepts %s', (_name, value) => {
    const key = appPrivateKey(value, 'gh');
    expect(key.asymmetricKeyType).toBe('rsa');
    expect(key.export({ type: 'pkcs8', format: 'pem' })).toBe(pkcs8);
  });

  it.each([
    ['text that is no key', 'not a key'],
    ['a public key', publicKey.export({ type: 'spki', format: 'pem' }).toString()],
    [
      'an EC key',
      generateKeyPairSync('ec', { namedCurve: 'P-256' })
        .privateKey.export({ type: 'pkcs8', format: 'pem' })
        .toString(),
    ],
    ['a truncated PEM', pkcs1.slice(0, 200)],
  ])('refuses %s without repeating it', (_name, value) => {
    const error = latchkeyErrorOf(() => appPrivateKey(value, 'gh'));
    expect(error.code).toBe('integration_not_configured');
    expect(error.message).toContain('gh');
    if (value.length > 80) expect(error.message).not.toContain(value.slice(40, 80));
  });
});

describe('installation URL', () => {
  it('is the entry’s authorization_url on the app link, with the state', () => {
    const url = installationUrl({
      provider,
      appLink: 'https://github.example/apps/latchkey/',
      connectionConfig: {},
      state: 'ab'.repeat(32),
      allowHttp: false,
    });
    expect(url.href).toBe(`https://github.example/apps/latchkey/installations/new?state=${'ab'.repeat(32)}`);
  });

  it('uses Nango’s default when the entry has no authorization_url', () => {
    const { authorization_url: _, ...bare } = provider as unknown as Record<string, unknown>;
    const url = installationUrl({
      provider: bare as unknown as Provider,
      appLink: 'https://github.example/apps/x',
      connectionConfig: {},
      state: 's',
      allowHttp: false,
    });
    expect(url.href).toBe('https://github.example/apps/x/installations/new?state=s');
  });

  it('refuses an http app link unless private URLs are allowed', () => {
    const input = { provider, appLink: 'http://127.0.0.1:9/apps/x', connectionConfig: {}, state: 's' };
    expect(latchkeyErrorOf(() => installationUrl({ ...input, allowHttp: false })).code).toBe(
      'invalid_connection_config',
    );
    expect(installationUrl({ ...input, allowHttp: true }).href).toBe(
      'http://127.0.0.1:9/apps/x/installations/new?state=s',
    );
  });
});

describe('setup callback', () => {
  it('reads the installation and the action', () => {
    const callback = readInstallationCallback(
      new URLSearchParams({ installation_id: '38631545', setup_action: 'install', state: 's' }),
    );
    expect(callback).toEqual({ installationId: '38631545', setupAction: 'install' });
    expect(requireInstallation(callback)).toBe('38631545');
  });

  it('refuses an installation id that is not a number (it goes into the token URL’s path)', () => {
    const query = new URLSearchParams({ installation_id: '1/../../users', setup_action: 'install' });
    expect(latchkeyErrorOf(() => readInstallationCallback(query)).code).toBe('invalid_callback');
  });

  it('refuses a requested installation and a missing one', () => {
    const requested = readInstallationCallback(new URLSearchParams({ setup_action: 'request' }));
    expect(latchkeyErrorOf(() => requireInstallation(requested)).message).toMatch(/approval/);
    const none = readInstallationCallback(new URLSearchParams({ setup_action: 'install' }));
    expect(latchkeyErrorOf(() => requireInstallation(none)).code).toBe('invalid_callback');
  });
});

describe('installation token response', () => {
  const body = {
    token: 'ghs_16C7e42F292c6912E7710c838347Ae178B4a',
    expires_at: '2026-07-11T22:14:10Z',
    permissions: { issues: 'write' },
    repository_selection: 'selected',
  };

  it('takes a 201, keeping the provider’s expires_at as given', () => {
    const token = processInstallationTokenResponse(response(201, body));
    expect(token).toEqual({
      token: body.token,
      expiresAtText: '2026-07-11T22:14:10Z',
      expiresAt: new Date('2026-07-11T22:14:10Z'),
      raw: body,
    });
  });

  it('has no expiry when the provider gives none', () => {
    const token = processInstallationTokenResponse(response(201, { token: 'ghs_x' }));
    expect(token.expiresAt).toBeNull();
    expect(token.expiresAtText).toBeUndefined();
  });

  it('refuses an error status with the provider’s status and message', () => {
    const error = latchkeyErrorOf(() =>
      processInstallationTokenResponse(response(401, { message: 'Bad credentials' })),
    );
    expect(error.code).toBe('token_exchange_failed');
    expect(error.status).toBe(400);
    expect(error.message).toContain('HTTP 401: Bad credentials');
    expect(error.payload).toEqual({ provider_status: 401, provider_error: 'http_401' });
  });

  it('refuses a success without a token, without repeating the body', () => {
    const error = latchkeyErrorOf(() =>
      processInstallationTokenResponse(response(201, '<html>secret</html>')),
    );
    expect(error.code).toBe('unable_to_parse_token_response');
    expect(error.message).not.toContain('secret');
  });
});
