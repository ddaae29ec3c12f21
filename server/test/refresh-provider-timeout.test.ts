/**
 * A refresh whose provider hangs or answers late: it is cut at LATCHKEY_PROVIDER_TIMEOUT_MS, its failure recorded, and
 * nothing else waits for it (on embedded PGlite, whose one connection serves every query, no transaction is held
 * across the provider call); a connection replaced while its provider answers keeps the new credentials.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/platform/config/config';
import { databaseKinds } from './support/test-database';
import { createTestLatchkey, type TestLatchkey } from './support/test-latchkey';

const TIMEOUT_MS = 400;

/** A token endpoint that holds every request until told to answer it (or the client leaves). */
async function startHeldTokenEndpoint() {
  const held: Array<{ answer: (accessToken: string) => void; gone: Promise<void> }> = [];
  const arrivals: Array<() => void> = [];
  const server = createServer((req, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      const gone = new Promise<void>((resolve) => res.once('close', () => resolve()));
      held.push({
        gone,
        answer: (accessToken) =>
          res.writeHead(200, { 'content-type': 'application/json' }).end(
            JSON.stringify({
              access_token: accessToken,
              refresh_token: 'rt',
              token_type: 'Bearer',
              expires_in: 3600,
            }),
          ),
      });
      for (const arrived of arrivals.splice(0)) arrived();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    held,
    nextRequest: () => new Promise<void>((resolve) => arrivals.push(resolve)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('LATCHKEY_PROVIDER_TIMEOUT_MS', () => {
  const dataDir = () => mkdtempSync(path.join(tmpdir(), 'latchkey-config-'));

  it('defaults to 10 s and stays under the database query watchdog', () => {
    expect(loadConfig({ LATCHKEY_DATA_DIR: dataDir() }).providerTimeoutMs).toBe(10_000);
    expect(
      loadConfig({ LATCHKEY_DATA_DIR: dataDir(), LATCHKEY_PROVIDER_TIMEOUT_MS: '2500' }).providerTimeoutMs,
    ).toBe(2500);
    for (const value of ['50', '30000', 'soon']) {
      expect(() => loadConfig({ LATCHKEY_DATA_DIR: dataDir(), LATCHKEY_PROVIDER_TIMEOUT_MS: value })).toThrow(
        ConfigError,
      );
    }
  });
});

describe.each(databaseKinds())('a refresh against a hanging provider (%s)', (kind) => {
  let t: TestLatchkey;
  let endpoint: Awaited<ReturnType<typeof startHeldTokenEndpoint>>;

  beforeAll(async () => {
    endpoint = await startHeldTokenEndpoint();
    t = await createTestLatchkey(kind, {
      LATCHKEY_PROVIDER_TIMEOUT_MS: String(TIMEOUT_MS),
      LATCHKEY_ALLOW_PRIVATE_URLS: '1',
      LATCHKEY_PROACTIVE_REFRESH: 'off',
    });
    const provider = await t.request('/providers', {
      method: 'POST',
      json: {
        name: 'held-provider',
        display_name: 'Held',
        auth_mode: 'OAUTH2',
        authorization_url: `${endpoint.url}/authorize`,
        token_url: `${endpoint.url}/token`,
        docs: 'https://example.com/docs',
      },
    });
    expect(provider.status, await provider.text()).toBe(201);
    const integration = await t.request('/integrations', {
      method: 'POST',
      json: {
        unique_key: 'held',
        provider: 'held-provider',
        credentials: { type: 'OAUTH2', client_id: 'c', client_secret: 's', scopes: 'read' },
      },
    });
    expect(integration.status, await integration.text()).toBe(200);
  });

  afterAll(async () => {
    await t?.[Symbol.asyncDispose]();
    await endpoint?.close();
  });

  async function importConnection(connectionId: string, accessToken: string) {
    const response = await t.request('/connections', {
      method: 'POST',
      json: {
        connection_id: connectionId,
        provider_config_key: 'held',
        credentials: {
          type: 'OAUTH2',
          access_token: accessToken,
          refresh_token: `rt-${randomBytes(4).toString('hex')}`,
          expires_at: new Date(Date.now() + 3600_000).toISOString(),
        },
      },
    });
    expect(response.status, await response.text()).toBe(201);
  }

  async function read(connectionId: string, query = '') {
    const response = await t.request(`/connections/${connectionId}?provider_config_key=held${query}`);
    return {
      status: response.status,
      body: (await response.json()) as {
        credentials?: { access_token?: string };
        error?: { code: string; payload?: Record<string, unknown> };
      },
    };
  }

  it('is cut at the timeout and recorded, while other requests are answered meanwhile', async () => {
    await importConnection('hung', 'at-hung');
    await importConnection('other', 'at-other');
    const arrived = endpoint.nextRequest();
    let forcedDone = false;
    const forced = read('hung', '&force_refresh=true').finally(() => {
      forcedDone = true;
    });
    await arrived;
    // Reads and writes that need the database, while the provider holds the refresh.
    expect((await read('other')).body.credentials?.access_token).toBe('at-other');
    expect((await t.request('/connections')).status).toBe(200);
    await importConnection('written-meanwhile', 'at-meanwhile');
    expect(forcedDone).toBe(false);

    const answer = await forced;
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({
      code: 'invalid_credentials',
      payload: { reason: 'refresh_failed', error: { type: 'upstream_timeout' } },
    });
    await endpoint.held.at(-1)!.gone;
    const row = await t.database.db
      .selectFrom('connections')
      .selectAll()
      .where('connection_id', '=', 'hung')
      .executeTakeFirstOrThrow();
    expect(row.refresh_state).toBe('refresh_failed');
    expect(row.last_refresh_error).toMatchObject({ type: 'upstream_timeout' });
  });

  it('keeps the credentials of a connection replaced while its provider was answering', async () => {
    await importConnection('replaced', 'at-before');
    const arrived = endpoint.nextRequest();
    const forced = read('replaced', '&force_refresh=true');
    await arrived;
    const replaced = importConnection('replaced', 'at-replaced');
    // On PostgreSQL the import waits for the refresh's row lock; embedded, it commits at once.
    if (kind === 'pglite') await replaced;
    endpoint.held.at(-1)!.answer('at-refreshed');
    await replaced;
    expect((await forced).status).toBe(200);
    expect((await read('replaced')).body.credentials?.access_token).toBe('at-replaced');
  });
});
