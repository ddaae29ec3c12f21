// The OAuth test peer on its own: oidc-provider driven by the headless browser and plain fetch, no Latchkey. If
// these fail, Latchkey's OAuth tests would fail for reasons that are not Latchkey's.
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { driveAuthorization } from './support/browser-driver';
import {
  type OidcServer,
  type OidcServerOptions,
  type OidcTestClient,
  startOidcServer,
} from './support/oidc-server';
import { createPkcePair } from './support/pkce';

// Never fetched: the driver stops at the redirect that leaves the issuer.
const REDIRECT_URI = 'http://127.0.0.1:1/callback';
const postClient: OidcTestClient = {
  client_id: 'post-client',
  client_secret: 'post-secret',
  redirect_uris: [REDIRECT_URI],
  token_endpoint_auth_method: 'client_secret_post',
};
const basicClient: OidcTestClient = {
  client_id: 'basic-client',
  client_secret: 'basic-secret',
  redirect_uris: [REDIRECT_URI],
  token_endpoint_auth_method: 'client_secret_basic',
};

function start(options: Partial<OidcServerOptions> = {}): Promise<OidcServer> {
  return startOidcServer({ clients: [postClient, basicClient], ...options });
}

async function authorize(server: OidcServer, options: { deny?: boolean } = {}) {
  const pkce = createPkcePair();
  const state = crypto.randomUUID();
  const url = new URL(server.authorizationEndpoint);
  url.search = new URLSearchParams({
    client_id: postClient.client_id,
    redirect_uri: REDIRECT_URI,
    response_type: 'code',
    scope: 'openid offline_access read',
    state,
    code_challenge: pkce.challenge,
    code_challenge_method: 'S256',
  }).toString();
  const driven = await driveAuthorization(url.href, { issuer: server.issuer, ...options });
  return { ...driven, state, verifier: pkce.verifier };
}

interface TokenResponse {
  status: number;
  body: Record<string, unknown>;
}

async function tokenRequest(
  server: OidcServer,
  params: Record<string, string>,
  client: OidcTestClient = postClient,
): Promise<TokenResponse> {
  const body = new URLSearchParams(params);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (client.token_endpoint_auth_method === 'client_secret_basic') {
    headers.authorization = `Basic ${btoa(`${client.client_id}:${client.client_secret}`)}`;
  } else {
    body.set('client_id', client.client_id);
    body.set('client_secret', client.client_secret);
  }
  const res = await fetch(server.tokenEndpoint, { method: 'POST', headers, body });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function exchangeCode(server: OidcServer, code: string, verifier: string): Promise<TokenResponse> {
  const params = {
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT_URI,
    code_verifier: verifier,
  };
  return tokenRequest(server, params);
}

async function tokensFromCodeFlow(server: OidcServer): Promise<Record<string, unknown>> {
  const { callbackUrl, verifier } = await authorize(server);
  const { body } = await exchangeCode(server, callbackUrl.searchParams.get('code')!, verifier);
  return body;
}

const refresh = (server: OidcServer, refreshToken: unknown) =>
  tokenRequest(server, { grant_type: 'refresh_token', refresh_token: String(refreshToken) });

describe('oidc-provider test peer', () => {
  it('runs the authorization code flow with PKCE through login and consent', async () => {
    await using server = await start();
    const { callbackUrl, state, verifier, steps } = await authorize(server);

    expect(callbackUrl.origin + callbackUrl.pathname).toBe(REDIRECT_URI);
    expect(callbackUrl.searchParams.get('state')).toBe(state);
    expect(callbackUrl.searchParams.get('iss')).toBe(server.issuer);
    expect(steps.filter((step) => step.startsWith('POST'))).toHaveLength(2);

    const { status, body } = await exchangeCode(server, callbackUrl.searchParams.get('code')!, verifier);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      expires_in: 3600,
      token_type: 'Bearer',
      // OIDC drops offline_access unless prompt=consent was sent; the refresh token comes from our override.
      scope: 'openid read',
    });
    expect(server.counters).toEqual({
      tokenRequests: 1,
      codeGrants: 1,
      refreshGrants: 0,
      clientCredentialsGrants: 0,
    });
    expect(new URLSearchParams(server.lastTokenRequest?.body).get('client_secret')).toBe('post-secret');
  });

  it('rotates refresh tokens and revokes the grant when a rotated-out one is reused', async () => {
    await using server = await start();
    const first = await tokensFromCodeFlow(server);

    const rotated = await refresh(server, first.refresh_token);
    expect(rotated.status).toBe(200);
    expect(rotated.body.refresh_token).toEqual(expect.any(String));
    expect(rotated.body.refresh_token).not.toBe(first.refresh_token);

    const reused = await refresh(server, first.refresh_token);
    expect(reused).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const newest = await refresh(server, rotated.body.refresh_token);
    expect(newest).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(server.counters.refreshGrants).toBe(3);
  });

  it('rejects a wrong code_verifier without consuming the code', async () => {
    await using server = await start();
    const { callbackUrl, verifier } = await authorize(server);
    const code = callbackUrl.searchParams.get('code')!;

    const wrong = await exchangeCode(server, code, createPkcePair().verifier);
    expect(wrong).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect((await exchangeCode(server, code, verifier)).status).toBe(200);
  });

  it('sends access_denied and the state back when the user cancels', async () => {
    await using server = await start();
    const { callbackUrl, state } = await authorize(server, { deny: true });

    expect(callbackUrl.searchParams.get('error')).toBe('access_denied');
    expect(callbackUrl.searchParams.get('state')).toBe(state);
    expect(callbackUrl.searchParams.has('code')).toBe(false);
  });

  it('issues client credentials tokens and records where the client put its secret', async () => {
    await using server = await start();
    const { status, body } = await tokenRequest(
      server,
      { grant_type: 'client_credentials', scope: 'read' },
      basicClient,
    );

    expect(status).toBe(200);
    expect(body).toMatchObject({ access_token: expect.any(String), scope: 'read', expires_in: 3600 });
    expect(body).not.toHaveProperty('refresh_token');
    expect(server.counters.clientCredentialsGrants).toBe(1);
    expect(server.lastTokenRequest?.headers.authorization).toMatch(/^Basic /);
    expect(server.lastTokenRequest?.body).not.toContain('client_secret');
  });

  it('expires access tokens after accessTokenTtlSeconds', async () => {
    await using server = await start({ accessTokenTtlSeconds: 2 });
    const { body } = await tokenRequest(server, { grant_type: 'client_credentials' }, basicClient);
    expect(body.expires_in).toBe(2);

    // exp is whole seconds from issuance, so 2.1 s later it has passed whatever the sub-second phase.
    await sleep(2100);
    const introspection = await fetch(server.introspectionEndpoint, {
      method: 'POST',
      headers: { authorization: `Basic ${btoa('basic-client:basic-secret')}` },
      body: new URLSearchParams({ token: String(body.access_token) }),
    });
    expect(await introspection.json()).toEqual({ active: false });
  });

  it('asks only for the login with skipConsent', async () => {
    await using server = await start({ skipConsent: true });
    const { callbackUrl, steps, verifier } = await authorize(server);

    expect(steps.filter((step) => step.startsWith('POST'))).toHaveLength(1);
    const { body } = await exchangeCode(server, callbackUrl.searchParams.get('code')!, verifier);
    expect(body).toMatchObject({ refresh_token: expect.any(String), scope: 'openid read' });
  });

  it('makes the next refresh fail after revokeAll()', async () => {
    await using server = await start();
    const first = await tokensFromCodeFlow(server);
    const latest = await refresh(server, first.refresh_token);
    expect(latest.status).toBe(200);

    await server.revokeAll();
    const afterRevoke = await refresh(server, latest.body.refresh_token);
    expect(afterRevoke).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });
});
