/**
 * NetSuite TBA end to end against a simulated NetSuite that recomputes every OAuth 1.0a HMAC-SHA256 signature with an
 * independent implementation (query, form body and realm included): the flow with its verification (through a
 * connect session and through the real `@nangohq/frontend`), the read, the
 * consumer override, the proxy (GET with a query, POST with a form body), forced refresh of a token that never
 * expires, and bad input.
 */
import Nango from '@nangohq/frontend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authModeSteps, fetchConnection } from '../support/auth-mode-steps';
import { type FlowHarness, startFlowHarness } from '../support/flow-harness';
import { type SimulatedTba, startSimulatedTba } from '../support/simulated-providers/tba';
import { databaseKinds } from '../support/test-database';

const KEY = 'netsuite';

interface TbaRead {
  credentials: Record<string, unknown>;
  connection_config: Record<string, unknown>;
}

describe.each(databaseKinds())('TBA (%s)', (kind) => {
  let h: FlowHarness;
  let sim: SimulatedTba;

  beforeAll(async () => {
    h = await startFlowHarness(kind);
    sim = await startSimulatedTba({ accountId: '4815162-sb2' });
    await h.registerIntegration(
      KEY,
      {
        name: 'sim-netsuite-tba',
        display_name: 'Simulated NetSuite (TBA)',
        docs: 'https://example.com/docs',
        auth_mode: 'TBA',
        connection_config: {
          accountId: {
            type: 'string',
            title: 'Account ID',
            description: 'Your NetSuite account id',
            pattern: '^[a-zA-Z0-9-_]+$',
          },
        },
        proxy: {
          base_url: `${sim.url}/accounts/\${connectionConfig.accountId}/services/rest`,
          verification: { method: 'GET', endpoints: ['/record/v1/employee'] },
        },
      },
      {
        credentials: { type: 'TBA', client_id: sim.consumerKey, client_secret: sim.consumerSecret },
      },
    );
  });
  afterAll(async () => {
    await sim?.close();
    await h?.[Symbol.asyncDispose]();
  });

  const steps = authModeSteps<TbaRead>(() => h, '/auth/tba');
  /** The account id as a connection config param; `null` sends none. */
  const account = (accountId: string | null = sim.accountId) => ({
    query: accountId === null ? '' : `&params[accountId]=${encodeURIComponent(accountId)}`,
  });
  const connected = (json: unknown) => steps.connected(KEY, json, account());
  const refused = (json: unknown, accountId?: string | null) => steps.refused(KEY, json, account(accountId));
  const read = (id: string, query?: string) => steps.read(KEY, id, query);
  const proxied = (id: string, path: string, init?: RequestInit) => steps.proxied(KEY, id, path, init);

  it('connects through a connect session, verified with a signed request, and reads back in Nango’s TBA shape', async () => {
    const before = { requests: sim.requests.length, connections: await h.countConnections() };
    const token = sim.issueToken();
    const id = await connected({ token_id: token.tokenId, token_secret: token.tokenSecret });
    expect(sim.problems).toEqual([]);
    expect(sim.requests.slice(before.requests)).toEqual([
      {
        method: 'GET',
        path: '/accounts/4815162-sb2/services/rest/record/v1/employee',
        query: {},
        status: 200,
        tokenId: token.tokenId,
        consumerKey: sim.consumerKey,
      },
    ]);
    expect(await h.countConnections()).toBe(before.connections + 1);

    const body = await read(id);
    expect(body.credentials).toEqual({
      type: 'TBA',
      token_id: token.tokenId,
      token_secret: token.tokenSecret,
    });
    expect(body.connection_config).toMatchObject({ accountId: '4815162-sb2' });
    // No secret of the integration joins the connection config (Nango copies the consumer there; Latchkey does not).
    expect(JSON.stringify(body.connection_config)).not.toContain(sim.consumerSecret);
  });

  it('connects through the real @nangohq/frontend, the account id as a param', async () => {
    const token = sim.issueToken();
    const nango = new Nango({ host: h.url, connectSessionToken: await h.createSession() });
    const result = await nango.auth(KEY, {
      credentials: { token_id: token.tokenId, token_secret: token.tokenSecret },
      params: { accountId: sim.accountId },
    });
    expect(result).toEqual({ connectionId: expect.any(String), providerConfigKey: KEY });
    expect(sim.requests.at(-1)).toMatchObject({ status: 200, tokenId: token.tokenId });
    const body = await read(result.connectionId);
    expect(body.credentials).toMatchObject({ type: 'TBA', token_id: token.tokenId });
    expect(body.connection_config).toMatchObject({ accountId: sim.accountId });
  });

  it('proxies GET with a query and POST with a form body, both signed, the body unchanged', async () => {
    const token = sim.issueToken();
    const id = await connected({ token_id: token.tokenId, token_secret: token.tokenSecret });
    const query = new URLSearchParams({ limit: '5', q: 'companyName START_WITH "A&B"', 'x~y': 'é ü' });
    const text = await proxied(id, `/record/v1/customer?${query}`);
    expect(sim.problems).toEqual([]);
    expect(text).toBe(
      JSON.stringify({
        account: '4815162-sb2',
        path: '/accounts/4815162-sb2/services/rest/record/v1/customer',
        query: Object.fromEntries(query),
        form: {},
        note: 'unchanged upstream body ✓',
      }),
    );

    const postedText = await proxied(id, '/record/v1/customer/search?page=2', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'name=Acme+%26+Sons&tag=a%2Fb',
    });
    expect(sim.problems).toEqual([]);
    expect(JSON.parse(postedText)).toMatchObject({ form: { name: 'Acme & Sons' }, query: { page: '2' } });
    expect(sim.requests.at(-1)).toMatchObject({ method: 'POST', status: 200, tokenId: token.tokenId });
  });

  it('signs with the connection’s consumer override when given, and shows it as config_override', async () => {
    const consumer = sim.addConsumer();
    const token = sim.issueToken(consumer.consumerKey);
    const id = await connected({
      token_id: token.tokenId,
      token_secret: token.tokenSecret,
      oauth_client_id_override: consumer.consumerKey,
      oauth_client_secret_override: consumer.consumerSecret,
    });
    expect(sim.requests.at(-1)).toMatchObject({ status: 200, consumerKey: consumer.consumerKey });
    expect((await read(id)).credentials).toEqual({
      type: 'TBA',
      token_id: token.tokenId,
      token_secret: token.tokenSecret,
      config_override: { client_id: consumer.consumerKey, client_secret: consumer.consumerSecret },
    });
    await proxied(id, '/record/v1/customer');
    expect(sim.requests.at(-1)).toMatchObject({ status: 200, consumerKey: consumer.consumerKey });
  });

  it('keeps a token that never expires on force_refresh, and the next call is still signed with it', async () => {
    const token = sim.issueToken();
    const id = await connected({ token_id: token.tokenId, token_secret: token.tokenSecret });
    const forced = await fetchConnection(h, KEY, id, '&force_refresh=true');
    const text = await forced.text();
    // TBA has no renew step: the read answers as for any non-renewable mode (now 400 not_refreshable), never a 500,
    // and the token is untouched.
    expect(forced.status, text).toBeLessThan(500);
    await proxied(id, '/record/v1/customer');
    expect(sim.requests.at(-1)).toMatchObject({ status: 200, tokenId: token.tokenId });
    expect((await read(id)).credentials).toMatchObject({ token_id: token.tokenId });
  });

  it('answers 400 invalid_body naming the missing field, and stores nothing', async () => {
    const requests = sim.requests.length;
    const { error } = await refused({ token_id: 'tid-x' });
    expect(error.code).toBe('invalid_body');
    expect(JSON.stringify(error)).toContain('token_secret');
    expect(sim.requests.length).toBe(requests);
  });

  it('answers 400 invalid_connection_config naming accountId when it is missing', async () => {
    const requests = sim.requests.length;
    const token = sim.issueToken();
    const { error } = await refused({ token_id: token.tokenId, token_secret: token.tokenSecret }, null);
    expect(error.code).toBe('invalid_connection_config');
    expect(JSON.stringify(error)).toContain('accountId');
    expect(sim.requests.length).toBe(requests);
  });

  it('answers 400 connection_test_failed for a token NetSuite refuses, and stores nothing', async () => {
    const before = { connections: await h.countConnections() };
    const token = sim.issueToken();
    for (const wrong of [
      { token_id: token.tokenId, token_secret: 'not-the-secret' },
      { token_id: 'tid-unknown', token_secret: token.tokenSecret },
    ]) {
      const { error, text } = await refused(wrong);
      expect(error.code).toBe('connection_test_failed');
      expect(text).not.toContain(token.tokenSecret);
      expect(text).not.toContain('not-the-secret');
    }
    expect(sim.problems.slice(-2)).toEqual(['signature_invalid', 'token_rejected']);
    // Another account's realm is refused too: the realm is checked, not just the signature.
    await refused({ token_id: token.tokenId, token_secret: token.tokenSecret }, '4815162-sb3');
    expect(sim.problems.at(-1)).toBe('realm_mismatch');
    expect(await h.countConnections()).toBe(before.connections);
  });
});
