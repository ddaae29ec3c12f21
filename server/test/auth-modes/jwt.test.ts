/**
 * JWT end to end against simulated APIs that verify every token with `jose`: a Ghost-like CMS (HS256 with the
 * hex-decoded secret, `Authorization: Ghost …` from the entry's proxy headers) and an App Store Connect-like API
 * (ES256, Nango's default Bearer). The flow through a connect session and through the real `@nangohq/frontend`, the
 * connection read, re-signing (forced and when due), the proxy, and bad input.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import Nango from '@nangohq/frontend';
import { decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authModeSteps } from '../support/auth-mode-steps';
import { type FlowHarness, startFlowHarness } from '../support/flow-harness';
import {
  CMS_API_VERSION,
  CMS_AUDIENCE,
  CMS_POSTS_BODY,
  type CmsAdminKey,
  type SimulatedJwtApis,
  STORE_APPS_BODY,
  startSimulatedJwtApis,
} from '../support/simulated-providers/jwt';
import { databaseKinds } from '../support/test-database';
import { ISO_TIMESTAMP } from './auth-mode-fixtures';

const CMS_KEY: CmsAdminKey = {
  id: '65a1f0c2b7e4d93a10c8e5f2',
  secret: '9b7c1e04d2a85f3e6c0b1a2d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6a7b',
};
const STORE_KID = 'SIMKEY2QX9';
const STORE_ISSUER = '5e2f9a1c-7b3d-4e6f-a8c0-1d2e3f4a5b6c';

interface Read {
  credentials: Record<string, unknown> & { token: string; expires_at: string };
}

describe.each(databaseKinds())('JWT (%s)', (kind) => {
  let h: FlowHarness;
  let sim: SimulatedJwtApis;
  let storeKey: { pem: string; publicKey: KeyObject };

  beforeAll(async () => {
    h = await startFlowHarness(kind, { env: { LATCHKEY_PROACTIVE_REFRESH: 'off' } });
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    storeKey = {
      pem: ec.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      publicKey: ec.publicKey,
    };
    sim = await startSimulatedJwtApis({
      cmsKeys: [CMS_KEY],
      storeKeys: [{ kid: STORE_KID, issuer: STORE_ISSUER, publicKey: ec.publicKey }],
    });
    await h.registerIntegration('cms', sim.cmsEntry('sim-cms'));
    await h.registerIntegration('store', sim.storeEntry('sim-store'));
    // Tokens count as due as soon as they are signed (a buffer beyond their twenty minutes).
    await h.registerIntegration(
      'store-due',
      sim.storeEntry('sim-store-due', { token_expiration_buffer: 30 * 60 }),
    );
  });
  afterAll(async () => {
    await sim?.close();
    await h?.[Symbol.asyncDispose]();
  });

  const storeCredentials = () => ({
    type: 'JWT' as const,
    issuerId: STORE_ISSUER,
    privateKeyId: STORE_KID,
    privateKey: storeKey.pem,
  });

  const steps = authModeSteps<Read>(() => h, '/auth/jwt');
  const { read, proxied } = steps;
  const cmsQuery = `&params[version]=${CMS_API_VERSION}`;
  const connected = (key: string, body: unknown, query = '') => steps.connected(key, body, { query });
  const connectCms = (body: unknown = { type: 'JWT', privateKey: CMS_KEY }) =>
    connected('cms', body, cmsQuery);

  it('signs a Ghost-like token through a connect session, verified by the provider, and reads it back', async () => {
    const before = { requests: sim.requests.length, connections: await h.countConnections() };
    const id = await connectCms();
    // proxy.verification ran with the new token, checked with the hex-decoded secret.
    expect(sim.requests.slice(before.requests)).toEqual([
      expect.objectContaining({ api: 'cms', path: '/cms/admin/users/', status: 200 }),
    ]);
    expect(sim.requests.at(-1)?.header).toEqual({ typ: 'JWT', alg: 'HS256', kid: CMS_KEY.id });
    expect(await h.countConnections()).toBe(before.connections + 1);

    const { credentials } = await read('cms', id);
    expect(credentials).toEqual({
      type: 'JWT',
      privateKey: CMS_KEY,
      token: expect.any(String),
      expires_at: expect.stringMatching(ISO_TIMESTAMP),
    });
    const { payload } = await jwtVerify(credentials.token, Buffer.from(CMS_KEY.secret, 'hex'), {
      audience: CMS_AUDIENCE,
    });
    expect(payload.exp! - payload.iat!).toBe(300);
    expect(payload.exp! * 1000).toBe(Date.parse(credentials.expires_at));
  });

  it('takes a Ghost admin key pasted whole (id:secret) and stores it split', async () => {
    const id = await connectCms({ privateKey: `${CMS_KEY.id}:${CMS_KEY.secret}` });
    expect((await read('cms', id)).credentials.privateKey).toEqual(CMS_KEY);
  });

  it('proxies with the entry’s Ghost header and version, and passes the body through unchanged', async () => {
    const id = await connectCms();
    const before = sim.requests.length;
    expect(await proxied('cms', id, '/posts/')).toBe(CMS_POSTS_BODY);
    const seen = sim.requests.slice(before);
    expect(seen).toEqual([expect.objectContaining({ api: 'cms', path: '/cms/admin/posts/', status: 200 })]);
    expect(seen[0]!.header).toMatchObject({ alg: 'HS256', kid: CMS_KEY.id });
  });

  it('connects through the real @nangohq/frontend with an ES256 key and a scope from the connection config', async () => {
    const before = sim.requests.length;
    const nango = new Nango({ host: h.url, connectSessionToken: await h.createSession() });
    const result = await nango.auth('store', {
      credentials: storeCredentials(),
      params: { scope: 'GET /v1/apps, GET /v1/builds' },
    });
    expect(result).toEqual({ connectionId: expect.any(String), providerConfigKey: 'store' });
    expect(sim.requests.slice(before)).toEqual([
      expect.objectContaining({ api: 'store', path: '/store/v1/apps', status: 200 }),
    ]);
    const { credentials } = await read('store', result.connectionId);
    expect(credentials).toEqual({
      type: 'JWT',
      issuerId: STORE_ISSUER,
      privateKeyId: STORE_KID,
      privateKey: storeKey.pem,
      token: expect.any(String),
      expires_at: expect.stringMatching(ISO_TIMESTAMP),
    });
    expect(decodeProtectedHeader(credentials.token)).toEqual({ typ: 'JWT', alg: 'ES256', kid: STORE_KID });
    expect(decodeJwt(credentials.token)).toMatchObject({
      iss: STORE_ISSUER,
      scope: ['GET /v1/apps', 'GET /v1/builds'],
    });
  });

  it('re-signs on force_refresh without calling the provider, and the next proxied call carries the new token', async () => {
    const id = await connected('store', storeCredentials());
    const first = (await read('store', id)).credentials;
    // Not due yet (twenty minutes, a one-minute buffer): the proxy sends the stored token as Bearer.
    let before = sim.requests.length;
    expect(await proxied('store', id, '/v1/apps')).toBe(STORE_APPS_BODY);
    expect(sim.requests.slice(before)).toEqual([
      expect.objectContaining({ status: 200, token: first.token }),
    ]);

    before = sim.requests.length;
    const forced = (await read('store', id, '&force_refresh=true')).credentials;
    expect(sim.requests.length).toBe(before);
    expect(forced.token).not.toBe(first.token);
    expect(Date.parse(forced.expires_at)).toBeGreaterThanOrEqual(Date.parse(first.expires_at));
    await jwtVerify(forced.token, storeKey.publicKey, { issuer: STORE_ISSUER });

    await proxied('store', id, '/v1/apps');
    expect(sim.requests.at(-1)).toMatchObject({ status: 200, token: forced.token });
  });

  it('re-signs a due token on read, and the proxy carries a valid one', async () => {
    const id = await connected('store-due', storeCredentials());
    const first = (await read('store-due', id)).credentials.token;
    const second = (await read('store-due', id)).credentials.token;
    expect(second).not.toBe(first);
    await jwtVerify(second, storeKey.publicKey, { issuer: STORE_ISSUER });
    await proxied('store-due', id, '/v1/apps');
    const sent = sim.requests.at(-1)?.token;
    expect([first, second]).not.toContain(sent);
    expect((await read('store-due', id)).credentials.token).not.toBe(sent);
  });

  describe('bad input', () => {
    const refused = async (key: string, body: unknown, query = '') =>
      (await steps.refused(key, body, { query })).error;

    it('refuses a body of the wrong shape, naming the path', async () => {
      const wrongType = await refused('cms', { type: 'OAUTH2', privateKey: CMS_KEY }, cmsQuery);
      expect(wrongType).toMatchObject({
        code: 'invalid_body',
        errors: [expect.objectContaining({ path: ['type'] })],
      });
      const notText = await refused('cms', { privateKey: 42 }, cmsQuery);
      expect(notText.code).toBe('invalid_body');
      expect(notText.message).toContain('privateKey');
    });

    it('refuses missing declared credentials and key material that cannot sign, without calling the provider', async () => {
      const before = sim.requests.length;
      const missing = await refused('store', { type: 'JWT', privateKey: storeKey.pem });
      expect(missing.code).toBe('invalid_body');
      expect(missing.errors?.map((e) => e.path)).toEqual([['issuerId'], ['privateKeyId']]);
      const notHex = await refused('cms', { privateKey: { id: CMS_KEY.id, secret: 'not-hex!' } }, cmsQuery);
      expect(notHex).toMatchObject({ code: 'invalid_body', errors: [{ path: ['privateKey', 'secret'] }] });
      expect(notHex.message).not.toContain('not-hex!');
      const notPem = await refused('store', { ...storeCredentials(), privateKey: 'MIGHAgEAMBMGByqGSM49' });
      expect(notPem).toMatchObject({ code: 'invalid_body', errors: [{ path: ['privateKey'] }] });
      expect(sim.requests.length).toBe(before);
    });

    it('answers connection_test_failed when the provider refuses the token, and stores nothing', async () => {
      const before = sim.requests.length;
      const wrongSecret = await refused(
        'cms',
        { privateKey: { id: CMS_KEY.id, secret: CMS_KEY.secret.replace(/^9b/, '9c') } },
        cmsQuery,
      );
      expect(wrongSecret.code).toBe('connection_test_failed');
      const otherKey = generateKeyPairSync('ec', { namedCurve: 'P-256' })
        .privateKey.export({ type: 'pkcs8', format: 'pem' })
        .toString();
      const wrongKey = await refused('store', { ...storeCredentials(), privateKey: otherKey });
      expect(wrongKey.code).toBe('connection_test_failed');
      expect(sim.requests.slice(before).map((r) => [r.status, r.reason])).toEqual([
        [401, expect.stringMatching(/signature/i)],
        [401, expect.stringMatching(/signature/i)],
      ]);
    });
  });
});
