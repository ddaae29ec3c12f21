/**
 * The router quirks of compat doc 1.1–1.4 that `@nangohq/node` (and older SDKs) rely on: booleans as strings, the
 * unused `refresh_github_app_jwt_token` flag, trailing slashes, the singular `/connection/...` aliases, JSON
 * Content-Type on bodiless calls, the host's trailing slash and the deprecated `secretKey` option.
 */
import { Nango } from '@nangohq/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../../server/test/support/test-database';
import { tracked } from './coverage';
import { KEYS, type SdkFixture, startSdkFixture } from './fixture';
import * as shapes from './sdk-shapes';

interface ErrorBody {
  error: { code: string; message: string };
}

describe.each(databaseKinds())('Nango router quirks (%s)', (kind) => {
  let f: SdkFixture;
  let oauth2 = '';
  let apiKey = '';

  /** A request as the SDK sends them: Bearer key and a JSON Content-Type even with no body. */
  const call = (path: string, init: RequestInit = {}) =>
    f.h.api(path, { ...init, headers: { 'content-type': 'application/json', ...init.headers } });
  const json = async <T>(response: Response, status: number): Promise<T> => {
    const body = (await response.json()) as T;
    expect(response.status, JSON.stringify(body)).toBe(status);
    return body;
  };

  beforeAll(async () => {
    f = await startSdkFixture(kind);
    oauth2 = await f.connectOAuth2('quirky');
    apiKey = await f.connectApiKey('quirky');
  });
  afterAll(() => f?.[Symbol.asyncDispose]());

  it('reads booleans as strings (true/false, 1/0, yes/no), never Boolean("false")', async () => {
    const path = `/connections/${oauth2}?provider_config_key=${KEYS.oauth2}`;
    const grants = f.h.oidc.counters.refreshGrants;
    for (const yes of ['true', '1', 'yes', 'on']) {
      const body = await json<{ credentials: Record<string, unknown> }>(
        await call(`${path}&force_refresh=false&refresh_token=${yes}&refresh_github_app_jwt_token=false`),
        200,
      );
      expect(body.credentials.refresh_token, yes).toEqual(expect.any(String));
    }
    for (const no of ['false', '0', 'no', 'off']) {
      const body = await json<{ credentials: Record<string, unknown> }>(
        await call(`${path}&force_refresh=${no}&refresh_token=${no}`),
        200,
      );
      expect(body.credentials, no).not.toHaveProperty('refresh_token');
    }
    // None of those asked for a refresh.
    expect(f.h.oidc.counters.refreshGrants).toBe(grants);
    const bad = await json<ErrorBody>(await call(`${path}&force_refresh=maybe`), 400);
    expect(bad.error.code).toBe('invalid_query_params');
  });

  it('accepts refresh_github_app_jwt_token=true on a non-GitHub connection and does nothing with it', async () => {
    const grants = f.h.oidc.counters.refreshGrants;
    const body = shapes.connectionFull.parse(
      await json(
        await call(
          `/connections/${apiKey}?provider_config_key=${KEYS.apiKey}&refresh_github_app_jwt_token=true`,
        ),
        200,
      ),
    );
    expect(body.credentials).toEqual({ type: 'API_KEY', apiKey: expect.any(String) });
    expect(f.h.oidc.counters.refreshGrants).toBe(grants);
  });

  it('treats a trailing slash like none', async () => {
    const list = shapes.connectionList.parse(await json(await call('/connections/?endUserId=quirky'), 200));
    expect(list.connections).toHaveLength(2);
    shapes.connectionFull.parse(
      await json(await call(`/connections/${apiKey}/?provider_config_key=${KEYS.apiKey}`), 200),
    );
    shapes.integrationResult.parse(await json(await call(`/integrations/${KEYS.apiKey}/`), 200));
    shapes.providerResult.parse(await json(await call('/providers/github/'), 200));
    expect((await json<{ data: unknown[] }>(await call('/integrations/'), 200)).data.length).toBeGreaterThan(
      0,
    );
    // The SDK's listRecords really calls `/records/?model=…`: the slash does not turn it into a generic 404.
    const records = await json<ErrorBody>(await call('/records/?model=User'), 404);
    expect(records.error.code).toBe('not_supported');
  });

  it('routes the singular /connection aliases older SDKs call', async () => {
    const list = shapes.connectionList.parse(await json(await call('/connection?endUserId=quirky'), 200));
    expect(list.connections.map((c) => c.connection_id).toSorted()).toEqual([oauth2, apiKey].toSorted());
    const one = shapes.connectionFull.parse(
      await json(await call(`/connection/${apiKey}?provider_config_key=${KEYS.apiKey}`), 200),
    );
    expect(one.connection_id).toBe(apiKey);

    const set = await call('/connection/metadata', {
      method: 'POST',
      body: JSON.stringify({ connection_id: apiKey, provider_config_key: KEYS.apiKey, metadata: { a: 1 } }),
    });
    expect(shapes.metadataChange.parse(await json(set, 201)).metadata).toEqual({ a: 1 });
    const merged = await call('/connection/metadata', {
      method: 'PATCH',
      body: JSON.stringify({ connection_id: apiKey, provider_config_key: KEYS.apiKey, metadata: { b: 2 } }),
    });
    await json(merged, 200);
    // The oldest form: id in the path, key in the query, the metadata as the whole body.
    await json(
      await call(`/connection/${apiKey}/metadata?provider_config_key=${KEYS.apiKey}`, {
        method: 'PATCH',
        body: JSON.stringify({ c: 3 }),
      }),
      200,
    );
    expect(await f.nango.getMetadata(KEYS.apiKey, apiKey)).toEqual({ a: 1, b: 2, c: 3 });
    await json(
      await call(`/connection/${apiKey}/metadata?provider_config_key=${KEYS.apiKey}`, {
        method: 'POST',
        body: JSON.stringify({ only: true }),
      }),
      201,
    );
    expect(await f.nango.getMetadata(KEYS.apiKey, apiKey)).toEqual({ only: true });

    const doomed = await f.connectBasic('quirky-delete');
    const deleted = await call(`/connection/${doomed}?provider_config_key=${KEYS.basic}`, {
      method: 'DELETE',
    });
    expect(await json(deleted, 200)).toEqual({ success: true });
  });

  it('accepts an empty body with Content-Type: application/json, and refuses another content type (415)', async () => {
    const empty = await call('/connections', { method: 'GET' });
    expect(empty.status).toBe(200);
    await empty.arrayBuffer();
    const xml = await f.h.api('/connections/metadata', {
      method: 'POST',
      headers: { 'content-type': 'application/xml' },
      body: '<a/>',
    });
    expect((await json<ErrorBody>(xml, 415)).error.code).toBe('invalid_content_type');
    const malformed = await call('/connections/metadata', { method: 'POST', body: '{"oops"' });
    expect((await json<ErrorBody>(malformed, 400)).error.code).toBe('invalid_json');
  });

  it('works with a host written with a trailing slash, the deprecated secretKey option and the flag headers', async () => {
    const slashed = tracked(new Nango({ host: `${f.h.url}/`, apiKey: f.h.t.secretKey }));
    expect(typeof (await slashed.getToken(KEYS.oauth2, oauth2))).toBe('string');
    const legacy = tracked(new Nango({ host: f.h.url, secretKey: f.h.t.secretKey }));
    shapes.connectionList.parse(await legacy.listConnections('quirky-nobody'));
    // A script-style client sends Nango-Is-Sync / Nango-Is-Script / Nango-Is-Dry-Run: "true".
    const script = tracked(
      new Nango({ host: f.h.url, apiKey: f.h.t.secretKey, isSync: true, isScript: true, dryRun: true }),
    );
    expect(await script.getMetadata(KEYS.apiKey, apiKey)).toEqual({ only: true });
  });

  it('answers a wrong or missing key with 401, whatever the SDK calls', async () => {
    const wrong = tracked(new Nango({ host: f.h.url, apiKey: '6f1c0b9e-5d2a-4c47-9a53-0c1d2e3f4a5b' }));
    const error = await wrong.listConnections().then(
      () => undefined,
      (e: unknown) => (e as { response?: { status: number; data: ErrorBody } }).response,
    );
    expect(error?.status).toBe(401);
    expect(error?.data.error.message).toEqual(expect.any(String));
    const missing = await fetch(`${f.h.url}/connections`);
    const body = await json<ErrorBody>(missing, 401);
    expect(body.error.code).toBe('missing_auth_header');
  });
});
