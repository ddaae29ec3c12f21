import type { Provider } from '@latchkey/providers';
import { LatchkeyError } from '@latchkey/schema';
import oauthSign from 'oauth-sign';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accessTokenRequest,
  baseStringUri,
  buildOAuth1AuthorizationUrl,
  type OAuth1Parameter,
  type OAuth1SignatureMethod,
  oauth1SignatureMethod,
  oauth1TokenUrl,
  percentEncode,
  processAccessTokenResponse,
  processOAuth1Callback,
  processRequestTokenResponse,
  requestTokenRequest,
  signature,
  signatureBaseString,
  signProxyRequest,
  signRequest,
} from '../src/auth-modes/oauth1';
import type { OutboundFetch, OutboundResponse } from '../src/platform/outbound/outbound.types';
import { type OAuth1Provider, startOAuth1Provider } from './support/oauth1-provider';

/** Global fetch as an OutboundFetch, with no policy: enough for a loopback peer. */
const outbound: OutboundFetch = async (r) => {
  const res = await fetch(r.url, { method: r.method, headers: r.headers, body: r.body, redirect: 'manual' });
  return { status: res.status, headers: res.headers, text: await res.text(), url: r.url };
};

const CALLBACK = 'http://latchkey.test/oauth/callback?state=abc';

function providerFor(peer: OAuth1Provider, overrides: Partial<Provider> = {}): Provider {
  return {
    name: 'local-oauth1',
    display_name: 'Local OAuth 1.0a',
    docs: 'https://example.com/docs',
    auth_mode: 'OAUTH1',
    request_url: `${peer.url}/oauth/request_token`,
    request_params: { x_auth_access_type: 'write' },
    authorization_url: `${peer.url}/oauth/authorize`,
    authorization_params: { expiration: 'never' },
    token_url: { OAUTH1: `${peer.url}/oauth/access_token` },
    token_params: { include_email: true },
    scope_separator: ',',
    ...overrides,
  };
}

function response(
  status: number,
  text: string,
  contentType = 'application/x-www-form-urlencoded',
): OutboundResponse {
  return {
    status,
    headers: new Headers({ 'content-type': contentType }),
    text,
    url: 'http://provider.test/token',
  };
}

async function caught(action: () => unknown): Promise<LatchkeyError> {
  try {
    await action();
  } catch (error) {
    expect(error).toBeInstanceOf(LatchkeyError);
    return error as LatchkeyError;
  }
  throw new Error('expected a LatchkeyError');
}

describe('OAuth 1.0a signatures (RFC 5849)', () => {
  it('builds the §3.4.1.1 signature base string exactly', () => {
    const url = 'http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b';
    const params: OAuth1Parameter[] = [
      ['oauth_consumer_key', '9djdj82h48djs9d2'],
      ['oauth_token', 'kkk9d7dh3k39sjv7'],
      ['oauth_signature_method', 'HMAC-SHA1'],
      ['oauth_timestamp', '137131201'],
      ['oauth_nonce', '7d8f3e4a'],
      ...new URL(url).searchParams,
      ...new URLSearchParams('c2&a3=2+q'),
    ];
    expect(signatureBaseString('POST', url, params)).toBe(
      'POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26' +
        'c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26' +
        'oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7',
    );
  });

  it('reproduces the §1.2 photos request signature', () => {
    const base = signatureBaseString(
      'GET',
      'http://photos.example.net/photos?file=vacation.jpg&size=original',
      [
        ['oauth_consumer_key', 'dpf43f3p2l4k3l03'],
        ['oauth_token', 'nnch734d00sl2jdk'],
        ['oauth_signature_method', 'HMAC-SHA1'],
        ['oauth_timestamp', '137131202'],
        ['oauth_nonce', 'chapoH'],
        ['file', 'vacation.jpg'],
        ['size', 'original'],
      ],
    );
    expect(signature('HMAC-SHA1', base, 'kd94hf93k423kf44', 'pfkkdhi9sl3r4s00')).toBe(
      'MdpQcU8iPSUjWoN/UDMsK2sui9I=',
    );
  });

  it('signs the OAuth Core 1.0 appendix A.5 request (with oauth_version) as tR3+Ty81…', () => {
    const header = signRequest({
      method: 'GET',
      url: 'http://photos.example.net/photos?file=vacation.jpg&size=original',
      consumerKey: 'dpf43f3p2l4k3l03',
      consumerSecret: 'kd94hf93k423kf44',
      token: 'nnch734d00sl2jdk',
      tokenSecret: 'pfkkdhi9sl3r4s00',
      signatureMethod: 'HMAC-SHA1',
      nonce: 'kllo9940pd9333jh',
      timestamp: 1191242096,
    });
    expect(header).toBe(
      'OAuth oauth_consumer_key="dpf43f3p2l4k3l03", oauth_nonce="kllo9940pd9333jh", ' +
        'oauth_signature="tR3%2BTy81lMeYAr%2FFid0kMTYa%2FWM%3D", oauth_signature_method="HMAC-SHA1", ' +
        'oauth_timestamp="1191242096", oauth_token="nnch734d00sl2jdk", oauth_version="1.0"',
    );
  });

  it('makes PLAINTEXT the encoded secrets joined by & (§3.4.4)', () => {
    expect(signature('PLAINTEXT', 'ignored', 'kd94hf93k423kf44')).toBe('kd94hf93k423kf44&');
    expect(signature('PLAINTEXT', 'ignored', 'c s', 'a&b')).toBe('c%20s&a%26b');
  });

  it('normalizes the base string URI (§3.4.1.2)', () => {
    expect(baseStringUri('HTTP://EXAMPLE.COM:80/r%20v/X?id=123')).toBe('http://example.com/r%20v/X');
    expect(baseStringUri('https://www.example.net:8080/?q=1')).toBe('https://www.example.net:8080/');
    expect(baseStringUri('https://Api.Example.com:443/a/b#frag')).toBe('https://api.example.com/a/b');
  });

  it('percent-encodes the RFC 3986 way and sorts by name, then value', () => {
    expect(percentEncode("AZaz09-._~ !*'()+/=&é")).toBe('AZaz09-._~%20%21%2A%27%28%29%2B%2F%3D%26%C3%A9');
    expect(
      signatureBaseString('get', 'http://h/p', [
        ['b', '1'],
        ['a', 'z'],
        ['a', 'y'],
        ['a b', 'x'],
      ]),
    ).toBe('GET&http%3A%2F%2Fh%2Fp&a%3Dy%26a%3Dz%26a%2520b%3Dx%26b%3D1');
  });

  it('agrees with oauth-sign on awkward parameters', () => {
    const params: OAuth1Parameter[] = [
      ['status', 'Hello Ladies + Gentlemen, a signed OAuth request!'],
      ['include_entities', 'true'],
      ['emoji', '🔑 ünïcödé'],
      ['empty', ''],
      ['oauth_callback', 'http://localhost/cb?state=a b&x=1'],
    ];
    const base = signatureBaseString('POST', 'https://api.example.com/1/update.json', params);
    expect(base).toBe(
      oauthSign.generateBase('POST', 'https://api.example.com/1/update.json', Object.fromEntries(params)),
    );
  });
});

describe('signing a form body whose field repeats', () => {
  it('signs every occurrence, as oauth-sign does', () => {
    const header = signRequest({
      method: 'POST',
      url: 'https://api.example.com/tags?x=1',
      consumerKey: 'ck',
      consumerSecret: 'cs',
      token: 'tk',
      tokenSecret: 'ts',
      signatureMethod: 'HMAC-SHA1',
      nonce: 'n0nce',
      timestamp: 1700000000,
      bodyParams: [
        ['tag', 'a'],
        ['tag', 'b'],
      ],
    });
    const expected = oauthSign.sign(
      'HMAC-SHA1',
      'POST',
      'https://api.example.com/tags',
      {
        oauth_consumer_key: 'ck',
        oauth_nonce: 'n0nce',
        oauth_signature_method: 'HMAC-SHA1',
        oauth_timestamp: '1700000000',
        oauth_token: 'tk',
        oauth_version: '1.0',
        x: '1',
        tag: ['a', 'b'],
      },
      'cs',
      'ts',
    );
    expect(header).toContain(`oauth_signature="${encodeURIComponent(expected)}"`);
  });
});

describe.each<OAuth1SignatureMethod>(['HMAC-SHA1', 'HMAC-SHA256', 'PLAINTEXT'])(
  'three-legged flow (%s)',
  (method) => {
    let peer: OAuth1Provider;
    beforeAll(async () => {
      peer = await startOAuth1Provider({ signatureMethod: method });
    });
    afterAll(() => peer.close());

    it('obtains token credentials and uses them', async () => {
      const provider = providerFor(peer, { signature_method: method });
      const credentials = { consumerKey: peer.consumerKey, consumerSecret: peer.consumerSecret };

      const requestToken = processRequestTokenResponse(
        await requestTokenRequest(outbound, {
          ...credentials,
          provider,
          callbackUrl: CALLBACK,
          requestUrl: provider.request_url ?? '',
        }),
      );
      expect(requestToken.callbackConfirmed).toBe(true);
      expect(peer.lastParams.request_token).toEqual({ x_auth_access_type: 'write' });

      const authorizationUrl = buildOAuth1AuthorizationUrl({
        authorizationUrl: provider.authorization_url ?? '',
        oauthToken: requestToken.oauthToken,
        scopes: ['read', 'write'],
        scopeSeparator: provider.scope_separator,
        authorizationParams: provider.authorization_params,
      });
      expect(authorizationUrl.searchParams.get('scope')).toBe('read,write');
      expect(authorizationUrl.searchParams.get('expiration')).toBe('never');
      const redirect = await fetch(authorizationUrl, { redirect: 'manual' });
      expect(redirect.status).toBe(302);
      const callback = new URL(redirect.headers.get('location') ?? '');
      expect(`${callback.origin}${callback.pathname}`).toBe('http://latchkey.test/oauth/callback');
      expect(callback.searchParams.get('state')).toBe('abc');

      const { oauthVerifier } = processOAuth1Callback(callback.searchParams, {
        oauthToken: requestToken.oauthToken,
      });
      const tokens = processAccessTokenResponse(
        await accessTokenRequest(outbound, {
          ...credentials,
          provider,
          requestToken: requestToken.oauthToken,
          requestTokenSecret: requestToken.oauthTokenSecret,
          verifier: oauthVerifier,
          tokenUrl: oauth1TokenUrl(provider) ?? '',
        }),
      );
      expect(tokens.raw).toMatchObject({ user_id: '4242', screen_name: 'latchkey_tester' });
      expect(tokens.raw.oauth_token).toBe(tokens.oauthToken);
      expect(peer.lastParams.access_token).toEqual({ include_email: 'true' });

      const meUrl = `${peer.url}/api/me?fields=id%2Cscreen_name`;
      const me = await fetch(meUrl, {
        headers: {
          authorization: signProxyRequest({
            method: 'GET',
            url: meUrl,
            ...credentials,
            accessToken: tokens.oauthToken,
            accessTokenSecret: tokens.oauthTokenSecret,
            signatureMethod: method,
          }),
        },
      });
      expect(me.status).toBe(200);
      expect(await me.json()).toEqual({ id: '4242', screen_name: 'latchkey_tester' });
      expect(peer.problems).toEqual([]);
      expect(peer.requests).toEqual({ request_token: 1, authorize: 1, access_token: 1, api_me: 1 });
    });
  },
);

describe('OAuth 1.0a failures', () => {
  let peer: OAuth1Provider;
  let provider: Provider;
  let credentials: { consumerKey: string; consumerSecret: string };
  const thrown: LatchkeyError[] = [];
  const secrets = new Set<string>();

  beforeAll(async () => {
    peer = await startOAuth1Provider();
    provider = providerFor(peer);
    credentials = { consumerKey: peer.consumerKey, consumerSecret: peer.consumerSecret };
    secrets.add(peer.consumerSecret);
  });
  afterAll(() => peer.close());

  async function failure(action: () => unknown): Promise<LatchkeyError> {
    const error = await caught(action);
    thrown.push(error);
    return error;
  }

  async function requestToken() {
    const result = processRequestTokenResponse(
      await requestTokenRequest(outbound, {
        ...credentials,
        provider,
        callbackUrl: CALLBACK,
        requestUrl: `${peer.url}/oauth/request_token`,
      }),
    );
    secrets.add(result.oauthTokenSecret);
    return result;
  }

  async function authorized() {
    const token = await requestToken();
    const redirect = await fetch(`${peer.url}/oauth/authorize?oauth_token=${token.oauthToken}`, {
      redirect: 'manual',
    });
    const callback = new URL(redirect.headers.get('location') ?? '').searchParams;
    return { token, callback };
  }

  function exchange(token: { oauthToken: string; oauthTokenSecret: string }, verifier: string) {
    return accessTokenRequest(outbound, {
      ...credentials,
      provider,
      requestToken: token.oauthToken,
      requestTokenSecret: token.oauthTokenSecret,
      verifier,
      tokenUrl: `${peer.url}/oauth/access_token`,
    });
  }

  /** Sends a request-token call whose header the test controls. */
  function rawRequestToken(authorization: string, body = 'x_auth_access_type=write') {
    return outbound({
      method: 'POST',
      url: `${peer.url}/oauth/request_token`,
      headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
  }

  function signedRequestToken(overrides: Partial<Parameters<typeof signRequest>[0]> = {}) {
    return signRequest({
      method: 'POST',
      url: `${peer.url}/oauth/request_token`,
      ...credentials,
      signatureMethod: 'HMAC-SHA1',
      extraOAuthParams: { oauth_callback: CALLBACK },
      bodyParams: { x_auth_access_type: 'write' },
      ...overrides,
    });
  }

  it('rejects a tampered signature and a tampered body', async () => {
    const header = signedRequestToken();
    const tampered = header.replace(
      /oauth_signature="[^"]+"/,
      'oauth_signature="AAAAAAAAAAAAAAAAAAAAAAAAAAA%3D"',
    );
    const error = await failure(async () => processRequestTokenResponse(await rawRequestToken(tampered)));
    expect(error.code).toBe('token_exchange_failed');
    expect(error.internal).toMatchObject({ status: 401, oauth_problem: 'signature_invalid' });

    const bodyChanged = await rawRequestToken(signedRequestToken(), 'x_auth_access_type=admin');
    expect(bodyChanged.status).toBe(401);
    expect(bodyChanged.text).toBe('oauth_problem=signature_invalid');

    const wrongSecret = await failure(async () =>
      processRequestTokenResponse(
        await requestTokenRequest(outbound, {
          ...credentials,
          consumerSecret: 'not-the-secret',
          provider,
          callbackUrl: CALLBACK,
          requestUrl: `${peer.url}/oauth/request_token`,
        }),
      ),
    );
    expect(wrongSecret.internal).toMatchObject({ oauth_problem: 'signature_invalid' });
  });

  it('rejects a reused nonce, an old timestamp and an unknown consumer key', async () => {
    const header = signedRequestToken({ nonce: 'fixed-nonce-1' });
    expect((await rawRequestToken(header)).status).toBe(200);
    const replay = await failure(async () => processRequestTokenResponse(await rawRequestToken(header)));
    expect(replay.internal).toMatchObject({ status: 401, oauth_problem: 'nonce_used' });

    const old = signedRequestToken({ timestamp: Math.floor(Date.now() / 1000) - 1000 });
    const stale = await failure(async () => processRequestTokenResponse(await rawRequestToken(old)));
    expect(stale.internal).toMatchObject({ status: 400, oauth_problem: 'timestamp_refused' });

    const stranger = await rawRequestToken(signedRequestToken({ consumerKey: 'someone-else' }));
    expect(stranger.text).toBe('oauth_problem=consumer_key_unknown');
  });

  it('requires oauth_callback on the request-token call', async () => {
    const response = await rawRequestToken(signedRequestToken({ extraOAuthParams: {} }));
    expect(response.status).toBe(400);
    expect(response.text).toBe('oauth_problem=parameter_absent');
  });

  it('sends request_params in the query when request_http_method is GET', async () => {
    const token = processRequestTokenResponse(
      await requestTokenRequest(outbound, {
        ...credentials,
        provider: { ...provider, request_http_method: 'GET' },
        callbackUrl: CALLBACK,
        requestUrl: `${peer.url}/oauth/request_token`,
      }),
    );
    secrets.add(token.oauthTokenSecret);
    expect(peer.lastParams.request_token).toEqual({ x_auth_access_type: 'write' });
  });

  it('refuses a request token that is replayed or not yet authorized', async () => {
    const early = await requestToken();
    const unauthorized = await failure(async () =>
      processAccessTokenResponse(await exchange(early, 'whatever')),
    );
    expect(unauthorized.internal).toMatchObject({ oauth_problem: 'token_rejected' });

    const { token, callback } = await authorized();
    const { oauthVerifier } = processOAuth1Callback(callback, { oauthToken: token.oauthToken });
    const tokens = processAccessTokenResponse(await exchange(token, oauthVerifier));
    secrets.add(tokens.oauthTokenSecret);
    const replayed = await failure(async () =>
      processAccessTokenResponse(await exchange(token, oauthVerifier)),
    );
    expect(replayed.code).toBe('token_exchange_failed');
    expect(replayed.internal).toMatchObject({ status: 401, oauth_problem: 'token_rejected' });
  });

  it('turns a wrong verifier into token_exchange_failed', async () => {
    const { token } = await authorized();
    const error = await failure(async () => processAccessTokenResponse(await exchange(token, 'v-wrong')));
    expect(error.code).toBe('token_exchange_failed');
    expect(error.internal).toMatchObject({ step: 'access_token', oauth_problem: 'verifier_invalid' });
  });

  it('turns a refusal into authorization_denied', async () => {
    const token = await requestToken();
    const redirect = await fetch(`${peer.url}/oauth/authorize?oauth_token=${token.oauthToken}&deny=1`, {
      redirect: 'manual',
    });
    const callback = new URL(redirect.headers.get('location') ?? '');
    expect(callback.searchParams.get('state')).toBe('abc');
    expect(callback.searchParams.get('denied')).toBe(token.oauthToken);
    const error = await failure(() =>
      processOAuth1Callback(callback.searchParams, { oauthToken: token.oauthToken }),
    );
    expect(error.code).toBe('authorization_denied');
  });

  it('checks the callback parameters', async () => {
    const missing = await failure(() =>
      processOAuth1Callback(new URLSearchParams('oauth_token=rt-1&state=abc'), { oauthToken: 'rt-1' }),
    );
    expect(missing.code).toBe('invalid_callback');
    const mismatch = await failure(() =>
      processOAuth1Callback(new URLSearchParams('oauth_token=rt-2&oauth_verifier=v'), { oauthToken: 'rt-1' }),
    );
    expect(mismatch.code).toBe('invalid_callback');
  });

  it('refuses RSA-SHA1 as a provider definition problem', async () => {
    const error = await failure(() => oauth1SignatureMethod({ ...provider, signature_method: 'RSA-SHA1' }));
    expect(error.code).toBe('invalid_provider_definition');
  });

  it('keeps the authorization URL query and leaves out an empty scope', () => {
    const url = buildOAuth1AuthorizationUrl({
      authorizationUrl: 'https://trello.com/1/OAuthAuthorizeToken?name=Latchkey',
      oauthToken: 'rt-1',
      scopes: [],
      authorizationParams: { expiration: 'never' },
      callbackUrl: CALLBACK,
    });
    expect([...url.searchParams]).toEqual([
      ['name', 'Latchkey'],
      ['oauth_token', 'rt-1'],
      ['expiration', 'never'],
      ['oauth_callback', CALLBACK],
    ]);
  });

  it('parses JSON token responses and reports unusable ones', async () => {
    const json = processAccessTokenResponse(
      response(
        200,
        '{"oauth_token":"t","oauth_token_secret":"s","user_id":42,"verified":true}',
        'application/json',
      ),
    );
    expect(json.raw).toEqual({ oauth_token: 't', oauth_token_secret: 's', user_id: '42', verified: 'true' });

    const noToken = await failure(() =>
      processAccessTokenResponse(response(200, 'oauth_token_secret=hidden-secret')),
    );
    expect(noToken.code).toBe('unable_to_parse_token_response');
    secrets.add('hidden-secret');
    const noRequestToken = await failure(() => processRequestTokenResponse(response(200, 'oauth_token=t')));
    expect(noRequestToken.code).toBe('token_exchange_failed');
    const garbage = await failure(() =>
      processAccessTokenResponse(response(200, '{not json', 'application/json')),
    );
    expect(garbage.code).toBe('unable_to_parse_token_response');
  });

  it('never puts a secret in an error', () => {
    expect(thrown.length).toBeGreaterThan(10);
    for (const error of thrown) {
      const visible = `${error.message} ${JSON.stringify(error.toBody())} ${JSON.stringify(error.internal)}`;
      for (const secret of secrets) expect(visible).not.toContain(secret);
    }
  });
});
