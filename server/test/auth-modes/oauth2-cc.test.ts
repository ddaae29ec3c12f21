/**
 * OAUTH2_CC end to end against a simulated provider that issues tokens only to the right client, authenticated the
 * way each fictional entry declares (Basic, body, custom, private_key_jwt; form, JSON or query), with the end user's
 * declared credentials where the entry puts them (`audience` in the parameters, the tenant in a header), and whose API
 * accepts only the newest token: the flow through a connect session, the read, re-requests (forced, when due, after a
 * refused secret), the proxy, and bad input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authModeSteps, fetchConnection, refusalOf } from '../support/auth-mode-steps';
import { type FlowHarness, startFlowHarness } from '../support/flow-harness';
import {
  type SimulatedClientCredentials,
  startSimulatedClientCredentials,
} from '../support/simulated-providers/oauth2-cc';
import { databaseKinds } from '../support/test-database';
import { DOCS, field, ISO_TIMESTAMP } from './auth-mode-fixtures';

interface CcRead {
  credentials: Record<string, unknown> & { token: string; expires_at: string };
  connection_config: Record<string, unknown>;
}

describe.each(databaseKinds())('OAUTH2_CC (%s)', (kind) => {
  let h: FlowHarness;
  let sim: SimulatedClientCredentials;

  /** The main fictional entry: Basic client auth, `audience` in the form, the tenant in `x-tenant`. */
  const ledgerEntry = (name: string, extra: Record<string, unknown> = {}) => ({
    name,
    display_name: 'Ledgerline (client credentials)',
    docs: DOCS,
    auth_mode: 'OAUTH2_CC',
    token_url: sim.tokenUrl('basic', 'form', true),
    token_request_auth_method: 'basic',
    token_params: { grant_type: 'client_credentials', audience: '${credentials.audience}' },
    token_headers: { 'x-tenant': '${credentials.tenant}' },
    token_response_metadata: ['instance_url'],
    credentials: {
      client_id: field('Client ID'),
      client_secret: field('Client secret', { secret: true }),
      audience: field('Audience', { pattern: '^https://' }),
      tenant: field('Tenant'),
    },
    proxy: { base_url: sim.url },
    ...extra,
  });

  beforeAll(async () => {
    h = await startFlowHarness(kind, { env: { LATCHKEY_PROACTIVE_REFRESH: 'off' } });
    sim = await startSimulatedClientCredentials();
    const plain = {
      token_params: { grant_type: 'client_credentials' },
      token_headers: undefined,
      credentials: undefined,
    };
    const entries: Array<[string, Record<string, unknown>]> = [
      ['ledger', ledgerEntry('sim-ledger-cc')],
      // Due as soon as issued: the buffer outlasts the hour a token lives.
      ['ledger-due', ledgerEntry('sim-ledger-cc-due', { token_expiration_buffer: 2 * 3600 })],
      [
        'ledger-json',
        ledgerEntry('sim-ledger-cc-json', {
          token_url: sim.tokenUrl('body', 'json', true),
          token_request_auth_method: undefined,
          body_format: 'json',
        }),
      ],
      [
        'ledger-custom',
        ledgerEntry('sim-ledger-cc-custom', {
          ...plain,
          token_url: sim.tokenUrl('custom', 'query'),
          token_request_auth_method: 'custom',
          body_format: 'query',
        }),
      ],
      [
        'ledger-jwt',
        ledgerEntry('sim-ledger-cc-jwt', {
          ...plain,
          token_url: sim.tokenUrl('jwt', 'form'),
          token_request_auth_method: 'private_key_jwt',
          credentials: {
            client_id: field('Client ID'),
            client_private_key: field('Private key (JWK)', { secret: true }),
          },
        }),
      ],
      ['ledger-mtls', ledgerEntry('sim-ledger-cc-mtls', { ...plain, require_client_certificate: true })],
    ];
    for (const [key, entry] of entries) {
      await h.registerIntegration(key, JSON.parse(JSON.stringify(entry)) as Record<string, unknown>);
    }
  });
  afterAll(async () => {
    await sim?.close();
    await h?.[Symbol.asyncDispose]();
  });

  const body = (extra: Record<string, unknown> = {}) => ({
    client_id: sim.client.clientId,
    client_secret: sim.client.clientSecret,
    audience: sim.client.audience,
    tenant: sim.client.tenant,
    ...extra,
  });

  const steps = authModeSteps<CcRead>(() => h, '/oauth2/auth');
  const { read, proxied } = steps;
  const connected = (key: string, json: unknown = body()) => steps.connected(key, json);

  /** Runs `action` and answers the token requests it caused. */
  async function tokenRequestsOf(action: () => Promise<unknown>) {
    const from = sim.tokenRequests.length;
    await action();
    return sim.tokenRequests.slice(from);
  }

  it('obtains a token through a connect session, with the declared credentials where the entry puts them', async () => {
    const connections = await h.countConnections();
    let id = '';
    const requests = await tokenRequestsOf(async () => {
      id = await connected('ledger');
    });
    expect(requests.map((r) => [r.path, r.status, r.problem])).toEqual([
      ['/tokens/basic-form-tenanted', 200, undefined],
    ]);
    expect(requests[0]?.params).toEqual({ grant_type: 'client_credentials', audience: sim.client.audience });
    expect(requests[0]?.headers['x-tenant']).toBe(sim.client.tenant);
    expect(await h.countConnections()).toBe(connections + 1);

    const { credentials, connection_config } = await read('ledger', id);
    expect(credentials).toEqual({
      type: 'OAUTH2_CC',
      token: sim.currentToken,
      expires_at: expect.stringMatching(ISO_TIMESTAMP),
      client_id: sim.client.clientId,
      client_secret: sim.client.clientSecret,
      raw: {
        access_token: sim.currentToken,
        token_type: 'Bearer',
        expires_in: 3600,
        instance_url: `${sim.url}/api`,
      },
      audience: sim.client.audience,
      tenant: sim.client.tenant,
    });
    expect(Math.abs(Date.parse(credentials.expires_at) - (Date.now() + 3_600_000))).toBeLessThan(60_000);
    expect(connection_config).toMatchObject({ instance_url: `${sim.url}/api` });
  });

  it('proxies with the newest token as Bearer, and passes the upstream body through unchanged', async () => {
    const id = await connected('ledger');
    const text = await proxied('ledger', id, '/api/journal?limit=2');
    expect(text).toBe(sim.apiBody);
    expect(sim.apiRequests.at(-1)).toEqual({
      path: '/api/journal',
      status: 200,
      authorization: `Bearer ${sim.currentToken}`,
    });
  });

  it('re-requests on force_refresh=true, and the next proxied call carries the new token', async () => {
    const id = await connected('ledger');
    const before = (await read('ledger', id)).credentials.token;
    const issued = sim.issued;
    const forced = await tokenRequestsOf(async () => {
      const after = await read('ledger', id, '&force_refresh=true');
      expect(after.credentials.token).not.toBe(before);
      expect(after.credentials.token).toBe(sim.currentToken);
      // The re-request used the stored client and declared credentials.
      expect(after.credentials).toMatchObject({ audience: sim.client.audience, tenant: sim.client.tenant });
    });
    expect(forced.map((r) => [r.status, r.params.audience, r.headers['x-tenant']])).toEqual([
      [200, sim.client.audience, sim.client.tenant],
    ]);
    expect(sim.issued).toBe(issued + 1);

    // A fresh token is returned as it is: no token request on a plain read.
    expect(await tokenRequestsOf(() => read('ledger', id))).toEqual([]);
    expect(await tokenRequestsOf(() => proxied('ledger', id, '/api/journal'))).toEqual([]);
    expect(sim.apiRequests.at(-1)).toMatchObject({
      status: 200,
      authorization: `Bearer ${sim.currentToken}`,
    });
  });

  it('renews a due token on read', async () => {
    const id = await connected('ledger-due');
    const stored = sim.currentToken;
    const requests = await tokenRequestsOf(async () => {
      const { credentials } = await read('ledger-due', id);
      expect(credentials.token).not.toBe(stored);
      expect(credentials.token).toBe(sim.currentToken);
    });
    expect(requests.map((r) => r.status)).toEqual([200]);
  });

  it('re-requests after a 401 from the API (another client took a newer token)', async () => {
    const id = await connected('ledger');
    await connected('ledger');
    const requests = await tokenRequestsOf(async () => {
      expect(await proxied('ledger', id, '/api/journal')).toBe(sim.apiBody);
    });
    expect(requests.map((r) => r.status)).toEqual([200]);
    expect(sim.apiRequests.slice(-2).map((r) => r.status)).toEqual([401, 200]);
  });

  it('authenticates the client in a JSON body, as username/password in the query, and with a signed assertion', async () => {
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['ledger-json', body(), '/tokens/body-json-tenanted'],
      [
        'ledger-custom',
        { client_id: sim.client.clientId, client_secret: sim.client.clientSecret },
        '/tokens/custom-query',
      ],
      [
        'ledger-jwt',
        { client_id: sim.client.clientId, client_private_key: sim.client.privateJwk },
        '/tokens/jwt-form',
      ],
    ];
    for (const [key, json, path] of cases) {
      let id = '';
      const requests = await tokenRequestsOf(async () => {
        id = await connected(key, json);
      });
      expect(
        requests.map((r) => [r.path, r.status, r.problem]),
        key,
      ).toEqual([[path, 200, undefined]]);
      const { credentials } = await read(key, id, '&force_refresh=true');
      expect(credentials.token, key).toBe(sim.currentToken);
    }
    const jwt = await connected('ledger-jwt', cases[2]![1]);
    const { credentials } = await read('ledger-jwt', jwt);
    // Nango's shape for a key-authenticated client: an empty secret, the key kept for re-requests.
    expect(credentials).toMatchObject({ client_secret: '', client_private_key: sim.client.privateJwk });
  });

  describe('bad input', () => {
    async function refused(key: string, json: unknown) {
      const from = sim.tokenRequests.length;
      const refusal = await steps.refused(key, json);
      return { ...refusal, requests: sim.tokenRequests.slice(from) };
    }

    it("answers Nango's missing_client_id / missing_client_secret before any request", async () => {
      const noId = await refused('ledger', body({ client_id: '' }));
      expect([noId.status, noId.error.code, noId.requests]).toEqual([400, 'missing_client_id', []]);
      const noSecret = await refused('ledger', body({ client_secret: undefined }));
      expect([noSecret.status, noSecret.error.code, noSecret.requests]).toEqual([
        400,
        'missing_client_secret',
        [],
      ]);
    });

    it('answers invalid_body naming the field for a wrong body or declared credential', async () => {
      const wrongType = await refused('ledger', body({ client_id: 42 }));
      expect([wrongType.status, wrongType.error.code]).toEqual([400, 'invalid_body']);
      expect(wrongType.error.errors?.map((e) => e.path)).toEqual([['client_id']]);
      const undeclared = await refused('ledger', body({ tenant: undefined, colour: 'blue' }));
      expect(undeclared.error.code).toBe('invalid_body');
      expect(undeclared.error.errors?.map((e) => [e.code, e.path])).toEqual([
        ['unrecognized_keys', ['colour']],
        ['missing', ['tenant']],
      ]);
      const badAudience = await refused('ledger', body({ audience: 'http://plain.test' }));
      expect(badAudience.error.errors?.map((e) => [e.code, e.path])).toEqual([
        ['invalid_format', ['audience']],
      ]);
      const badKey = await refused('ledger-jwt', {
        client_id: sim.client.clientId,
        client_private_key: 'not a jwk',
      });
      expect(badKey.error.errors?.map((e) => e.path)).toEqual([['client_private_key']]);
      for (const failure of [wrongType, undeclared, badAudience, badKey])
        expect(failure.requests).toEqual([]);
    });

    it('answers token_exchange_failed with the provider status when the provider refuses the client', async () => {
      const wrong = await refused('ledger', body({ client_secret: 'not-the-secret' }));
      expect([wrong.status, wrong.error.code]).toEqual([400, 'token_exchange_failed']);
      expect(wrong.error.payload).toEqual({ provider_error: 'invalid_client', status: 401 });
      expect(wrong.requests.map((r) => [r.status, r.problem])).toEqual([
        [401, 'basic: wrong or missing Authorization header'],
      ]);
      expect(JSON.stringify(wrong.error)).not.toContain('not-the-secret');
      const wrongTenant = await refused('ledger', body({ tenant: 'someone-else' }));
      expect(wrongTenant.error.code).toBe('token_exchange_failed');
      expect(wrongTenant.requests.map((r) => r.status)).toEqual([400]);
    });

    it('refuses a client certificate (mTLS) with a clear 400 rather than ignoring it', async () => {
      const certificate = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----';
      const given = await refused('ledger', body({ client_certificate: certificate }));
      expect([given.status, given.error.code, given.requests]).toEqual([400, 'unsupported_auth_mode', []]);
      expect(given.error.message).toContain('client certificate');
      const required = await refused('ledger-mtls', body({ audience: undefined, tenant: undefined }));
      expect([required.status, required.error.code, required.requests]).toEqual([
        400,
        'unsupported_auth_mode',
        [],
      ]);
    });

    it('fails a forced re-request the provider refuses with 400, never a 500', async () => {
      const id = await connected('ledger');
      const secret = sim.client.clientSecret;
      sim.client.clientSecret = 'rotated-at-the-provider';
      try {
        const forced = await refusalOf(await fetchConnection(h, 'ledger', id, '&force_refresh=true'));
        expect(forced.error.code).toBe('invalid_credentials');
      } finally {
        sim.client.clientSecret = secret;
      }
    });

    it('never writes a client secret or private key into the server log', () => {
      const logs = h.t.logs.join('\n');
      expect(logs).not.toContain(sim.client.clientSecret);
      expect(logs).not.toContain((JSON.parse(sim.client.privateJwk) as { d: string }).d);
    });
  });
});
