/**
 * TWO_STEP end to end against a simulated provider that issues tokens only for the right credentials sent the way
 * each fictional entry declares them, and accepts only the latest token: the flow through a connect session, the
 * connection read, re-requests (forced, when due with the refresh recipe, after a 401), the proxy, additional steps,
 * a bare-text token fetched by GET, and bad input.
 */
import Nango from '@nangohq/frontend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authModeSteps } from '../support/auth-mode-steps';
import { type FlowHarness, startFlowHarness } from '../support/flow-harness';
import { type SimulatedTwoStep, startSimulatedTwoStep } from '../support/simulated-providers/two-step';
import { databaseKinds } from '../support/test-database';
import { DOCS, field, ISO_TIMESTAMP } from './auth-mode-fixtures';

const LOGIN_FIELDS = {
  username: field('User name'),
  password: field('Password', { secret: true }),
  partnerKey: field('Partner key', { secret: true }),
};

interface TwoStepRead {
  credentials: Record<string, unknown> & { token?: string; refresh_token?: string; expires_at?: string };
  connection_config: Record<string, unknown>;
}

describe.each(databaseKinds())('TWO_STEP (%s)', (kind) => {
  let h: FlowHarness;
  let sim: SimulatedTwoStep;

  /** A fictional TWO_STEP entry whose token endpoints and API are the simulated provider's. */
  const twoStepEntry = (name: string, displayName: string, extra: Record<string, unknown>) => ({
    name,
    display_name: displayName,
    docs: DOCS,
    auth_mode: 'TWO_STEP',
    proxy: { base_url: sim.url },
    ...extra,
  });

  /** The main fictional entry: nested JSON login, partner key header, token under `data.session`. */
  const ledgerEntry = (name: string, extra: Record<string, unknown> = {}) =>
    twoStepEntry(name, 'Simulated Ledger', {
      token_url: `${sim.url}/v2/sessions`,
      connection_config: { region: field('Region', { enum: ['eu', 'us'] }) },
      credentials: LOGIN_FIELDS,
      token_headers: { 'content-type': 'application/json', 'x-partner-key': '${credentials.partnerKey}' },
      token_params: {
        login: { username: '${credentials.username}', password: '${credentials.password}' },
        grant: 'session',
        region: '${connectionConfig.region}',
      },
      token_response: {
        token: 'data.session.access',
        token_expiration: 'data.session.expiresIn',
        token_expiration_strategy: 'expireIn',
        refresh_token: 'data.session.refreshToken',
      },
      token_response_metadata: ['account.id'],
      proxy: { base_url: sim.url, verification: { method: 'GET', endpoints: ['/api/me'] } },
      ...extra,
    });

  beforeAll(async () => {
    h = await startFlowHarness(kind, { env: { LATCHKEY_PROACTIVE_REFRESH: 'off' } });
    sim = await startSimulatedTwoStep();
    await h.registerIntegration('ledger', ledgerEntry('sim-ledger'));
    // Tokens count as due as soon as they are issued (buffer beyond their hour), and the entry refreshes them with
    // its refresh recipe rather than logging in again.
    await h.registerIntegration(
      'ledger-due',
      ledgerEntry('sim-ledger-due', {
        token_expiration_buffer: 2 * 3600,
        refresh_url: `${sim.url}/v2/sessions/refresh`,
        refresh_token_params: { refreshtoken: '${refresh_token}' },
      }),
    );
    await h.registerIntegration(
      'ledger-key',
      twoStepEntry('sim-ledger-key', 'Simulated Ledger (key token)', {
        token_url: `${sim.url}/v2/key-token?key=\${credentials.partnerKey}`,
        token_request_method: 'GET',
        credentials: { partnerKey: field('Partner key', { secret: true }) },
        token_response: { token: '' },
        token_expires_in_ms: 3_600_000,
        proxy: { base_url: sim.url, headers: { 'x-ledger-token': '${accessToken}' } },
      }),
    );
    await h.registerIntegration(
      'ledger-steps',
      twoStepEntry('sim-ledger-steps', 'Simulated Ledger (discovery, then a password grant)', {
        token_url: `${sim.url}/v2/discovery`,
        token_request_method: 'GET',
        token_headers: { 'x-partner-key': '${credentials.partnerKey}' },
        body_format: 'form',
        credentials: LOGIN_FIELDS,
        additional_steps: [
          {
            token_url: '${step1.tokenEndpoint}',
            body_format: 'form',
            token_params: {
              grant_type: 'password',
              username: '${credentials.username}',
              password: '${credentials.password}',
            },
          },
        ],
        token_response: {
          token: 'access_token',
          token_expiration: 'expires_in',
          token_expiration_strategy: 'expireIn',
        },
      }),
    );
    await h.registerIntegration(
      'ledger-xml',
      twoStepEntry('sim-ledger-xml', 'Simulated Ledger (XML)', {
        token_url: `${sim.url}/v2/xml`,
        body_format: 'xml',
        credentials: { username: field('User name') },
        token_params: { request: { login: { user: '${credentials.username}' } } },
        token_response: { token: 'response.session' },
      }),
    );
  });
  afterAll(async () => {
    await sim?.close();
    await h?.[Symbol.asyncDispose]();
  });

  const body = () => ({
    type: 'TWO_STEP',
    username: sim.account.username,
    password: sim.account.password,
    partnerKey: sim.account.partnerKey,
  });

  const steps = authModeSteps<TwoStepRead>(() => h, '/auth/two-step');
  const { read, proxied } = steps;
  /** `params` is the query after the session token: the region the main entry needs, unless told. */
  const connected = (key: string, json: unknown = body(), params = 'params[region]=eu') =>
    steps.connected(key, json, { query: `&${params}` });

  it('exchanges the credentials through a connect session, verifies, and reads back in Nango’s TWO_STEP shape', async () => {
    const before = { issued: sim.issued, connections: await h.countConnections() };
    const id = await connected('ledger');
    expect(sim.issued).toBe(before.issued + 1);
    const request = sim.tokenRequests.at(-1)!;
    expect(request).toMatchObject({ path: '/v2/sessions', status: 200, contentType: 'application/json' });
    expect(JSON.parse(request.body)).toEqual({
      login: { username: sim.account.username, password: sim.account.password },
      grant: 'session',
      region: 'eu',
    });
    // proxy.verification ran with the new token as a Bearer header.
    expect(sim.apiRequests.at(-1)).toMatchObject({
      path: '/api/me',
      status: 200,
      authorization: `Bearer ${sim.currentToken}`,
    });
    expect(await h.countConnections()).toBe(before.connections + 1);

    const { credentials, connection_config } = await read('ledger', id, '&refresh_token=true');
    expect(credentials).toEqual({
      type: 'TWO_STEP',
      token: sim.currentToken,
      refresh_token: sim.currentRefreshToken,
      expires_at: expect.stringMatching(ISO_TIMESTAMP),
      // The mapped refresh token is kept once, as refresh_token, not again at its path in raw.
      raw: {
        data: { session: { access: sim.currentToken, expiresIn: 3600 } },
        account: { id: sim.account.accountId, region: 'eu' },
      },
      username: sim.account.username,
      password: sim.account.password,
      partnerKey: sim.account.partnerKey,
    });
    const lifetime = Date.parse(credentials.expires_at!) - Date.now();
    expect(lifetime).toBeGreaterThan(59 * 60_000);
    expect(lifetime).toBeLessThanOrEqual(60 * 60_000);
    expect(connection_config).toMatchObject({ region: 'eu', 'account.id': sim.account.accountId });
    // Without refresh_token=true the refresh token is left out, as Nango does.
    const plain = await read('ledger', id);
    expect(plain.credentials.refresh_token).toBeUndefined();
    expect(plain.credentials.token).toBe(sim.currentToken);
    // A fresh token is returned as it is: no token request on read.
    expect(sim.issued).toBe(before.issued + 1);
  });

  it('connects through the real @nangohq/frontend SDK (`auth` with TWO_STEP credentials)', async () => {
    const nango = new Nango({ host: h.url, connectSessionToken: await h.createSession() });
    const issued = sim.issued;
    const result = await nango.auth('ledger', { credentials: body(), params: { region: 'eu' } });
    expect(result).toMatchObject({ providerConfigKey: 'ledger', connectionId: expect.any(String) });
    expect(sim.issued).toBe(issued + 1);
    expect((await read('ledger', result.connectionId)).credentials.token).toBe(sim.currentToken);
  });

  it('proxies with the token as a Bearer header, upstream body unchanged', async () => {
    const id = await connected('ledger');
    const text = await proxied('ledger', id, '/api/journal?limit=2&from=2030-01-01');
    expect(sim.apiRequests.at(-1)).toEqual({
      path: '/api/journal?limit=2&from=2030-01-01',
      status: 200,
      authorization: `Bearer ${sim.currentToken}`,
      ledgerToken: undefined,
    });
    expect(text).toBe(
      JSON.stringify({
        account: sim.account.accountId,
        path: '/api/journal',
        query: { limit: '2', from: '2030-01-01' },
        entries: [{ id: 'je-1', amount: 125.5, memo: 'Paper ✓' }],
      }),
    );
  });

  it('asks again on force_refresh, and the next proxied call carries the new token', async () => {
    const id = await connected('ledger');
    const first = await read('ledger', id);
    const requests = sim.tokenRequests.length;
    const forced = await read('ledger', id, '&force_refresh=true');
    expect(sim.tokenRequests.length).toBe(requests + 1);
    expect(sim.tokenRequests.at(-1)).toMatchObject({ path: '/v2/sessions', status: 200 });
    expect(forced.credentials.token).toBe(sim.currentToken);
    expect(forced.credentials.token).not.toBe(first.credentials.token);
    // The stored credential fields carried the second request.
    expect(JSON.parse(sim.tokenRequests.at(-1)!.body)).toMatchObject({
      login: { username: sim.account.username },
    });
    // The simulated API accepts only the latest token: a stale one would get 401.
    await proxied('ledger', id, '/api/journal');
    expect(sim.apiRequests.at(-1)?.authorization).toBe(`Bearer ${forced.credentials.token}`);
    expect(sim.tokenRequests.length).toBe(requests + 1);
  });

  it('asks again when the provider ends the token early (401), and retries the call once', async () => {
    const id = await connected('ledger');
    sim.revokeToken();
    const issued = sim.issued;
    await proxied('ledger', id, '/api/journal');
    expect(sim.issued).toBe(issued + 1);
    expect(sim.apiRequests.slice(-2).map((request) => request.status)).toEqual([401, 200]);
    expect((await read('ledger', id)).credentials.token).toBe(sim.currentToken);
  });

  it('renews a due token on read with the entry’s refresh recipe, and the proxy carries the new token', async () => {
    const id = await connected('ledger-due');
    const refreshToken = sim.currentRefreshToken;
    const before = sim.tokenRequests.length;
    const renewed = await read('ledger-due', id);
    expect(sim.tokenRequests.slice(before).map((request) => [request.path, request.status])).toEqual([
      ['/v2/sessions/refresh', 200],
    ]);
    expect(JSON.parse(sim.tokenRequests.at(-1)!.body)).toEqual({ refreshtoken: refreshToken });
    expect(renewed.credentials.token).toBe(sim.currentToken);
    await proxied('ledger-due', id, '/api/journal');
    expect(sim.apiRequests.at(-1)?.authorization).toBe(`Bearer ${sim.currentToken}`);
  });

  it('fetches a bare-text token by GET with the key in the URL, and sends it where proxy.headers say (no Bearer)', async () => {
    const id = await connected('ledger-key', { type: 'TWO_STEP', partnerKey: sim.account.partnerKey }, '');
    expect(sim.tokenRequests.at(-1)).toMatchObject({ path: '/v2/key-token', status: 200, body: '' });
    const { credentials } = await read('ledger-key', id);
    expect(credentials).toEqual({
      type: 'TWO_STEP',
      token: sim.currentToken,
      expires_at: expect.stringMatching(ISO_TIMESTAMP),
      raw: {},
      partnerKey: sim.account.partnerKey,
    });
    await proxied('ledger-key', id, '/api/journal');
    expect(sim.apiRequests.at(-1)).toMatchObject({ ledgerToken: sim.currentToken, authorization: undefined });
  });

  it('runs additional steps: the second request goes where the first answer says, with what it says', async () => {
    const before = sim.tokenRequests.length;
    const id = await connected(
      'ledger-steps',
      {
        type: 'TWO_STEP',
        username: sim.account.username,
        password: sim.account.password,
        partnerKey: sim.account.partnerKey,
      },
      '',
    );
    expect(sim.tokenRequests.slice(before).map((request) => [request.path, request.status])).toEqual([
      ['/v2/discovery', 200],
      ['/v2/oauth/token', 200],
    ]);
    expect(Object.fromEntries(new URLSearchParams(sim.tokenRequests.at(-1)!.body))).toEqual({
      grant_type: 'password',
      username: sim.account.username,
      password: sim.account.password,
    });
    const { credentials } = await read('ledger-steps', id);
    expect(credentials.token).toBe(sim.currentToken);
    expect(credentials.raw).toEqual({
      access_token: sim.currentToken,
      token_type: 'bearer',
      expires_in: 1800,
    });
    await proxied('ledger-steps', id, '/api/journal');
  });

  describe('bad input', () => {
    async function refused(
      key: string,
      json: unknown,
      status: number,
      code: string,
      params = 'params[region]=eu',
    ) {
      const { error, text } = await steps.refused(key, json, { query: `&${params}`, status });
      expect(error.code).toBe(code);
      expect(text).not.toContain(sim.account.password);
      return error;
    }

    it('refuses a body with an undeclared field, a missing one, or a non-text value, naming the path', async () => {
      const requests = sim.tokenRequests.length;
      const { password: _password, ...withoutPassword } = body();
      const missing = await refused('ledger', withoutPassword, 400, 'invalid_body');
      expect(missing.errors?.map((error) => error.path)).toEqual([['password']]);
      const extra = await refused('ledger', { ...body(), apiKey: 'x' }, 400, 'invalid_body');
      expect(extra.errors?.map((error) => error.path)).toEqual([['apiKey']]);
      const typed = await refused('ledger', { ...body(), username: 42 }, 400, 'invalid_body');
      expect(typed.errors?.[0]?.path).toEqual(['username']);
      await refused('ledger', { ...body(), type: 'BASIC' }, 400, 'invalid_body');
      expect(sim.tokenRequests.length).toBe(requests);
    });

    it('refuses wrong credentials with the provider’s status, never a 500, and stores nothing', async () => {
      const error = await refused('ledger', { ...body(), password: 'wrong' }, 400, 'token_exchange_failed');
      expect(sim.tokenRequests.at(-1)).toMatchObject({ path: '/v2/sessions', status: 401 });
      expect(error.message).toContain('401');
      // The partner key travels in a header: a wrong one is refused as well.
      await refused('ledger', { ...body(), partnerKey: 'pk-wrong' }, 400, 'token_exchange_failed');
    });

    it('refuses a missing connection config value the token request needs', async () => {
      const requests = sim.tokenRequests.length;
      await refused('ledger', body(), 400, 'invalid_connection_config', '');
      expect(sim.tokenRequests.length).toBe(requests);
    });

    it('refuses an entry it cannot run (XML bodies) with unsupported_auth_mode naming the feature', async () => {
      const error = await refused(
        'ledger-xml',
        { type: 'TWO_STEP', username: 'ada' },
        400,
        'unsupported_auth_mode',
        '',
      );
      expect(error.message).toContain('body_format: xml');
    });
  });
});
