/**
 * The JWT mode's pure steps: claims and header from a recipe (Nango's omission and array rules), key material
 * (hex-decoded HMAC secrets, UTF-8 ones, PEM as pasted, fingerprints), the signature against a vector computed
 * outside this code, and the refusals.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import type { Provider } from '@latchkey/providers';
import { type Credentials, LatchkeyError } from '@latchkey/schema';
import { decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import type { ModeRuntime } from '../../src/auth-modes/auth-mode';
import { jwtMode } from '../../src/auth-modes/jwt/jwt.mode';
import { buildClaims, credentialPathOf, fillRecipeString } from '../../src/auth-modes/jwt/jwt-claims';
import { keyMaterialOf } from '../../src/auth-modes/jwt/jwt-key-material';
import {
  hmacSecretBytes,
  KeyMaterialError,
  normalizePem,
  privateKeyFromPem,
  publicKeyFingerprint,
} from '../../src/auth-modes/jwt/jwt-signing-key';
import { signingRecipeOf, signRecipeToken } from '../../src/auth-modes/jwt/jwt-token';

const GHOST_KEY = {
  id: '5f1a2b3c4d5e6f7a8b9c0d1e',
  secret: '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff',
};
const ghostLike = {
  name: 'cms',
  display_name: 'CMS',
  docs: 'https://example.com/docs',
  auth_mode: 'JWT',
  credentials: { privateKey: { type: 'string', title: 'Key', description: 'id:secret' } },
  signature: { protocol: 'HMAC' },
  token: {
    expires_in_ms: 300_000,
    header: { alg: 'HS256', kid: '${credentials.privateKey.id}' },
    payload: { aud: '/admin/' },
    signing_key: '${credentials.privateKey.secret}',
  },
} as unknown as Provider;

const recipeOf = (provider: Provider) => signingRecipeOf(provider.name, provider.token, provider.signature);
const runtime: ModeRuntime = {
  outbound: () => Promise.reject(new Error('a JWT renewal must not call the provider')),
  allowPrivateUrls: true,
  publicUrl: 'http://latchkey.invalid',
  note: async () => {},
};

describe('recipe strings and claims', () => {
  const values = {
    credentials: { issuerId: 'iss-1', privateKey: { id: 'kid-1', secret: 'abcd' }, flat: 'x' },
    connectionConfig: { scope: 'GET /v1/apps, GET /v1/builds ', region: 'eu' },
  };

  it('reads credentials with or without the prefix, nested paths and connection config', () => {
    expect(fillRecipeString('${credentials.privateKey.id}', values)).toBe('kid-1');
    expect(fillRecipeString('${flat}.${credentials.issuerId}', values)).toBe('x.iss-1');
    expect(fillRecipeString('https://${connectionConfig.region}.example.com', values)).toBe(
      'https://eu.example.com',
    );
    expect(fillRecipeString('${credentials.nothing}', values)).toBeUndefined();
  });

  it('keeps `||` literal, as Nango’s signer does (a key written id||secret)', () => {
    expect(fillRecipeString('${credentials.issuerId}||${credentials.flat}', values)).toBe('iss-1||x');
  });

  it('leaves out unfilled claims, splits array items on commas and keeps scalars', () => {
    const claims = buildClaims(
      {
        iss: '${credentials.issuerId}',
        sub: '${credentials.missing}',
        scope: ['${connectionConfig.scope}', '${connectionConfig.absent}', 'extra'],
        empty: ['${connectionConfig.absent}'],
        n: 3,
        on: true,
        none: null,
        nested: { a: '${credentials.flat}', b: '${credentials.missing}' },
      },
      values,
    );
    expect(claims).toEqual({
      iss: 'iss-1',
      scope: ['GET /v1/apps', 'GET /v1/builds', 'extra'],
      n: 3,
      on: true,
      none: null,
      nested: { a: 'x' },
    });
  });

  it('gives a fresh UUID for ${random}', () => {
    const a = fillRecipeString('${random}', values);
    expect(a).toMatch(/^[0-9a-f-]{36}$/);
    expect(fillRecipeString('${random}', values)).not.toBe(a);
  });

  it('names the credential a template reads', () => {
    expect(credentialPathOf('${credentials.privateKey.secret}')).toEqual(['privateKey', 'secret']);
    expect(credentialPathOf('${connectionConfig.x}${credentials.apiSecretId}||${credentials.k}')).toEqual([
      'apiSecretId',
    ]);
    expect(credentialPathOf('${fingerprint(${credentials.privateKey})}')).toEqual(['privateKey']);
  });
});

describe('key material', () => {
  it('hex-decodes an HMAC secret to its bytes and refuses what is not hex', () => {
    expect([...hmacSecretBytes('00ff10Ab')]).toEqual([0x00, 0xff, 0x10, 0xab]);
    for (const bad of ['', 'abc', 'zz', '00 11', 'secret']) {
      expect(() => hmacSecretBytes(bad)).toThrow(KeyMaterialError);
    }
    expect([...hmacSecretBytes('ab', 'utf8')]).toEqual([0x61, 0x62]);
  });

  it('reads PEM keys as pasted: one line, escaped line breaks, PKCS#1 and PKCS#8', () => {
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const escaped = privateKey.trim().replace(/\n/g, '\\n');
    const oneLine = privateKey.replace(/\n/g, '');
    expect(normalizePem(escaped)).toBe(privateKey);
    expect(privateKeyFromPem(oneLine).asymmetricKeyType).toBe('rsa');
    const ec = generateKeyPairSync('ec', {
      namedCurve: 'P-256',
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    // A .p8 body without its armour is taken as PKCS#8.
    const bare = ec.privateKey.replace(/-----[A-Z ]+-----/g, '').replace(/\s/g, '');
    expect(privateKeyFromPem(bare).asymmetricKeyType).toBe('ec');
    expect(() => privateKeyFromPem('not a key')).toThrow(KeyMaterialError);
    expect(() => privateKeyFromPem('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----')).toThrow(
      KeyMaterialError,
    );
  });

  it('fingerprints a key as SHA256: and the base64 SHA-256 of its public key DER', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const der = publicKey.export({ type: 'spki', format: 'der' });
    expect(publicKeyFingerprint(pem)).toBe(`SHA256:${createHash('sha256').update(der).digest('base64')}`);
  });

  it('splits a Ghost key sent whole, drops type, and names missing declared credentials', () => {
    expect(
      keyMaterialOf({ type: 'JWT', privateKey: `${GHOST_KEY.id}:${GHOST_KEY.secret}` }, ghostLike),
    ).toEqual({
      privateKey: GHOST_KEY,
    });
    expect(keyMaterialOf({ privateKey: GHOST_KEY }, ghostLike)).toEqual({ privateKey: GHOST_KEY });
    const missing = (() => {
      try {
        keyMaterialOf({ other: 'x' }, ghostLike);
      } catch (error) {
        return error;
      }
    })();
    expect(missing).toBeInstanceOf(LatchkeyError);
    expect(missing).toMatchObject({ code: 'invalid_body', errors: [{ path: ['privateKey'] }] });
  });
});

describe('signing', () => {
  it('signs the Ghost-like recipe exactly as an independent HS256 computation does', async () => {
    const now = new Date(1_700_000_000_000);
    const signed = await signRecipeToken(
      recipeOf(ghostLike),
      { credentials: { privateKey: GHOST_KEY }, connectionConfig: {} },
      now,
    );
    // Computed with Python's hmac over the hex-decoded secret: header {typ, alg, kid}, payload {aud, iat, exp}.
    expect(signed.token).toBe(
      'eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiIsImtpZCI6IjVmMWEyYjNjNGQ1ZTZmN2E4YjljMGQxZSJ9.' +
        'eyJhdWQiOiIvYWRtaW4vIiwiaWF0IjoxNzAwMDAwMDAwLCJleHAiOjE3MDAwMDAzMDB9.' +
        '4p_uGemPmTog9mwnrvZfl70axBZ2r1kzD5GTXvo--24',
    );
    expect(signed).toMatchObject({ alg: 'HS256', expiresAt: new Date(1_700_000_300_000) });
  });

  it('signs with a UTF-8 secret when the entry says so, `||` and all', async () => {
    const recipe = signingRecipeOf(
      'hm',
      {
        expires_in_ms: 300_000,
        header: { alg: 'HS256', typ: 'JWT' },
        payload: { iss: '${credentials.apiSecretId}' },
        signing_key: '${credentials.apiSecretId}||${credentials.apiSecretKey}',
      },
      { protocol: 'HMAC', hmac_secret_encoding: 'utf8' },
    );
    const { token } = await signRecipeToken(recipe, {
      credentials: { apiSecretId: 'sid', apiSecretKey: 'Skey9' },
      connectionConfig: {},
    });
    const { payload } = await jwtVerify(token, new TextEncoder().encode('sid||Skey9'), { issuer: 'sid' });
    expect(payload.exp! - payload.iat!).toBe(300);
  });

  it('signs ES256 with kid, typ and an array scope; RS256 with a fingerprint issuer', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const ecPem = ec.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const store = signingRecipeOf(
      'store',
      {
        expires_in_ms: 900_500,
        header: { alg: 'ES256', kid: '${credentials.privateKeyId}', typ: 'JWT' },
        payload: { iss: '${credentials.issuerId}', aud: 'appstore', scope: ['${connectionConfig.scope}'] },
        signing_key: '${credentials.privateKey}',
      },
      { protocol: 'EC' },
    );
    const values = {
      credentials: { privateKey: ecPem, privateKeyId: 'K1', issuerId: 'I1' },
      connectionConfig: { scope: 'GET /v1/apps' },
    };
    const signed = await signRecipeToken(store, values);
    expect(decodeProtectedHeader(signed.token)).toEqual({ typ: 'JWT', alg: 'ES256', kid: 'K1' });
    const { payload } = await jwtVerify(signed.token, ec.publicKey, { audience: 'appstore', issuer: 'I1' });
    expect(payload.scope).toEqual(['GET /v1/apps']);
    // Whole seconds: 900.5 s of life become 900.
    expect(payload.exp! - payload.iat!).toBe(900);
    const noScope = await signRecipeToken(store, { ...values, connectionConfig: {} });
    expect(decodeJwt(noScope.token)).not.toHaveProperty('scope');

    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const rsaPem = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const keyPair = signingRecipeOf(
      'kp',
      {
        expires_in_ms: 3_600_000,
        header: { alg: 'RS256', typ: 'JWT' },
        payload: {
          iss: '${credentials.account}.${credentials.user}.${fingerprint(${credentials.privateKey})}',
          sub: '${credentials.account}.${credentials.user}',
        },
        signing_key: '${credentials.privateKey}',
      },
      { protocol: 'RSA' },
    );
    const rs = await signRecipeToken(keyPair, {
      credentials: { privateKey: rsaPem, account: 'ACME-1', user: 'BOB' },
      connectionConfig: {},
    });
    const der = rsa.publicKey.export({ type: 'spki', format: 'der' });
    const fingerprint = `SHA256:${createHash('sha256').update(der).digest('base64')}`;
    const verified = await jwtVerify(rs.token, rsa.publicKey, { issuer: `ACME-1.BOB.${fingerprint}` });
    expect(verified.payload.sub).toBe('ACME-1.BOB');
  });

  it('refuses recipes it cannot sign with, and keys that do not suit them', async () => {
    expect(() => signingRecipeOf('x', ghostLike.token, { protocol: 'WSSE' })).toThrow(
      expect.objectContaining({ code: 'unsupported_auth_mode' }),
    );
    expect(() => signingRecipeOf('x', { expires_in_ms: 1000 }, { protocol: 'HMAC' })).toThrow(
      expect.objectContaining({ code: 'unsupported_auth_mode' }),
    );
    expect(() => signingRecipeOf('x', { signing_key: '${k}' }, { protocol: 'HMAC' })).toThrow(
      expect.objectContaining({ code: 'unsupported_auth_mode' }),
    );
    const values = { credentials: { privateKey: GHOST_KEY }, connectionConfig: {} };
    const rs256 = signingRecipeOf(
      'x',
      { ...ghostLike.token, header: { alg: 'RS256' } },
      { protocol: 'HMAC' },
    );
    await expect(signRecipeToken(rs256, values)).rejects.toMatchObject({ code: 'unsupported_auth_mode' });
    const none = signingRecipeOf('x', { ...ghostLike.token, header: { alg: 'none' } }, { protocol: 'HMAC' });
    await expect(signRecipeToken(none, values)).rejects.toMatchObject({ code: 'unsupported_auth_mode' });

    const notHex = { credentials: { privateKey: { id: 'a', secret: 'not-hex' } }, connectionConfig: {} };
    await expect(signRecipeToken(recipeOf(ghostLike), notHex)).rejects.toMatchObject({
      name: 'KeyMaterialError',
      path: ['privateKey', 'secret'],
    });
    const noKey = { credentials: { privateKey: { id: 'a' } }, connectionConfig: {} };
    await expect(signRecipeToken(recipeOf(ghostLike), noKey)).rejects.toMatchObject({
      name: 'KeyMaterialError',
      path: ['privateKey', 'secret'],
    });
    const rsaPem = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    const es256 = signingRecipeOf('x', { signing_key: '${k}', expires_in_ms: 1000 }, { protocol: 'EC' });
    await expect(
      signRecipeToken(es256, { credentials: { k: rsaPem }, connectionConfig: {} }),
    ).rejects.toMatchObject({
      name: 'KeyMaterialError',
      path: ['k'],
      message: 'The key does not suit algorithm ES256.',
    });
  });
});

describe('the JWT mode', () => {
  const renew = (credentials: Credentials) =>
    jwtMode.renew!({
      provider: ghostLike,
      integration: {} as never,
      credentials,
      connectionConfig: {},
      scopes: [],
      runtime,
    });

  it('renews by signing again locally, keeping the key material, and never by calling the provider', async () => {
    const credentials = {
      type: 'JWT' as const,
      privateKey: GHOST_KEY,
      token: 'old',
      expires_at: '2020-01-01T00:00:00.000Z',
    };
    const renewed = await renew(credentials);
    expect(renewed.credentials).toEqual({
      type: 'JWT',
      privateKey: GHOST_KEY,
      token: expect.stringMatching(/^ey/),
      expires_at: renewed.expiresAt!.toISOString(),
    });
    const { payload } = await jwtVerify(
      (renewed.credentials as { token: string }).token,
      Buffer.from(GHOST_KEY.secret, 'hex'),
      { audience: '/admin/' },
    );
    expect(payload.exp! * 1000).toBe(renewed.expiresAt!.getTime());
  });

  it('answers invalid_credentials when the stored key can no longer sign', async () => {
    const credentials = { type: 'JWT' as const, privateKey: { id: 'a', secret: 'zz' }, token: 't' };
    await expect(renew(credentials)).rejects.toMatchObject({ code: 'invalid_credentials' });
  });

  it('sends the token as Bearer by default and offers it to templates as accessToken', () => {
    const credentials = { type: 'JWT' as const, token: 'tok', privateKey: GHOST_KEY };
    const request = { method: 'GET', url: new URL('http://x.invalid'), headers: {} };
    expect(
      jwtMode.authorize({
        provider: ghostLike,
        integration: {} as never,
        credentials,
        connectionConfig: {},
        request,
      }),
    ).toEqual({ headers: { authorization: 'Bearer tok' } });
    expect(jwtMode.templateValues(credentials)).toMatchObject({ accessToken: 'tok', token: 'tok' });
    expect(jwtMode.currentToken(credentials)).toBe('tok');
  });
});
