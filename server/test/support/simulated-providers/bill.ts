/**
 * A BILL-like API on loopback: `POST /v3/login` checks the user name, password, organization id and developer key
 * (JSON, BILL's field names) and opens a session; `GET /v3/*` answers only to the latest session id and the developer
 * key, in the headers it was told to expect. A new login ends the previous session, so a stale one is caught.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { header, hex, json, listen, parseJsonObject, readBody } from './http';

export interface BillAccount {
  username: string;
  password: string;
  organizationId: string;
  devKey: string;
  userId: string;
}

export interface SimulatedBillOptions {
  account?: Partial<BillAccount>;
  /** Header names the API reads (lower case). Default BILL's own: `sessionid` and `devkey`. */
  headerNames?: { session: string; devKey: string };
}

export interface SimulatedBill extends AsyncDisposable {
  url: string;
  account: BillAccount;
  /** Logins answered, accepted or not. */
  logins: number;
  /** The session the API accepts now (the latest login's). */
  currentSession: string | undefined;
  /** Every API request (not logins), accepted or not, with the headers that carry the credentials. */
  apiRequests: Array<{
    path: string;
    status: number;
    session: string | undefined;
    devKey: string | undefined;
  }>;
  /** The body of every login, to check what Latchkey sent. */
  loginBodies: unknown[];
  /** Ends the current session as BILL does after idle minutes: the next API call gets 401. */
  expireSession(): void;
  close(): Promise<void>;
}

export async function startSimulatedBill(options: SimulatedBillOptions = {}): Promise<SimulatedBill> {
  const account: BillAccount = {
    username: 'ap-clerk@example.com',
    password: `pw-${hex(6)}`,
    organizationId: '00801ABCDEFGH1',
    devKey: `dk-${hex(8)}`,
    userId: '006XYZ123',
    ...options.account,
  };
  const names = options.headerNames ?? { session: 'sessionid', devKey: 'devkey' };
  const state: Pick<SimulatedBill, 'logins' | 'currentSession' | 'apiRequests' | 'loginBodies'> = {
    logins: 0,
    currentSession: undefined,
    apiRequests: [],
    loginBodies: [],
  };

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://bill.invalid');
    if (req.method === 'POST' && url.pathname === '/v3/login') {
      state.logins += 1;
      const body = parseJsonObject(await readBody(req));
      state.loginBodies.push(body);
      const ok =
        (req.headers['content-type'] ?? '').startsWith('application/json') &&
        body?.username === account.username &&
        body.password === account.password &&
        body.organizationId === account.organizationId &&
        body.devKey === account.devKey &&
        Object.keys(body).length === 4;
      if (!ok) {
        return json(res, 400, [{ error_code: 'BDC_1109', error_message: 'Invalid username or password' }]);
      }
      state.currentSession = `sess-${state.logins}-${hex(8)}`;
      return json(res, 200, {
        sessionId: state.currentSession,
        organizationId: account.organizationId,
        userId: account.userId,
        trusted: false,
      });
    }
    if (req.method === 'GET' && url.pathname.startsWith('/v3/')) {
      const session = header(req, names.session);
      const devKey = header(req, names.devKey);
      const ok = session !== undefined && session === state.currentSession && devKey === account.devKey;
      state.apiRequests.push({ path: url.pathname + url.search, status: ok ? 200 : 401, session, devKey });
      if (!ok) return json(res, 401, [{ error_code: 'BDC_1361', error_message: 'Session is invalid' }]);
      return json(res, 200, {
        results: [{ id: '00901VENDOR1', name: 'Acme Paper Co.' }],
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
      });
    }
    return json(res, 404, { error: 'not found' });
  }

  const server = await listen(route);
  const sim: SimulatedBill = {
    url: server.url,
    account,
    get logins() {
      return state.logins;
    },
    get currentSession() {
      return state.currentSession;
    },
    apiRequests: state.apiRequests,
    loginBodies: state.loginBodies,
    expireSession() {
      state.currentSession = undefined;
    },
    close: server.close,
    [Symbol.asyncDispose]: server.close,
  };
  return sim;
}
