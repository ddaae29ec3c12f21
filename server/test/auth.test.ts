import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../src/platform/crypto/secret-hash';
import { databaseKinds } from './support/test-database';
import { createTestLatchkey, type TestLatchkey } from './support/test-latchkey';

describe.each(databaseKinds())('secret key authentication (%s)', (kind) => {
  let t: TestLatchkey;
  beforeAll(async () => {
    t = await createTestLatchkey(kind);
  });
  afterAll(() => t[Symbol.asyncDispose]());

  const errorOf = async (response: Response) => ({
    status: response.status,
    ...((await response.json()) as { error: { code: string } }).error,
  });

  it('answers 401 missing_auth_header without the header', async () => {
    expect(await errorOf(await t.request('/integrations', { key: null }))).toMatchObject({
      status: 401,
      code: 'missing_auth_header',
      payload: {},
    });
  });

  it.each(['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer a b', 'Token x'])(
    'answers 401 malformed_auth_header for %j',
    async (header) => {
      const response = await t.latchkey.app.request('/integrations', { headers: { authorization: header } });
      expect(await errorOf(response)).toMatchObject({ status: 401, code: 'malformed_auth_header' });
    },
  );

  it('answers 401 unknown_api_key for a key nobody issued', async () => {
    expect(await errorOf(await t.request('/integrations', { key: randomUUID() }))).toMatchObject({
      status: 401,
      code: 'unknown_api_key',
    });
  });

  it('takes the scheme case-insensitively and UUID keys in any case', async () => {
    const response = await t.latchkey.app.request('/integrations', {
      headers: { authorization: `bearer ${t.secretKey.toUpperCase()}` },
    });
    expect(response.status).toBe(200);
  });

  it('makes the bootstrap key the dev environment full-scope key', async () => {
    const dev = await t.latchkey.services.environments.getByName('dev');
    const keys = await t.latchkey.services.apiKeys.list(dev.id);
    expect(keys.some((k) => k.name === 'bootstrap' || k.hint === t.secretKey.slice(-4))).toBe(true);
    const environments = await t.latchkey.services.environments.list();
    expect(environments.map((e) => e.name).sort()).toEqual(['dev', 'prod']);
  });

  it('stores keys only as SHA-256 hashes', async () => {
    const { rows } = await sql<{ row: string }>`select row_to_json(k)::text as row from api_keys k`.execute(
      t.database.db,
    );
    const dump = rows.map((r) => r.row).join('\n');
    expect(dump).not.toContain(t.secretKey);
    expect(dump).toContain(hashSecret(t.secretKey));
  });

  it('enforces scopes with 403 forbidden, wildcards included', async () => {
    const dev = await t.latchkey.services.environments.getByName('dev');
    const readOnly = await t.latchkey.services.apiKeys.create({
      environmentId: dev.id,
      name: 'read-only',
      scopes: ['environment:integrations:read'],
    });
    expect((await t.request('/integrations', { key: readOnly.secretKey })).status).toBe(200);
    const denied = await t.request('/integrations', {
      key: readOnly.secretKey,
      method: 'POST',
      json: { unique_key: 'x', provider: 'github' },
    });
    expect(await errorOf(denied)).toMatchObject({
      status: 403,
      code: 'forbidden',
      payload: { required_scope: 'environment:integrations:write' },
    });
    expect((await t.request('/providers', { key: readOnly.secretKey })).status).toBe(403);

    const wildcard = await t.latchkey.services.apiKeys.create({
      environmentId: dev.id,
      name: 'integrations-admin',
      scopes: ['environment:integrations:*'],
    });
    const created = await t.request('/integrations', {
      key: wildcard.secretKey,
      method: 'POST',
      json: { unique_key: 'scoped', provider: 'github' },
    });
    expect(created.status).toBe(200);
  });

  it('keeps environments apart', async () => {
    const prod = await t.latchkey.services.environments.getByName('prod');
    const prodKey = await t.latchkey.services.apiKeys.create({
      environmentId: prod.id,
      name: 'p',
      scopes: ['environment:*'],
    });
    await t.request('/integrations', { method: 'POST', json: { unique_key: 'dev-only', provider: 'slack' } });
    const prodList = (await (await t.request('/integrations', { key: prodKey.secretKey })).json()) as {
      data: unknown[];
    };
    expect(prodList.data).toEqual([]);
    expect((await t.request('/integrations/dev-only', { key: prodKey.secretKey })).status).toBe(404);
  });

  it('stops accepting a revoked key at once in this process', async () => {
    const dev = await t.latchkey.services.environments.getByName('dev');
    const temp = await t.latchkey.services.apiKeys.create({
      environmentId: dev.id,
      name: 'temp',
      scopes: ['environment:*'],
    });
    expect((await t.request('/integrations', { key: temp.secretKey })).status).toBe(200);
    await t.latchkey.services.apiKeys.revoke(temp.id);
    expect(await errorOf(await t.request('/integrations', { key: temp.secretKey }))).toMatchObject({
      status: 401,
      code: 'unknown_api_key',
    });
  });

  it('creates more environments, each with its own key', async () => {
    const created = await t.latchkey.services.environments.create('staging');
    const response = await t.request('/integrations', { key: created.secretKey });
    expect(response.status).toBe(200);
    await expect(t.latchkey.services.environments.create('staging')).rejects.toMatchObject({
      code: 'environment_already_exists',
    });
    await expect(t.latchkey.services.environments.create('Bad Name')).rejects.toMatchObject({
      code: 'invalid_body',
    });
    // `/dashboard/team` is the team page, so no environment may be called that.
    await expect(t.latchkey.services.environments.create('team')).rejects.toMatchObject({
      code: 'invalid_body',
      message: expect.stringContaining('reserved'),
    });
  });
});
