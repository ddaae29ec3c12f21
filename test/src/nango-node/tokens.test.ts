/**
 * `getToken`, `getRawTokenResponse` and `getConnection`'s refresh options through the real `@nangohq/node`, for a
 * connection of every credential type made by its real flow.
 */
import type { Nango } from '@nangohq/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../../server/test/support/test-database';
import { API_KEY, BASIC_USER, KEYS, type SdkFixture, startSdkFixture } from './fixture';
import * as shapes from './sdk-shapes';

type Token = Awaited<ReturnType<Nango['getToken']>>;

describe.each(databaseKinds())('@nangohq/node tokens (%s)', (kind) => {
  let f: SdkFixture;
  const ids = { oauth2: '', oauth1: '', apiKey: '', basic: '', clientCredentials: '' };

  beforeAll(async () => {
    f = await startSdkFixture(kind);
    ids.oauth2 = await f.connectOAuth2();
    ids.oauth1 = await f.connectOAuth1();
    ids.apiKey = await f.connectApiKey();
    ids.basic = await f.connectBasic();
    ids.clientCredentials = await f.connectClientCredentials();
  });
  afterAll(() => f?.[Symbol.asyncDispose]());

  it('getToken returns the access token of an OAuth 2 connection', async () => {
    const token: Token = shapes.token.parse(await f.nango.getToken(KEYS.oauth2, ids.oauth2));
    const connection = shapes.connectionFull.parse(await f.nango.getConnection(KEYS.oauth2, ids.oauth2));
    expect(connection.credentials.type).toBe('OAUTH2');
    expect(typeof token).toBe('string');
    expect(token).toBe(shapes.oauth2Credentials.parse(connection.credentials).access_token);
  });

  it("getToken returns OAuth 1.0a's {oAuthToken, oAuthTokenSecret} pair", async () => {
    const token = shapes.oauth1Token.parse(await f.nango.getToken(KEYS.oauth1, ids.oauth1));
    expect(token.oAuthToken).toMatch(/^at-/);
    expect(token.oAuthTokenSecret).toMatch(/^ats-/);
    const connection = shapes.connectionFull.parse(await f.nango.getConnection(KEYS.oauth1, ids.oauth1));
    const credentials = shapes.oauth1Credentials.parse(connection.credentials);
    expect(token).toEqual({
      oAuthToken: credentials.oauth_token,
      oAuthTokenSecret: credentials.oauth_token_secret,
    });
  });

  it('getToken returns the whole credentials for API key, basic and client credentials', async () => {
    expect(shapes.token.parse(await f.nango.getToken(KEYS.apiKey, ids.apiKey))).toEqual({
      type: 'API_KEY',
      apiKey: API_KEY,
    });
    expect(shapes.token.parse(await f.nango.getToken(KEYS.basic, ids.basic))).toEqual({
      type: 'BASIC',
      ...BASIC_USER,
    });
    const cc = shapes.clientCredentials.parse(
      await f.nango.getToken(KEYS.clientCredentials, ids.clientCredentials),
    );
    expect(cc.token).not.toBe('');
    expect(cc.client_id).toBe('latchkey-client');
    expect(Date.parse(cc.expires_at ?? '')).toBeGreaterThan(Date.now());
  });

  it("getRawTokenResponse returns the provider's token response, without the refresh token", async () => {
    const raw = await f.nango.getRawTokenResponse(KEYS.oauth2, ids.oauth2);
    expect(raw).toMatchObject({ access_token: expect.any(String), token_type: 'Bearer' });
    expect(raw).not.toHaveProperty('refresh_token');
    const oauth1Raw = await f.nango.getRawTokenResponse(KEYS.oauth1, ids.oauth1);
    expect(oauth1Raw).toMatchObject({ user_id: '4242', screen_name: 'latchkey_tester' });
  });

  it('getConnection strips the refresh token unless refresh_token=true asks for it', async () => {
    const plain = shapes.connectionFull.parse(await f.nango.getConnection(KEYS.oauth2, ids.oauth2));
    expect(plain.credentials).not.toHaveProperty('refresh_token');
    const full = shapes.connectionFull.parse(
      await f.nango.getConnection(KEYS.oauth2, ids.oauth2, false, true),
    );
    const credentials = shapes.oauth2Credentials.parse(full.credentials);
    expect(credentials.refresh_token).toEqual(expect.any(String));
    expect(credentials.raw.refresh_token).toBe(credentials.refresh_token);
  });

  it('force_refresh=true spends the refresh token at the authorization server and returns the new token', async () => {
    const before = shapes.oauth2Credentials.parse(
      (await f.nango.getConnection(KEYS.oauth2, ids.oauth2, false, true)).credentials,
    );
    const grants = f.h.oidc.counters.refreshGrants;
    const token = await f.nango.getToken(KEYS.oauth2, ids.oauth2, true);
    expect(f.h.oidc.counters.refreshGrants).toBe(grants + 1);
    expect(token).not.toBe(before.access_token);
    const after = shapes.oauth2Credentials.parse(
      (await f.nango.getConnection(KEYS.oauth2, ids.oauth2, false, true)).credentials,
    );
    expect(after.access_token).toBe(token);
    // oidc-provider rotates refresh tokens: the stored one is the new one.
    expect(after.refresh_token).not.toBe(before.refresh_token);

    const forcedRaw = await f.nango.getRawTokenResponse(KEYS.oauth2, ids.oauth2, true);
    expect(f.h.oidc.counters.refreshGrants).toBe(grants + 2);
    expect(forcedRaw).toMatchObject({ access_token: expect.any(String) });
    expect(forcedRaw).not.toHaveProperty('refresh_token');
  });

  it('accepts the refresh_github_app_jwt_token flag the SDK always sends, and ignores it', async () => {
    const grants = f.h.oidc.counters.refreshGrants;
    const connection = shapes.connectionFull.parse(
      await f.nango.getConnection(KEYS.oauth2, ids.oauth2, false, false, true),
    );
    expect(connection.connection_id).toBe(ids.oauth2);
    expect(await f.nango.getToken(KEYS.apiKey, ids.apiKey, false, true)).toEqual({
      type: 'API_KEY',
      apiKey: API_KEY,
    });
    expect(f.h.oidc.counters.refreshGrants).toBe(grants);
  });
});
