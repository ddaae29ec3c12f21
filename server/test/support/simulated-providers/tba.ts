/**
 * A NetSuite-like REST API on loopback that accepts only token-based authentication: every request must carry an
 * OAuth 1.0a HMAC-SHA256 `Authorization` header whose realm is the account's, from a known consumer and token, with
 * a fresh timestamp and nonce, and a signature that `oauth-sign` (an implementation independent of Latchkey's)
 * recomputes over the method, the URL, the protocol parameters, the query and any form body.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import oauthSign from 'oauth-sign';
import { answerServerError, hex, json, listen, readBody } from './http';

export type TbaProblem =
  | 'header_absent'
  | 'parameter_absent'
  | 'realm_mismatch'
  | 'signature_method_rejected'
  | 'consumer_key_unknown'
  | 'token_rejected'
  | 'timestamp_refused'
  | 'nonce_used'
  | 'signature_invalid';

export interface SimulatedTbaOptions {
  /** The account the API serves; the realm it expects is this upper-cased with `-` as `_`. */
  accountId?: string;
  consumerKey?: string;
  consumerSecret?: string;
}

export interface SimulatedTba extends AsyncDisposable {
  url: string;
  accountId: string;
  /** The realm the API expects, computed here on its own from the account id. */
  realm: string;
  consumerKey: string;
  consumerSecret: string;
  /** Issues a token for a consumer (default the first one), as NetSuite's access-token page does. */
  issueToken(consumerKey?: string): { tokenId: string; tokenSecret: string };
  /** Registers another integration record (consumer), for connections that override the integration's. */
  addConsumer(): { consumerKey: string; consumerSecret: string };
  /** Every request, accepted or not, with what was signed. */
  requests: Array<{
    method: string;
    path: string;
    query: Record<string, string>;
    status: number;
    tokenId: string | undefined;
    consumerKey: string | undefined;
  }>;
  problems: TbaProblem[];
  close(): Promise<void>;
}

const TIMESTAMP_WINDOW_SECONDS = 300;

class Problem extends Error {
  constructor(readonly problem: TbaProblem) {
    super(problem);
  }
}

export async function startSimulatedTba(options: SimulatedTbaOptions = {}): Promise<SimulatedTba> {
  const accountId = options.accountId ?? '4815162-sb2';
  const realm = accountId.toUpperCase().split('-').join('_');
  const consumerKey = options.consumerKey ?? `ck-${hex(16)}`;
  const consumerSecret = options.consumerSecret ?? `cs-${hex(16)}`;
  const consumers = new Map([[consumerKey, consumerSecret]]);
  /** Token id → its secret and the consumer (integration record) it was issued for. */
  const tokens = new Map<string, { secret: string; consumerKey: string }>();
  const seenNonces = new Set<string>();
  const requests: SimulatedTba['requests'] = [];
  const problems: TbaProblem[] = [];

  function verify(req: IncomingMessage, url: URL, form: URLSearchParams): Record<string, string> {
    const oauth = parseAuthorization(req.headers.authorization);
    if (oauth.realm !== realm) throw new Problem('realm_mismatch');
    for (const name of [
      'oauth_consumer_key',
      'oauth_token',
      'oauth_signature_method',
      'oauth_signature',
      'oauth_nonce',
      'oauth_timestamp',
    ]) {
      if (oauth[name] === undefined) throw new Problem('parameter_absent');
    }
    if (oauth.oauth_signature_method !== 'HMAC-SHA256') throw new Problem('signature_method_rejected');
    const secret = consumers.get(oauth.oauth_consumer_key!);
    if (secret === undefined) throw new Problem('consumer_key_unknown');
    const token = tokens.get(oauth.oauth_token!);
    if (token === undefined || token.consumerKey !== oauth.oauth_consumer_key)
      throw new Problem('token_rejected');
    const timestamp = Number(oauth.oauth_timestamp);
    if (!Number.isInteger(timestamp) || Math.abs(Date.now() / 1000 - timestamp) > TIMESTAMP_WINDOW_SECONDS) {
      throw new Problem('timestamp_refused');
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
      'HMAC-SHA256',
      req.method ?? 'GET',
      baseUri,
      params,
      secret,
      token.secret,
    );
    if (!sameText(expected, oauth.oauth_signature!)) throw new Problem('signature_invalid');

    const nonceKey = `${oauth.oauth_consumer_key}:${timestamp}:${oauth.oauth_nonce}`;
    if (seenNonces.has(nonceKey)) throw new Problem('nonce_used');
    seenNonces.add(nonceKey);
    return oauth;
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://netsuite.invalid');
    const body = await readBody(req);
    const isForm = (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
    const form = new URLSearchParams(isForm ? body : '');
    const entry: SimulatedTba['requests'][number] = {
      method: req.method ?? '',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      status: 401,
      tokenId: undefined,
      consumerKey: undefined,
    };
    requests.push(entry);
    const oauth = verify(req, url, form);
    entry.tokenId = oauth.oauth_token;
    entry.consumerKey = oauth.oauth_consumer_key;
    entry.status = 200;
    if (url.pathname.endsWith('/record/v1/employee')) {
      return json(res, 200, { links: [], count: 1, items: [{ id: '-5', name: 'Administrator' }] });
    }
    return json(res, 200, {
      account: accountId,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      form: Object.fromEntries(form),
      note: 'unchanged upstream body ✓',
    });
  }

  const server = await listen(route, (res, error) => {
    if (!(error instanceof Problem)) return answerServerError(res, error);
    problems.push(error.problem);
    res
      .writeHead(401, { 'content-type': 'application/json', 'www-authenticate': `OAuth realm="${realm}"` })
      .end(JSON.stringify({ 'o:errorDetails': [{ detail: 'Invalid login attempt.', code: error.problem }] }));
  });
  return {
    url: server.url,
    accountId,
    realm,
    consumerKey,
    consumerSecret,
    issueToken(forConsumer = consumerKey) {
      const token = { tokenId: `tid-${hex(16)}`, tokenSecret: `tsec-${hex(16)}` };
      tokens.set(token.tokenId, { secret: token.tokenSecret, consumerKey: forConsumer });
      return token;
    },
    addConsumer() {
      const consumer = { consumerKey: `ck-${hex(16)}`, consumerSecret: `cs-${hex(16)}` };
      consumers.set(consumer.consumerKey, consumer.consumerSecret);
      return consumer;
    },
    requests,
    problems,
    close: server.close,
    [Symbol.asyncDispose]: server.close,
  };
}

/** `Authorization: OAuth realm="…", name="value", …` → percent-decoded parameters (RFC 5849 §3.5.1). */
function parseAuthorization(header: string | undefined): Record<string, string> {
  const match = /^OAuth\s+(.+)$/is.exec(header ?? '');
  if (!match) throw new Problem('header_absent');
  const params: Record<string, string> = {};
  for (const part of match[1]!.split(',')) {
    const pair = /^\s*([^\s=]+)="([^"]*)"\s*$/.exec(part);
    if (!pair) throw new Problem('parameter_absent');
    params[decodeURIComponent(pair[1]!)] = decodeURIComponent(pair[2]!);
  }
  return params;
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
