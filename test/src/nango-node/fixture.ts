/**
 * One Latchkey on a real port per SDK suite, with the real oidc-provider behind the `local` OAuth 2 integration, and
 * helpers that create connections through the real flows the frontend would run: OAuth 2 (headless cookie-jar login),
 * OAuth 1.0a (the strict local provider), API key and basic (verified against a local API), client credentials.
 * `nango` is the real `@nangohq/node` client, recording the methods each test calls (coverage.ts).
 */
import { Nango } from '@nangohq/node';
import { expect } from 'vitest';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  type FlowHarness,
  startFlowHarness,
} from '../../../server/test/support/flow-harness';
import { type OAuth1Provider, startOAuth1Provider } from '../../../server/test/support/oauth1-provider';
import type { DatabaseKind } from '../../../server/test/support/test-database';
import {
  startVerificationServer,
  type VerificationServer,
} from '../../../server/test/support/verification-server';
import { tracked } from './coverage';

export const API_KEY = 'good-api-key';
export const BASIC_USER = { username: 'ada', password: 'correct horse battery staple' };
const DOCS = 'https://example.com/docs';

export interface SdkFixture extends AsyncDisposable {
  h: FlowHarness;
  /** The real SDK pointed at this Latchkey, recording the methods called. */
  nango: Nango;
  oauth1: OAuth1Provider;
  verifier: VerificationServer;
  /** A connect session for this end user (the SDK is not used, so setup does not count as coverage). */
  session(endUserId?: string): Promise<string>;
  /** Each returns the new connection's id. */
  connectOAuth2(endUserId?: string, key?: string): Promise<string>;
  connectOAuth1(endUserId?: string): Promise<string>;
  connectApiKey(endUserId?: string, key?: string): Promise<string>;
  connectBasic(endUserId?: string): Promise<string>;
  connectClientCredentials(endUserId?: string): Promise<string>;
}

/** Integration keys the fixture creates. */
export const KEYS = {
  oauth2: 'local',
  oauth1: 'local-oauth1',
  apiKey: 'apikey',
  basic: 'basic',
  clientCredentials: 'cc',
} as const;

export async function startSdkFixture(
  kind: DatabaseKind,
  options: { env?: Record<string, string> } = {},
): Promise<SdkFixture> {
  const h = await startFlowHarness(kind, options.env === undefined ? {} : { env: options.env });
  const oauth1 = await startOAuth1Provider();
  const verifier = await startVerificationServer({ apiKeys: [API_KEY], basic: [BASIC_USER] });
  await h.registerProvider({
    name: 'local-oauth1',
    display_name: 'Local OAuth 1.0a',
    docs: DOCS,
    auth_mode: 'OAUTH1',
    request_url: `${oauth1.url}/oauth/request_token`,
    authorization_url: `${oauth1.url}/oauth/authorize`,
    token_url: `${oauth1.url}/oauth/access_token`,
    signature_method: 'HMAC-SHA1',
    proxy: { base_url: oauth1.url },
  });
  await h.createIntegration({
    unique_key: KEYS.oauth1,
    provider: 'local-oauth1',
    credentials: { type: 'OAUTH1', client_id: oauth1.consumerKey, client_secret: oauth1.consumerSecret },
  });
  await h.registerProvider(verifier.apiKeyProvider('verified-api'));
  await h.registerProvider(verifier.basicProvider('verified-basic'));
  await h.createIntegration({ unique_key: KEYS.apiKey, provider: 'verified-api' });
  await h.createIntegration({ unique_key: KEYS.basic, provider: 'verified-basic' });
  await h.registerProvider({
    name: 'local-cc',
    display_name: 'Local client credentials',
    docs: DOCS,
    auth_mode: 'OAUTH2_CC',
    token_url: h.oidc.tokenEndpoint,
    token_params: { grant_type: 'client_credentials' },
  });
  await h.createIntegration({ unique_key: KEYS.clientCredentials, provider: 'local-cc' });

  const session = (endUserId = 'user-1') =>
    h.createSession({ end_user: { id: endUserId, email: `${endUserId}@example.com` } });

  /** A direct-credential endpoint as `@nangohq/frontend` calls it. */
  const direct = async (path: string, endUserId: string | undefined, body: unknown) => {
    const response = await fetch(`${h.url}${path}?connect_session_token=${await session(endUserId)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const result = (await response.json()) as { connectionId: string };
    expect(response.status, JSON.stringify(result)).toBe(200);
    return result.connectionId;
  };

  const completed = async (callback: URL) => {
    const response = await h.complete(callback);
    const result = (await response.json()) as { connectionId: string };
    expect(response.status, JSON.stringify(result)).toBe(200);
    return result.connectionId;
  };

  return {
    h,
    nango: tracked(new Nango({ host: h.url, apiKey: h.t.secretKey })),
    oauth1,
    verifier,
    session,
    async connectOAuth2(endUserId, key = KEYS.oauth2) {
      return completed(await h.authorize(key, `connect_session_token=${await session(endUserId)}`));
    },
    async connectOAuth1(endUserId) {
      const connect = await fetch(
        `${h.url}/oauth/connect/${KEYS.oauth1}?connect_session_token=${await session(endUserId)}`,
        { redirect: 'manual' },
      );
      expect(connect.status, await connect.clone().text()).toBe(302);
      // The provider's authorize page approves at once and sends the browser back to Latchkey's callback.
      const authorized = await fetch(connect.headers.get('location') ?? '', { redirect: 'manual' });
      expect(authorized.status).toBe(302);
      return completed(new URL(authorized.headers.get('location') ?? ''));
    },
    connectApiKey: (endUserId, key = KEYS.apiKey) =>
      direct(`/api-auth/api-key/${key}`, endUserId, { apiKey: API_KEY }),
    connectBasic: (endUserId) => direct(`/api-auth/basic/${KEYS.basic}`, endUserId, BASIC_USER),
    connectClientCredentials: (endUserId) =>
      direct(`/oauth2/auth/${KEYS.clientCredentials}`, endUserId, {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
      }),
    async [Symbol.asyncDispose]() {
      await verifier.close();
      await oauth1.close();
      await h[Symbol.asyncDispose]();
    },
  };
}

/** The Axios error an SDK call rejected with: its status and our JSON body. */
export async function sdkRejection(
  promise: Promise<unknown>,
): Promise<{ status: number; data: { error: { code: string; message?: string } } }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  const response = (error as { response?: { status: number; data: unknown } } | undefined)?.response;
  if (response === undefined) throw new Error(`expected an HTTP error from the SDK, got ${String(error)}`);
  return response as { status: number; data: { error: { code: string; message?: string } } };
}
