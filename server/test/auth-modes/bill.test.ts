/**
 * BILL end to end against a simulated BILL API that checks the login's four values and accepts only the latest
 * session: the flow through a connect session and through the real `@nangohq/frontend`, the connection read, re-login (forced, when due, and after a 401),
 * the proxy with the session id and developer key in the entry's headers or BILL's own, and bad input.
 */
import Nango from '@nangohq/frontend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authModeSteps } from '../support/auth-mode-steps';
import { type FlowHarness, startFlowHarness } from '../support/flow-harness';
import { type SimulatedBill, startSimulatedBill } from '../support/simulated-providers/bill';
import { databaseKinds } from '../support/test-database';
import { DOCS, ISO_TIMESTAMP } from './auth-mode-fixtures';

interface BillRead {
  credentials: Record<string, unknown> & { session_id?: string; expires_at?: string };
  connection_config: Record<string, unknown>;
}

describe.each(databaseKinds())('BILL (%s)', (kind) => {
  let h: FlowHarness;
  /** Declares its own header names in proxy.headers, and a verification request. */
  let sim: SimulatedBill;
  /** Entries that place no session id in their headers: BILL's own `sessionId` / `devKey` are sent. */
  let plain: SimulatedBill;

  const steps = authModeSteps<BillRead>(() => h, '/auth/bill');
  const { read, proxied } = steps;
  /** A fictional BILL entry logging in at `of`, whose API is `of` too. */
  const billEntry = (name: string, of: SimulatedBill, extra: Record<string, unknown>) => ({
    name,
    display_name: 'Simulated BILL',
    docs: DOCS,
    auth_mode: 'BILL',
    token_url: `${of.url}/v3/login`,
    ...extra,
  });

  beforeAll(async () => {
    h = await startFlowHarness(kind, { env: { LATCHKEY_PROACTIVE_REFRESH: 'off' } });
    sim = await startSimulatedBill({ headerNames: { session: 'x-bill-session', devKey: 'x-bill-devkey' } });
    plain = await startSimulatedBill();
    await h.registerIntegration(
      'bill',
      billEntry('sim-bill', sim, {
        proxy: {
          base_url: sim.url,
          headers: {
            'x-bill-session': '${credentials.session_id}',
            'x-bill-devkey': '${credentials.dev_key}',
          },
          verification: { method: 'GET', endpoints: ['/v3/me'] },
        },
      }),
    );
    await h.registerIntegration(
      'bill-plain',
      billEntry('sim-bill-plain', plain, {
        display_name: 'Simulated BILL (no session header)',
        proxy: { base_url: plain.url, headers: { accept: 'application/json' } },
      }),
    );
    // Sessions count as due as soon as they open: every read logs in again.
    await h.registerIntegration(
      'bill-due',
      billEntry('sim-bill-due', plain, {
        display_name: 'Simulated BILL (always due)',
        token_expiration_buffer: 36 * 60,
        proxy: { base_url: plain.url },
      }),
    );
  });
  afterAll(async () => {
    await sim?.close();
    await plain?.close();
    await h?.[Symbol.asyncDispose]();
  });

  const body = (of: SimulatedBill) => ({
    username: of.account.username,
    password: of.account.password,
    organization_id: of.account.organizationId,
    dev_key: of.account.devKey,
  });
  const connected = (key: string, of: SimulatedBill) => steps.connected(key, body(of));

  it('logs in through a connect session, verifies, and reads back in Nango’s BILL shape', async () => {
    const before = { logins: sim.logins, connections: await h.countConnections() };
    const id = await connected('bill', sim);
    expect(sim.logins).toBe(before.logins + 1);
    expect(sim.loginBodies.at(-1)).toEqual({
      username: sim.account.username,
      password: sim.account.password,
      organizationId: sim.account.organizationId,
      devKey: sim.account.devKey,
    });
    // proxy.verification ran with the new session in the entry's headers.
    expect(sim.apiRequests.at(-1)).toMatchObject({
      path: '/v3/me',
      status: 200,
      session: sim.currentSession,
    });
    expect(await h.countConnections()).toBe(before.connections + 1);

    const { credentials } = await read('bill', id);
    expect(credentials).toEqual({
      type: 'BILL',
      username: sim.account.username,
      password: sim.account.password,
      organization_id: sim.account.organizationId,
      dev_key: sim.account.devKey,
      session_id: sim.currentSession,
      user_id: sim.account.userId,
      expires_at: expect.stringMatching(ISO_TIMESTAMP),
      raw: {
        sessionId: sim.currentSession,
        organizationId: sim.account.organizationId,
        userId: sim.account.userId,
        trusted: false,
      },
    });
    const lifetime = Date.parse(credentials.expires_at!) - Date.now();
    expect(lifetime).toBeGreaterThan(34 * 60_000);
    expect(lifetime).toBeLessThanOrEqual(35 * 60_000);
    // A fresh session is returned as it is: no login on read.
    expect(sim.logins).toBe(before.logins + 1);
  });

  it('connects through the real @nangohq/frontend', async () => {
    const logins = sim.logins;
    const nango = new Nango({ host: h.url, connectSessionToken: await h.createSession() });
    const result = await nango.auth('bill', { credentials: body(sim) });
    expect(result).toEqual({ connectionId: expect.any(String), providerConfigKey: 'bill' });
    expect(sim.logins).toBe(logins + 1);
    expect((await read('bill', result.connectionId)).credentials.session_id).toBe(sim.currentSession);
  });

  it('proxies with the session id and developer key in the entry’s headers, body unchanged', async () => {
    const id = await connected('bill', sim);
    const text = await proxied('bill', id, '/v3/vendors?max=2&start=0');
    const last = sim.apiRequests.at(-1)!;
    expect(last).toEqual({
      path: '/v3/vendors?max=2&start=0',
      status: 200,
      session: sim.currentSession,
      devKey: sim.account.devKey,
    });
    expect(text).toBe(
      JSON.stringify({
        results: [{ id: '00901VENDOR1', name: 'Acme Paper Co.' }],
        path: '/v3/vendors',
        query: { max: '2', start: '0' },
      }),
    );
  });

  it('logs in again on force_refresh, and the next proxied call carries the new session', async () => {
    const id = await connected('bill', sim);
    const first = await read('bill', id);
    const logins = sim.logins;
    const forced = await read('bill', id, '&force_refresh=true');
    expect(sim.logins).toBe(logins + 1);
    expect(forced.credentials.session_id).toBe(sim.currentSession);
    expect(forced.credentials.session_id).not.toBe(first.credentials.session_id);
    // The simulated API accepts only the latest session: a stale one would get 401.
    await proxied('bill', id, '/v3/vendors');
    expect(sim.apiRequests.at(-1)?.session).toBe(forced.credentials.session_id);
    expect(sim.logins).toBe(logins + 1);
  });

  it('logs in again when the session ended early (401), and retries the call once', async () => {
    const id = await connected('bill', sim);
    sim.expireSession();
    const logins = sim.logins;
    await proxied('bill', id, '/v3/vendors');
    expect(sim.logins).toBe(logins + 1);
    expect(sim.apiRequests.slice(-2).map((request) => request.status)).toEqual([401, 200]);
    expect((await read('bill', id)).credentials.session_id).toBe(sim.currentSession);
  });

  it('logs in again on read when the session is due', async () => {
    const id = await connected('bill-due', plain);
    const logins = plain.logins;
    const first = await read('bill-due', id);
    expect(plain.logins).toBe(logins + 1);
    expect(first.credentials.session_id).toBe(plain.currentSession);
    await proxied('bill-due', id, '/v3/vendors');
    expect(plain.apiRequests.at(-1)?.session).toBe(plain.currentSession);
  });

  it('sends BILL’s own sessionId and devKey headers when the entry places no session id', async () => {
    const id = await connected('bill-plain', plain);
    await proxied('bill-plain', id, '/v3/vendors');
    expect(plain.apiRequests.at(-1)).toMatchObject({
      status: 200,
      session: plain.currentSession,
      devKey: plain.account.devKey,
    });
  });

  it('answers 400 invalid_body naming the missing field, and stores nothing', async () => {
    const logins = sim.logins;
    const { dev_key: _omitted, ...incomplete } = body(sim);
    const { error } = await steps.refused('bill', incomplete);
    expect(error.code).toBe('invalid_body');
    expect(JSON.stringify(error)).toContain('dev_key');
    expect(sim.logins).toBe(logins);
  });

  it('answers 400 when BILL refuses the login, never a 500, without echoing a secret, and stores nothing', async () => {
    const logins = sim.logins;
    const { error, text } = await steps.refused('bill', { ...body(sim), password: 'not-the-password' });
    expect(error.code).toBe('token_exchange_failed');
    expect(text).not.toContain('not-the-password');
    expect(text).not.toContain(sim.account.devKey);
    expect(sim.logins).toBe(logins + 1);
  });
});
