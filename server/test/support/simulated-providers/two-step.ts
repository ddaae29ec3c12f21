/**
 * A provider on loopback whose tokens are obtained the TWO_STEP way, as fictional entries declare:
 * - `POST /v2/sessions`: JSON `{login: {username, password}, grant: 'session', region}` with the partner key in
 *   `x-partner-key`; answers the token, its lifetime and a refresh token under `data.session`;
 * - `POST /v2/sessions/refresh`: JSON `{refreshtoken: <the latest refresh token>}` with the partner key;
 * - `GET /v2/key-token?key=<partner key>`: the bare token as text;
 * - `GET /v2/discovery` then `POST /v2/oauth/token` (a form password grant at the URL discovery gave): two steps;
 * - `GET /api/*`: answers only to the latest token, as `Authorization: Bearer` or in `x-ledger-token`.
 * Every new token ends the previous one, so a stale token is caught.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { header, hex, json, listen, parseJsonObject, readBody, send } from './http';

export interface TwoStepAccount {
  username: string;
  password: string;
  partnerKey: string;
  region: string;
  accountId: string;
}

export interface SimulatedTwoStepOptions {
  account?: Partial<TwoStepAccount>;
  /** What `data.session.expiresIn` says (seconds, or a duration such as `2h`). Default 3600. */
  expiresIn?: number | string;
}

export interface TokenRequestRecord {
  path: string;
  status: number;
  contentType: string | undefined;
  body: string;
}

export interface SimulatedTwoStep extends AsyncDisposable {
  url: string;
  account: TwoStepAccount;
  /** Token requests answered on every token endpoint, accepted or not. */
  tokenRequests: TokenRequestRecord[];
  /** Tokens issued so far. */
  issued: number;
  /** The only token the API accepts now. */
  currentToken: string | undefined;
  currentRefreshToken: string | undefined;
  /** Every API request, accepted or not, with the headers that may carry the token. */
  apiRequests: Array<{
    path: string;
    status: number;
    authorization: string | undefined;
    ledgerToken: string | undefined;
  }>;
  /** Ends the current token early: the next API call gets 401. */
  revokeToken(): void;
  close(): Promise<void>;
}

export async function startSimulatedTwoStep(
  options: SimulatedTwoStepOptions = {},
): Promise<SimulatedTwoStep> {
  const account: TwoStepAccount = {
    username: 'ledger-admin@example.com',
    password: `pw-${hex(6)}`,
    partnerKey: `pk-${hex(8)}`,
    region: 'eu',
    accountId: 'acct-4711',
    ...options.account,
  };
  const state = {
    issued: 0,
    currentToken: undefined as string | undefined,
    currentRefreshToken: undefined as string | undefined,
  };
  const tokenRequests: TokenRequestRecord[] = [];
  const apiRequests: SimulatedTwoStep['apiRequests'] = [];
  let url = '';

  function issue(): { token: string; refresh: string } {
    state.issued += 1;
    state.currentToken = `tok-${state.issued}-${hex(8)}`;
    state.currentRefreshToken = `rt-${state.issued}-${hex(8)}`;
    return { token: state.currentToken, refresh: state.currentRefreshToken };
  }

  /** A new session as `/v2/sessions` and its refresh answer it: nested, with the lifetime and a refresh token. */
  function newSession() {
    const { token, refresh } = issue();
    return {
      data: { session: { access: token, expiresIn: options.expiresIn ?? 3600, refreshToken: refresh } },
      account: { id: account.accountId, region: account.region },
    };
  }

  async function tokenEndpoint(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
    const body = await readBody(req);
    const contentType = req.headers['content-type'];
    const record: TokenRequestRecord = { path, status: 0, contentType, body };
    const answer = (status: number, payload: unknown, text = false) => {
      record.status = status;
      tokenRequests.push(record);
      if (text) send(res, status, String(payload), 'text/plain');
      else json(res, status, payload);
      return true;
    };
    const refused = () => answer(401, { error: 'invalid_login', message: 'The credentials were refused.' });

    if (req.method === 'POST' && path === '/v2/sessions') {
      const login = parseJsonObject(body);
      const inner = login?.login as Record<string, unknown> | undefined;
      const ok =
        (contentType ?? '').startsWith('application/json') &&
        req.headers['x-partner-key'] === account.partnerKey &&
        inner?.username === account.username &&
        inner.password === account.password &&
        Object.keys(inner).length === 2 &&
        login?.grant === 'session' &&
        login.region === account.region;
      return ok ? answer(200, newSession()) : refused();
    }
    if (req.method === 'POST' && path === '/v2/sessions/refresh') {
      const presented = parseJsonObject(body);
      const ok =
        (contentType ?? '').startsWith('application/json') &&
        req.headers['x-partner-key'] === account.partnerKey &&
        state.currentRefreshToken !== undefined &&
        presented?.refreshtoken === state.currentRefreshToken &&
        Object.keys(presented).length === 1;
      return ok ? answer(200, newSession()) : refused();
    }
    if (req.method === 'GET' && path === '/v2/key-token') {
      const key = new URL(req.url ?? '/', 'http://sim.invalid').searchParams.get('key');
      if (key !== account.partnerKey || body !== '') return refused();
      return answer(200, issue().token, true);
    }
    if (req.method === 'GET' && path === '/v2/discovery') {
      if (req.headers['x-partner-key'] !== account.partnerKey) return refused();
      return answer(200, { tokenEndpoint: `${url}/v2/oauth/token`, issuer: url });
    }
    if (req.method === 'POST' && path === '/v2/oauth/token') {
      const form = new URLSearchParams(body);
      const ok =
        (contentType ?? '').startsWith('application/x-www-form-urlencoded') &&
        form.get('grant_type') === 'password' &&
        form.get('username') === account.username &&
        form.get('password') === account.password;
      if (!ok) return refused();
      return answer(200, { access_token: issue().token, token_type: 'bearer', expires_in: 1800 });
    }
    return false;
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = new URL(req.url ?? '/', 'http://sim.invalid');
    if (await tokenEndpoint(req, res, target.pathname)) return;
    if (req.method === 'GET' && target.pathname.startsWith('/api/')) {
      const authorization = req.headers.authorization;
      const ledgerToken = header(req, 'x-ledger-token');
      const presented = ledgerToken ?? /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
      const ok = presented !== undefined && presented === state.currentToken;
      apiRequests.push({
        path: target.pathname + target.search,
        status: ok ? 200 : 401,
        authorization,
        ledgerToken,
      });
      if (!ok) return json(res, 401, { error: 'invalid_token' });
      return json(res, 200, {
        account: account.accountId,
        path: target.pathname,
        query: Object.fromEntries(target.searchParams),
        entries: [{ id: 'je-1', amount: 125.5, memo: 'Paper ✓' }],
      });
    }
    return json(res, 404, { error: 'not found' });
  }

  const server = await listen(route);
  url = server.url;
  return {
    url,
    account,
    tokenRequests,
    apiRequests,
    get issued() {
      return state.issued;
    },
    get currentToken() {
      return state.currentToken;
    },
    get currentRefreshToken() {
      return state.currentRefreshToken;
    },
    revokeToken() {
      state.currentToken = undefined;
    },
    close: server.close,
    [Symbol.asyncDispose]: server.close,
  };
}
