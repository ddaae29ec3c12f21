/**
 * A strict OAuth 1.0a provider on loopback for tests (test-peers.md §4): it verifies every signature with `oauth-sign`
 * (an implementation independent of ours), timestamps, nonces, token states and verifiers.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import oauthSign from 'oauth-sign';

export type OAuthProblem =
  | 'signature_invalid'
  | 'signature_method_rejected'
  | 'token_rejected'
  | 'consumer_key_unknown'
  | 'timestamp_refused'
  | 'nonce_used'
  | 'verifier_invalid'
  | 'parameter_absent';

export type OAuth1Endpoint = 'request_token' | 'authorize' | 'access_token' | 'api_me';

export interface OAuth1ProviderOptions {
  signatureMethod?: 'HMAC-SHA1' | 'HMAC-SHA256' | 'PLAINTEXT';
  consumerKey?: string;
  consumerSecret?: string;
  user?: { id: string; screen_name: string };
}

export interface OAuth1Provider extends AsyncDisposable {
  url: string;
  consumerKey: string;
  consumerSecret: string;
  /** Requests seen per endpoint, accepted or not. */
  requests: Record<OAuth1Endpoint, number>;
  /** Every problem answered, in order. */
  problems: OAuthProblem[];
  /** The non-protocol parameters (query and form) of the last request per endpoint. */
  lastParams: Partial<Record<OAuth1Endpoint, Record<string, string>>>;
  close(): Promise<void>;
}

interface RequestToken {
  secret: string;
  callback: string;
  state: 'issued' | 'authorized' | 'denied' | 'used';
  verifier?: string;
}

const TIMESTAMP_WINDOW_SECONDS = 300;
const STATUS: Record<OAuthProblem, number> = {
  parameter_absent: 400,
  signature_method_rejected: 400,
  timestamp_refused: 400,
  consumer_key_unknown: 401,
  token_rejected: 401,
  signature_invalid: 401,
  nonce_used: 401,
  verifier_invalid: 401,
};

class Problem extends Error {
  constructor(readonly problem: OAuthProblem) {
    super(problem);
  }
}

export async function startOAuth1Provider(options: OAuth1ProviderOptions = {}): Promise<OAuth1Provider> {
  const signatureMethod = options.signatureMethod ?? 'HMAC-SHA1';
  const consumerKey = options.consumerKey ?? 'test-consumer-key';
  const consumerSecret = options.consumerSecret ?? `cs-${randomHex(12)}`;
  const user = options.user ?? { id: '4242', screen_name: 'latchkey_tester' };
  const requestTokens = new Map<string, RequestToken>();
  const accessTokens = new Map<string, string>();
  const seenNonces = new Set<string>();
  const requests: Record<OAuth1Endpoint, number> = {
    request_token: 0,
    authorize: 0,
    access_token: 0,
    api_me: 0,
  };
  const problems: OAuthProblem[] = [];
  const lastParams: OAuth1Provider['lastParams'] = {};

  /** Checks one signed request; `tokenSecretOf` resolves the token (or throws token_rejected) when one is needed. */
  function verify(
    req: IncomingMessage,
    url: URL,
    form: URLSearchParams,
    tokenSecretOf?: (token: string) => string,
  ): Record<string, string> {
    const oauth = parseAuthorization(req.headers.authorization);
    for (const name of ['oauth_consumer_key', 'oauth_signature_method', 'oauth_signature']) {
      if (oauth[name] === undefined) throw new Problem('parameter_absent');
    }
    if (oauth.oauth_signature_method !== signatureMethod) throw new Problem('signature_method_rejected');
    if (oauth.oauth_consumer_key !== consumerKey) throw new Problem('consumer_key_unknown');
    const timestamp = Number(oauth.oauth_timestamp);
    const skew = Math.abs(Date.now() / 1000 - timestamp);
    if (oauth.oauth_nonce === undefined || !Number.isInteger(timestamp))
      throw new Problem('parameter_absent');
    if (skew > TIMESTAMP_WINDOW_SECONDS) throw new Problem('timestamp_refused');
    let tokenSecret = '';
    if (tokenSecretOf) {
      if (oauth.oauth_token === undefined) throw new Problem('parameter_absent');
      tokenSecret = tokenSecretOf(oauth.oauth_token);
    }

    const params: Record<string, string | string[]> = {};
    const add = (name: string, value: string) => {
      const previous = params[name];
      params[name] = previous === undefined ? value : [previous, value].flat();
    };
    for (const [name, value] of Object.entries(oauth)) {
      if (name !== 'realm' && name !== 'oauth_signature') add(name, value);
    }
    for (const [name, value] of url.searchParams) add(name, value);
    for (const [name, value] of form) add(name, value);
    const baseUri = `http://${String(req.headers.host).toLowerCase()}${url.pathname}`;
    const expected = oauthSign.sign(
      signatureMethod,
      req.method ?? 'GET',
      baseUri,
      params,
      consumerSecret,
      tokenSecret,
    );
    if (!sameText(expected, oauth.oauth_signature ?? '')) throw new Problem('signature_invalid');

    const nonceKey = `${consumerKey}:${timestamp}:${oauth.oauth_nonce}`;
    if (seenNonces.has(nonceKey)) throw new Problem('nonce_used');
    seenNonces.add(nonceKey);
    return oauth;
  }

  function requestToken(token: string, state: RequestToken['state']): RequestToken {
    const entry = requestTokens.get(token);
    if (entry?.state !== state) throw new Problem('token_rejected');
    return entry;
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://provider.invalid');
    const body = await readBody(req);
    const isForm = (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
    const form = new URLSearchParams(isForm ? body : '');
    const endpoint = endpointOf(req.method, url.pathname);
    if (endpoint === undefined) return send(res, 404, 'text/plain', 'not found');
    requests[endpoint] += 1;
    lastParams[endpoint] = Object.fromEntries([...url.searchParams, ...form]);

    switch (endpoint) {
      case 'request_token': {
        const oauth = verify(req, url, form);
        if (!oauth.oauth_callback) throw new Problem('parameter_absent');
        const token = `rt-${randomHex(8)}`;
        const secret = `rts-${randomHex(12)}`;
        requestTokens.set(token, { secret, callback: oauth.oauth_callback, state: 'issued' });
        return sendForm(res, 200, {
          oauth_token: token,
          oauth_token_secret: secret,
          oauth_callback_confirmed: 'true',
        });
      }
      case 'authorize': {
        const token = url.searchParams.get('oauth_token');
        if (!token) throw new Problem('parameter_absent');
        const entry = requestToken(token, 'issued');
        if (entry.callback === 'oob') throw new Problem('parameter_absent');
        const callback = new URL(entry.callback);
        if (url.searchParams.get('deny') === '1') {
          entry.state = 'denied';
          callback.searchParams.append('denied', token);
        } else {
          entry.state = 'authorized';
          entry.verifier = `v-${randomHex(8)}`;
          callback.searchParams.append('oauth_token', token);
          callback.searchParams.append('oauth_verifier', entry.verifier);
        }
        res.writeHead(302, { location: callback.href }).end();
        return;
      }
      case 'access_token': {
        let entry: RequestToken | undefined;
        const oauth = verify(req, url, form, (token) => {
          entry = requestToken(token, 'authorized');
          return entry.secret;
        });
        if (!entry || !oauth.oauth_verifier) throw new Problem('parameter_absent');
        if (!sameText(oauth.oauth_verifier, entry.verifier ?? '')) throw new Problem('verifier_invalid');
        entry.state = 'used';
        const token = `at-${randomHex(8)}`;
        const secret = `ats-${randomHex(12)}`;
        accessTokens.set(token, secret);
        return sendForm(res, 200, {
          oauth_token: token,
          oauth_token_secret: secret,
          user_id: user.id,
          screen_name: user.screen_name,
        });
      }
      case 'api_me': {
        verify(req, url, form, (token) => {
          const secret = accessTokens.get(token);
          if (secret === undefined) throw new Problem('token_rejected');
          return secret;
        });
        return send(
          res,
          200,
          'application/json',
          JSON.stringify({ id: user.id, screen_name: user.screen_name }),
        );
      }
    }
  }

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (!(error instanceof Problem)) return send(res, 500, 'text/plain', String(error));
      problems.push(error.problem);
      const headers: Record<string, string> =
        STATUS[error.problem] === 401 ? { 'www-authenticate': 'OAuth realm="test"' } : {};
      sendForm(res, STATUS[error.problem], { oauth_problem: error.problem }, headers);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const close = () =>
    new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((error) => (error ? reject(error) : resolve()));
    });
  return {
    url: `http://127.0.0.1:${port}`,
    consumerKey,
    consumerSecret,
    requests,
    problems,
    lastParams,
    close,
    [Symbol.asyncDispose]: close,
  };
}

function endpointOf(method: string | undefined, pathname: string): OAuth1Endpoint | undefined {
  // The request-token endpoint takes GET too, for providers whose `request_http_method` is GET.
  if (pathname === '/oauth/request_token' && (method === 'POST' || method === 'GET')) return 'request_token';
  if (pathname === '/oauth/authorize' && method === 'GET') return 'authorize';
  if (pathname === '/oauth/access_token' && method === 'POST') return 'access_token';
  if (pathname === '/api/me' && method === 'GET') return 'api_me';
  return undefined;
}

/** `Authorization: OAuth name="value", …` → percent-decoded parameters (RFC 5849 §3.5.1). */
function parseAuthorization(header: string | undefined): Record<string, string> {
  const match = /^OAuth\s+(.*)$/is.exec(header ?? '');
  if (!match) throw new Problem('parameter_absent');
  const params: Record<string, string> = {};
  for (const [, name, value] of (match[1] ?? '').matchAll(/([^\s=,]+)\s*=\s*"([^"]*)"/g)) {
    params[decodeURIComponent(name ?? '')] = decodeURIComponent(value ?? '');
  }
  return params;
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function sendForm(
  res: ServerResponse,
  status: number,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): void {
  send(res, status, 'application/x-www-form-urlencoded', new URLSearchParams(fields).toString(), headers);
}

function send(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': contentType, ...headers }).end(body);
}

function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}
