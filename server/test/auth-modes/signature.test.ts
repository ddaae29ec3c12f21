/**
 * SIGNATURE (WSSE) end to end against a simulated Emarsys-like API that recomputes every digest, checks `Created`
 * and refuses replayed nonces: the flow through a connect session and through the real `@nangohq/frontend`, the
 * connection read (`token`, `expires_at`), recomputation (forced and when due), the proxy, and bad input.
 */
import Nango from '@nangohq/frontend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authModeSteps } from '../support/auth-mode-steps';
import { type FlowHarness, startFlowHarness } from '../support/flow-harness';
import {
  type SimulatedWsseApi,
  startSimulatedWsseApi,
  WSSE_CONTACTS_BODY,
} from '../support/simulated-providers/signature';
import { databaseKinds } from '../support/test-database';
import { ISO_TIMESTAMP } from './auth-mode-fixtures';

const USER = { username: 'acme_api001', password: 'f3b1c9e2-7d4a-4b8e-9c1d-2e3f4a5b6c7d' };
const USERNAME_TOKEN =
  /^UsernameToken Username="acme_api001", PasswordDigest="[A-Za-z0-9+/=]+", Nonce="[0-9a-f]{32}", Created="[^"]+"$/;

interface Read {
  credentials: { type: string; username: string; password: string; token: string; expires_at: string };
}

describe.each(databaseKinds())('SIGNATURE (%s)', (kind) => {
  let h: FlowHarness;
  let sim: SimulatedWsseApi;

  beforeAll(async () => {
    h = await startFlowHarness(kind, { env: { LATCHKEY_PROACTIVE_REFRESH: 'off' } });
    sim = await startSimulatedWsseApi({ users: [USER] });
    await h.registerIntegration('wsse', sim.entry('sim-wsse'));
    // Headers count as due for ten minutes, not the default fifteen: the stored one stays until then.
    await h.registerIntegration('wsse-kept', { ...sim.entry('sim-wsse-kept'), token_expiration_buffer: 60 });
  });
  afterAll(async () => {
    await sim?.close();
    await h?.[Symbol.asyncDispose]();
  });

  const steps = authModeSteps<Read>(() => h, '/auth/signature');
  const { read, proxied } = steps;
  const connected = (key = 'wsse') => steps.connected(key, { type: 'SIGNATURE', ...USER });

  it('connects through a connect session, verified by the provider, and reads back token and expires_at', async () => {
    const before = { requests: sim.requests.length, connections: await h.countConnections() };
    const started = Date.now();
    const id = await connected();
    expect(sim.requests.slice(before.requests)).toEqual([
      expect.objectContaining({ path: '/api/v2/settings', status: 200, username: USER.username }),
    ]);
    expect(await h.countConnections()).toBe(before.connections + 1);

    const { credentials } = await read('wsse', id);
    expect(credentials).toEqual({
      type: 'SIGNATURE',
      username: USER.username,
      password: USER.password,
      token: expect.stringMatching(USERNAME_TOKEN),
      expires_at: expect.stringMatching(ISO_TIMESTAMP),
    });
    // The entry's five minutes, from when the header was computed.
    const lifetime = Date.parse(credentials.expires_at) - started;
    expect(lifetime).toBeGreaterThanOrEqual(300_000 - 1000);
    expect(lifetime).toBeLessThanOrEqual(300_000 + 60_000);
  });

  it('connects through the real @nangohq/frontend', async () => {
    const nango = new Nango({ host: h.url, connectSessionToken: await h.createSession() });
    const result = await nango.auth('wsse', { credentials: { type: 'SIGNATURE', ...USER } });
    expect(result).toEqual({ connectionId: expect.any(String), providerConfigKey: 'wsse' });
    expect((await read('wsse', result.connectionId)).credentials.username).toBe(USER.username);
  });

  it('proxies with a fresh X-WSSE header per request and passes the body through unchanged', async () => {
    const id = await connected();
    const before = sim.requests.length;
    for (let i = 0; i < 2; i++) {
      expect(await proxied('wsse', id, '/api/v2/contacts')).toBe(WSSE_CONTACTS_BODY);
    }
    const seen = sim.requests.slice(before);
    // Both accepted: a replayed nonce would have been refused.
    expect(seen.map((r) => [r.path, r.status])).toEqual([
      ['/api/v2/contacts', 200],
      ['/api/v2/contacts', 200],
    ]);
    expect(seen[0]!.nonce).not.toBe(seen[1]!.nonce);
  });

  it('recomputes on force_refresh without calling the provider; the next proxied call carries a newer header', async () => {
    const id = await connected('wsse-kept');
    const first = (await read('wsse-kept', id)).credentials;
    // Not due for a while: reads keep the stored header.
    expect((await read('wsse-kept', id)).credentials.token).toBe(first.token);

    const before = sim.requests.length;
    const forced = (await read('wsse-kept', id, '&force_refresh=true')).credentials;
    expect(sim.requests.length).toBe(before);
    expect(forced.token).toMatch(USERNAME_TOKEN);
    expect(forced.token).not.toBe(first.token);
    expect(Date.parse(forced.expires_at)).toBeGreaterThanOrEqual(Date.parse(first.expires_at));
    const forcedCreated = /Created="([^"]+)"/.exec(forced.token)![1]!;

    await proxied('wsse-kept', id, '/api/v2/contacts');
    const sent = sim.requests.at(-1)!;
    expect(sent).toMatchObject({ status: 200, username: USER.username });
    expect(Date.parse(sent.created!)).toBeGreaterThanOrEqual(Date.parse(forcedCreated));
  });

  it('recomputes a due header on read (five minutes is within the default margin)', async () => {
    const id = await connected();
    const first = (await read('wsse', id)).credentials.token;
    const second = (await read('wsse', id)).credentials.token;
    expect(second).toMatch(USERNAME_TOKEN);
    expect(second).not.toBe(first);
  });

  describe('bad input', () => {
    const refused = async (body: unknown) => (await steps.refused('wsse', body)).error;

    it('refuses a body of the wrong shape, naming the path, without calling the provider', async () => {
      const before = sim.requests.length;
      const noPassword = await refused({ type: 'SIGNATURE', username: USER.username });
      expect(noPassword).toMatchObject({
        code: 'invalid_body',
        errors: [expect.objectContaining({ path: ['password'] })],
      });
      const quoted = await refused({ type: 'SIGNATURE', username: 'a", Nonce="x', password: 'p' });
      expect(quoted).toMatchObject({
        code: 'invalid_body',
        errors: [expect.objectContaining({ path: ['username'] })],
      });
      const extra = await refused({ ...USER, apiKey: 'x' });
      expect(extra.code).toBe('invalid_body');
      expect(sim.requests.length).toBe(before);
    });

    it('answers connection_test_failed for a wrong password, and stores nothing', async () => {
      const before = sim.requests.length;
      const wrong = await refused({ type: 'SIGNATURE', username: USER.username, password: 'not-the-secret' });
      expect(wrong.code).toBe('connection_test_failed');
      expect(wrong.message).not.toContain('not-the-secret');
      expect(sim.requests.slice(before)).toEqual([
        expect.objectContaining({ path: '/api/v2/settings', status: 401, reason: 'wrong digest' }),
      ]);
    });
  });
});
