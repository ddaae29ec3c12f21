/**
 * TWO_STEP's protocol steps as pure functions: reading expiries, mapping token responses, filling the token
 * request's templates, building the requests, checking the end user's body, and signing JWTs.
 */
import { generateKeyPairSync } from 'node:crypto';
import type { Provider } from '@latchkey/providers';
import { decodeJwt, jwtVerify, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { placesTokenItself, twoStepMode } from '../../src/auth-modes/two-step/two-step.mode';
import {
  parseDuration,
  parseExpirationDate,
  tokenExpiry,
} from '../../src/auth-modes/two-step/two-step-expiry';
import { declaredCredentials } from '../../src/auth-modes/two-step/two-step-input';
import {
  buildStepRequest,
  exchangeSteps,
  unsupportedFeatures,
} from '../../src/auth-modes/two-step/two-step-request';
import {
  mapTokenResponse,
  mergeHeaderValues,
  responseHeaderValues,
} from '../../src/auth-modes/two-step/two-step-response';
import {
  assertionExpired,
  signAssertion,
  signTokenRecipe,
} from '../../src/auth-modes/two-step/two-step-signing';
import {
  fillTokenHeaders,
  fillTokenParams,
  fillTokenUrl,
  templateScope,
} from '../../src/auth-modes/two-step/two-step-templates';
import { DOCS, field, latchkeyErrorOf, latchkeyErrorOfAsync, modeIntegration } from './auth-mode-fixtures';

const NOW = new Date('2030-01-01T00:00:00.000Z');

function provider(entry: Record<string, unknown>): Provider {
  return {
    name: 'fictional',
    display_name: 'Fictional',
    docs: DOCS,
    auth_mode: 'TWO_STEP',
    token_url: 'https://auth.example.com/session',
    token_response: { token: 'access_token' },
    ...entry,
  } as unknown as Provider;
}

const integration = modeIntegration();

describe('token expiry', () => {
  const tokens = { token: 'opaque', refreshToken: undefined };
  const at = (ms: number) => new Date(NOW.getTime() + ms);

  it('reads expireIn as seconds (number or digits) or as a duration', () => {
    const strategy = { strategy: 'expireIn' as const, fallbackMs: undefined };
    expect(tokenExpiry(3600, strategy, tokens, NOW)).toEqual(at(3_600_000));
    expect(tokenExpiry('900', strategy, tokens, NOW)).toEqual(at(900_000));
    expect(tokenExpiry('2h', strategy, tokens, NOW)).toEqual(at(7_200_000));
    expect(tokenExpiry('1 day', strategy, tokens, NOW)).toEqual(at(86_400_000));
    expect(() => tokenExpiry('soon', strategy, tokens, NOW)).toThrow();
  });

  it('reads expireAt (the default) as an ISO date, epoch seconds or milliseconds, or D:HH:MM from now', () => {
    const strategy = { strategy: undefined, fallbackMs: undefined };
    expect(tokenExpiry('2030-01-02T00:00:00Z', strategy, tokens, NOW)).toEqual(
      new Date('2030-01-02T00:00:00Z'),
    );
    expect(tokenExpiry(1_900_000_000, strategy, tokens, NOW)).toEqual(new Date(1_900_000_000_000));
    expect(tokenExpiry(1_900_000_000_000, strategy, tokens, NOW)).toEqual(new Date(1_900_000_000_000));
    expect(tokenExpiry('2:03:04', strategy, tokens, NOW)).toEqual(at(((2 * 24 + 3) * 60 + 4) * 60_000));
    expect(parseExpirationDate('not a date', NOW)).toBeNull();
  });

  it('falls back on token_expires_in_ms (0: never), else a practically endless lifetime', () => {
    expect(tokenExpiry(undefined, { strategy: 'expireIn', fallbackMs: 60_000 }, tokens, NOW)).toEqual(
      at(60_000),
    );
    expect(tokenExpiry(undefined, { strategy: undefined, fallbackMs: 0 }, tokens, NOW)).toBeNull();
    const endless = tokenExpiry(undefined, { strategy: undefined, fallbackMs: undefined }, tokens, NOW);
    expect(endless!.getUTCFullYear()).toBeGreaterThan(2120);
  });

  it('is shortened by a JWT token’s exp (less 15 minutes) when no expiration is stated, and by a JWT refresh token’s', async () => {
    const exp = Math.floor(NOW.getTime() / 1000) + 3600;
    const jwt = await new SignJWT({ exp }).setProtectedHeader({ alg: 'HS256' }).sign(new Uint8Array(32));
    const settings = { strategy: undefined, fallbackMs: 86_400_000 };
    expect(tokenExpiry(undefined, settings, { token: jwt, refreshToken: undefined }, NOW)).toEqual(
      at(45 * 60_000),
    );
    expect(tokenExpiry(undefined, settings, { token: 'opaque', refreshToken: jwt }, NOW)).toEqual(
      at(45 * 60_000),
    );
    // A stated expiration is trusted over the token's own exp; a later refresh token exp changes nothing.
    expect(
      tokenExpiry(
        600,
        { strategy: 'expireIn', fallbackMs: undefined },
        { token: jwt, refreshToken: undefined },
        NOW,
      ),
    ).toEqual(at(600_000));
  });

  it('parses durations as the ms package does', () => {
    expect(parseDuration('100')).toBe(100);
    expect(parseDuration('1.5h')).toBe(5_400_000);
    expect(parseDuration('30 mins')).toBe(1_800_000);
    expect(parseDuration('2 weeks')).toBe(1_209_600_000);
    expect(parseDuration('3 fortnights')).toBeUndefined();
  });
});

describe('mapTokenResponse', () => {
  it('reads the token, refresh token and expiry at the entry’s dotted paths; raw keeps the answer but the refresh token', () => {
    const entry = provider({
      token_response: {
        token: 'data.session.access',
        refresh_token: 'data.session.refresh',
        token_expiration: 'data.session.expiresIn',
        token_expiration_strategy: 'expireIn',
      },
    });
    const body = { data: { session: { access: 'tok-1', refresh: 'rt-1', expiresIn: 120 } } };
    expect(mapTokenResponse(entry, body, NOW)).toEqual({
      token: 'tok-1',
      refreshToken: 'rt-1',
      expiresAt: new Date(NOW.getTime() + 120_000),
      // Stored once as refresh_token (stripped from reads by name); not again under the entry's own key in raw.
      raw: { data: { session: { access: 'tok-1', expiresIn: 120 } } },
    });
    expect(body.data.session.refresh).toBe('rt-1');
  });

  it('takes the whole answer as the token when the path is empty (a bare text answer)', () => {
    const mapped = mapTokenResponse(
      provider({ token_response: { token: '' }, token_expires_in_ms: 3_600_000 }),
      'tok-text',
      NOW,
    );
    expect(mapped).toMatchObject({
      token: 'tok-text',
      raw: {},
      expiresAt: new Date(NOW.getTime() + 3_600_000),
    });
  });

  it('refuses an answer without the token, naming no value', () => {
    const error = latchkeyErrorOf(() =>
      mapTokenResponse(provider({}), { token_type: 'bearer', secret: 'x' }, NOW),
    );
    expect(error.code).toBe('unable_to_parse_token_response');
    expect(error.message).not.toContain('x');
  });

  it('refuses an expiry it cannot read', () => {
    const entry = provider({
      token_response: { token: 't', token_expiration: 'e', token_expiration_strategy: 'expireIn' },
    });
    expect(latchkeyErrorOf(() => mapTokenResponse(entry, { t: 'tok', e: 'whenever' }, NOW)).code).toBe(
      'unable_to_parse_token_response',
    );
  });
});

describe('response headers', () => {
  it('keeps named headers, each cookie by name, and all cookies as one Cookie value', () => {
    const headers = new Headers({ 'x-session-id': 's-1' });
    headers.append('set-cookie', 'B1SESSION=abc; Path=/; HttpOnly');
    headers.append('set-cookie', 'ROUTEID=.node1; Path=/');
    expect(responseHeaderValues(headers, ['set-cookie', 'X-Session-Id', 'x-absent'])).toEqual({
      B1SESSION: 'abc',
      ROUTEID: '.node1',
      'X-Session-Id': 's-1',
      _cookies: 'B1SESSION=abc; ROUTEID=.node1',
    });
    expect(mergeHeaderValues({ _cookies: 'a=1', x: '1' }, { _cookies: 'b=2', x: '2' })).toEqual({
      _cookies: 'a=1; b=2',
      x: '2',
    });
  });
});

describe('templates', () => {
  const entry = provider({
    connection_config: { region: field(), tenant: field('F', { optional: true }) },
    credentials: { username: field(), password: field(), nickname: field('F', { optional: true }) },
  });
  const scope = templateScope({
    connectionConfig: { region: 'eu' },
    credentials: { username: 'ada', password: 'p&ss word' },
    declared: { connectionConfig: entry.connection_config, credentials: entry.credentials },
    steps: [{ IdentityServiceUrl: 'https://id.example.com/base', nested: { token: 'tok-1' } }],
    now: NOW,
    random: 'rand-1',
  });

  it('fills nested JSON params from credentials, connection config and earlier answers, keeping types', () => {
    expect(
      fillTokenParams(
        {
          login: { user: '${credentials.username}', secret: '${password}', nick: '${credentials.nickname}' },
          region: '${connectionConfig.region}',
          tenant: '${connectionConfig.tenant}',
          previous: '${step1.nested.token}',
          stamp: '${now}',
          nonce: '${random}',
          remember: true,
          ttl: 30,
        },
        scope,
      ),
    ).toEqual({
      login: { user: 'ada', secret: 'p&ss word', nick: '' },
      region: 'eu',
      tenant: '',
      previous: 'tok-1',
      stamp: NOW.toISOString(),
      nonce: 'rand-1',
      remember: true,
      ttl: 30,
    });
  });

  it('fills headers with functions (base64) and lower-cases their names', () => {
    expect(
      fillTokenHeaders(
        { Authorization: 'Basic ${base64(${credentials.username}:${credentials.password})}' },
        scope,
      ),
    ).toEqual({
      authorization: `Basic ${Buffer.from('ada:p&ss word').toString('base64')}`,
    });
  });

  it('refuses what nobody can fill, saying what is missing and never sending the placeholder', () => {
    expect(latchkeyErrorOf(() => fillTokenParams({ a: '${connectionConfig.account}' }, scope))).toMatchObject(
      {
        code: 'invalid_connection_config',
        errors: [{ code: 'missing', message: 'is missing', path: ['params', 'account'] }],
      },
    );
    expect(latchkeyErrorOf(() => fillTokenParams({ a: '${step1.absent}' }, scope)).code).toBe(
      'token_exchange_failed',
    );
    const unknown = latchkeyErrorOf(() =>
      fillTokenHeaders({ sig: '${md5(${credentials.password})}' }, scope),
    );
    expect(unknown.code).toBe('unsupported_auth_mode');
    expect(unknown.message).not.toContain('p&ss');
    expect(latchkeyErrorOf(() => fillTokenParams({ a: '${credentials.undeclared}' }, scope)).code).toBe(
      'unsupported_auth_mode',
    );
    // A value the integration's config declares is the integration's to set.
    const unset = latchkeyErrorOf(() =>
      fillTokenParams({ id: '${credentials.clientId}' }, { ...scope, integrationFields: ['clientId'] }),
    );
    expect(unset).toMatchObject({ code: 'integration_not_configured' });
    expect(unset.message).toContain('clientId');
  });

  it('percent-encodes credentials into the token URL and checks an earlier answer standing for the base URL', () => {
    const url = fillTokenUrl(
      'https://${connectionConfig.region}.example.com/login?user=${credentials.username}&pw=${credentials.password}',
      scope,
      {
        allowHttp: false,
      },
    );
    expect(url.href).toBe('https://eu.example.com/login?user=ada&pw=p%26ss%20word');
    expect(url.searchParams.get('pw')).toBe('p&ss word');
    expect(
      fillTokenUrl('${step1.IdentityServiceUrl}/.well-known/openid-configuration', scope, {
        allowHttp: false,
      }).href,
    ).toBe('https://id.example.com/base/.well-known/openid-configuration');
    const insecure = templateScope({
      connectionConfig: {},
      credentials: {},
      declared: {},
      steps: [{ base: 'http://id.example.com' }],
      now: NOW,
      random: 'r',
    });
    expect(
      latchkeyErrorOf(() => fillTokenUrl('${step1.base}/token', insecure, { allowHttp: false })).code,
    ).toBe('invalid_connection_config');
    expect(fillTokenUrl('${step1.base}/token', insecure, { allowHttp: true }).href).toBe(
      'http://id.example.com/token',
    );
  });

  it('cannot be moved to another host by a credential value', () => {
    const hostile = templateScope({
      connectionConfig: {},
      credentials: { team: 'evil.example.org/x?' },
      declared: {},
      steps: [],
      now: NOW,
      random: 'r',
    });
    const url = fillTokenUrl('https://api.example.com/team/${credentials.team}', hostile, {
      allowHttp: false,
    });
    expect(url.hostname).toBe('api.example.com');
    expect(url.pathname).toBe('/team/evil.example.org%2Fx%3F');
  });
});

describe('token requests', () => {
  const scope = templateScope({
    connectionConfig: {},
    credentials: { apiKey: 'k-1', username: 'ada', password: 'pw' },
    declared: {},
    steps: [],
    now: NOW,
    random: 'r',
  });
  const build = (entry: Provider, refresh = false) =>
    exchangeSteps(entry, refresh).map((step) =>
      buildStepRequest(step, scope, { allowHttp: false, provider: entry }),
    );

  it('sends JSON by default, with a JSON content type unless the entry sets one', () => {
    const [request] = build(
      provider({
        token_params: { user: '${credentials.username}', n: 1 },
        token_headers: { 'x-key': '${credentials.apiKey}' },
      }),
    );
    expect(request).toEqual({
      method: 'POST',
      url: 'https://auth.example.com/session',
      headers: {
        accept: 'application/json, text/plain, */*',
        'x-key': 'k-1',
        'content-type': 'application/json',
      },
      body: '{"user":"ada","n":1}',
    });
  });

  it('sends a form when body_format says so, and nothing in a GET', () => {
    const [form] = build(
      provider({ body_format: 'form', token_params: { grant_type: 'password', username: '${username}' } }),
    );
    expect(form).toMatchObject({
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=password&username=ada',
    });
    const [get] = build(provider({ token_request_method: 'GET', token_params: { ignored: 'x' } }));
    expect(get).toEqual({
      method: 'GET',
      url: 'https://auth.example.com/session',
      headers: { accept: 'application/json, text/plain, */*' },
    });
  });

  it('uses the refresh recipe when asked, then the additional steps', () => {
    const entry = provider({
      refresh_url: 'https://auth.example.com/refresh',
      refresh_token_params: { rt: '${refresh_token}' },
      token_params: { user: '${username}' },
      additional_steps: [{ token_url: 'https://auth.example.com/step2', token_request_method: 'GET' }],
    });
    const steps = exchangeSteps(entry, true);
    expect(steps.map((step) => [step.url, step.method, step.params])).toEqual([
      ['https://auth.example.com/refresh', 'POST', { rt: '${refresh_token}' }],
      ['https://auth.example.com/step2', 'GET', undefined],
    ]);
    expect(exchangeSteps(entry, false)[0]?.params).toEqual({ user: '${username}' });
  });

  it('names the entry features it does not run', () => {
    expect(unsupportedFeatures(provider({ body_format: 'xml', assertion: { type: 'saml' } }))).toEqual([
      'body_format: xml',
      'assertion.type: saml',
    ]);
    expect(
      unsupportedFeatures(
        provider({ additional_steps: [{ token_url: 'https://x.example.com', body_format: 'xml' }] }),
      ),
    ).toEqual(['additional_steps[0].body_format: xml']);
    expect(unsupportedFeatures(provider({ assertion: { type: 'jwt' }, additional_steps: [] }))).toEqual([]);
  });
});

describe('the end user’s body', () => {
  const entry = provider({
    credentials: {
      username: field(),
      password: field(),
      contentUrl: field('F', { optional: true }),
      assertion: field('F', { automated: true }),
      dppKey: field(),
    },
    integration_config: { dppKey: field('F', { optional: true }) },
    assertion_option: { privateKey: field() },
  });

  it('refuses undeclared keys and missing required ones, by name', () => {
    const error = latchkeyErrorOf(() =>
      declaredCredentials(
        entry,
        { type: 'TWO_STEP', username: 'ada', extra: 'x', assertionOption: {} },
        integration,
      ),
    );
    expect(error.code).toBe('invalid_body');
    expect(error.errors?.map((problem) => [problem.code, problem.path.join('.')])).toEqual([
      ['unrecognized_keys', 'extra'],
      ['missing', 'password'],
      ['missing', 'dppKey'],
      ['missing', 'assertionOption.privateKey'],
    ]);
  });

  it('takes the integration’s fixed values over the end user’s and marks them unstored', () => {
    const declared = declaredCredentials(
      entry,
      { type: 'TWO_STEP', username: 'ada', password: 'pw', assertionOption: { privateKey: 'pem' } },
      { ...integration, custom: { dppKey: 'fixed-dpp' } },
    );
    expect(declared).toEqual({
      credentials: { username: 'ada', password: 'pw', dppKey: 'fixed-dpp' },
      assertionOption: { privateKey: 'pem' },
      preconfigured: new Set(['dppKey']),
    });
  });
});

describe('signing', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const escaped = pem.trim().replace(/\n/g, '\\n');

  async function verified(jwt: string) {
    return jwtVerify(jwt, publicKey, { currentDate: NOW });
  }

  it('signs the entry’s token recipe with a pasted key (escaped line breaks), leaving out unfilled claims', async () => {
    const entry = provider({
      signature: { protocol: 'RSA' },
      token: {
        expires_in_ms: 3_600_000,
        header: { alg: 'RS256', typ: 'JWT' },
        payload: {
          iss: '${credentials.email}',
          sub: '${credentials.delegate}',
          aud: 'https://auth.example.com/token',
          scope: '${credentials.scopes}',
        },
        signing_key: '${credentials.privateKey}',
      },
    });
    const jwt = await signTokenRecipe({
      provider: entry,
      credentials: { email: 'svc@example.com', privateKey: escaped, scopes: 'read write' },
      connectionConfig: {},
      now: NOW,
      random: 'r',
    });
    const { payload, protectedHeader } = await verified(jwt);
    expect(protectedHeader).toEqual({ alg: 'RS256', typ: 'JWT' });
    expect(payload).toEqual({
      iss: 'svc@example.com',
      aud: 'https://auth.example.com/token',
      scope: 'read write',
      iat: NOW.getTime() / 1000,
      exp: NOW.getTime() / 1000 + 3600,
    });
  });

  it('signs a JWT assertion with the key from assertionOption, and tells when one must be signed anew', async () => {
    const entry = provider({
      assertion: {
        type: 'jwt',
        key: '${assertionOption.privateKey}',
        lifetimeInSeconds: 600,
        header: { alg: 'RS256', kid: '${credentials.keyId}' },
        payload: { iss: '${credentials.clientId}', jti: '${random}' },
      },
    });
    const jwt = await signAssertion({
      provider: entry,
      credentials: { clientId: 'client-1', keyId: 'kid-1' },
      connectionConfig: {},
      assertionOption: { privateKey: pem },
      now: NOW,
      random: 'jti-1',
    });
    const { payload, protectedHeader } = await verified(jwt);
    expect(protectedHeader).toEqual({ alg: 'RS256', kid: 'kid-1' });
    expect(payload).toEqual({
      iss: 'client-1',
      jti: 'jti-1',
      iat: NOW.getTime() / 1000,
      exp: NOW.getTime() / 1000 + 600,
    });
    expect(assertionExpired(jwt, NOW)).toBe(false);
    expect(assertionExpired(jwt, new Date(NOW.getTime() + 570_000))).toBe(true);
    expect(assertionExpired(undefined, NOW)).toBe(true);
    expect(decodeJwt(jwt).exp).toBe(NOW.getTime() / 1000 + 600);
  });

  it('refuses a key that is not a private key, without echoing it', async () => {
    const entry = provider({
      signature: { protocol: 'RSA' },
      token: { signing_key: '${credentials.privateKey}', header: { alg: 'RS256' } },
    });
    const error = await latchkeyErrorOfAsync(() =>
      signTokenRecipe({
        provider: entry,
        credentials: { privateKey: 'not-a-key-123' },
        connectionConfig: {},
        now: NOW,
        random: 'r',
      }),
    );
    expect(error.code).toBe('invalid_body');
    expect(error.message).not.toContain('not-a-key-123');
  });
});

describe('the mode’s part of a request', () => {
  const credentials = { type: 'TWO_STEP' as const, token: 'tok-1', raw: { accountID: 'acct-9' } };
  const request = { method: 'GET', url: new URL('https://api.example.com/x'), headers: {} };
  const authorize = (entry: Provider) =>
    twoStepMode.authorize({ provider: entry, integration, credentials, connectionConfig: {}, request });

  it('sends Bearer unless the entry’s proxy headers place the token or the session cookies themselves', () => {
    expect(authorize(provider({ proxy: { base_url: 'https://api.example.com' } }))).toEqual({
      headers: { authorization: 'Bearer tok-1' },
    });
    const own = provider({
      proxy: { base_url: 'https://api.example.com', headers: { 'x-token': '${accessToken}' } },
    });
    expect(placesTokenItself(own)).toBe(true);
    expect(authorize(own)).toEqual({});
    const cookie = provider({
      proxy: { base_url: 'https://api.example.com', headers: { Cookie: '${credentials._cookies}' } },
    });
    expect(authorize(cookie)).toEqual({});
    // Other proxy headers (an API key next to the token) keep the Bearer header.
    const apiKey = provider({
      proxy: { base_url: 'https://api.example.com', headers: { 'x-api-key': '${credentials.apiKey}' } },
    });
    expect(authorize(apiKey)).toEqual({ headers: { authorization: 'Bearer tok-1' } });
  });

  it('gives templates the token as accessToken and every credential field, raw included', () => {
    expect(twoStepMode.templateValues(credentials)).toEqual({ ...credentials, accessToken: 'tok-1' });
    expect(twoStepMode.currentToken(credentials)).toBe('tok-1');
  });
});
