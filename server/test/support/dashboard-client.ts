/**
 * A browser's view of the dashboard API for tests: tRPC calls over HTTP (through the app or a real port) that keep
 * the `latchkey_session` cookie like a browser would and send `Origin` as the dashboard page does.
 */
export interface TrpcAnswer<T> {
  status: number;
  data: T | undefined;
  error: { message: string; errorCode: string; httpStatus: number; payload?: unknown } | undefined;
  setCookies: string[];
}

export interface DashboardClient {
  /** The cookie value the client holds (`<id>.<secret>`), or null. */
  token: string | null;
  query<T = unknown>(path: string, input?: unknown, options?: CallOptions): Promise<TrpcAnswer<T>>;
  mutate<T = unknown>(path: string, input?: unknown, options?: CallOptions): Promise<TrpcAnswer<T>>;
}

export interface CallOptions {
  environment?: string;
  /** Overrides the `Origin` header (null: none). */
  origin?: string | null;
  /** Uses this cookie value instead of the client's own for one call. */
  token?: string | null;
}

type Fetcher = (path: string, init: RequestInit) => Promise<Response>;

/** `fetcher` is `latchkey.app.request` or a fetch against a served instance's URL; `origin` its public origin. */
export function dashboardClient(fetcher: Fetcher, origin: string): DashboardClient {
  const client: DashboardClient = {
    token: null,
    query: (path, input, options) => call('GET', path, input, options),
    mutate: (path, input, options) => call('POST', path, input, options),
  };

  async function call<T>(
    method: 'GET' | 'POST',
    path: string,
    input: unknown,
    options: CallOptions = {},
  ): Promise<TrpcAnswer<T>> {
    const headers = new Headers();
    const token = options.token === undefined ? client.token : options.token;
    if (token !== null) headers.set('cookie', `latchkey_session=${token}`);
    if (options.environment !== undefined) headers.set('x-latchkey-environment', options.environment);
    const sentOrigin = options.origin === undefined ? origin : options.origin;
    if (sentOrigin !== null && method === 'POST') headers.set('origin', sentOrigin);
    let target = `/trpc/${path}`;
    let body: string | undefined;
    if (method === 'GET') {
      if (input !== undefined) target += `?input=${encodeURIComponent(JSON.stringify(input))}`;
    } else {
      headers.set('content-type', 'application/json');
      body = input === undefined ? undefined : JSON.stringify(input);
    }
    const response = await fetcher(target, { method, headers, body });
    const setCookies = response.headers.getSetCookie();
    for (const cookie of setCookies) {
      const match = /^latchkey_session=([^;]*)/.exec(cookie);
      if (match !== null && options.token === undefined) client.token = match[1] === '' ? null : match[1]!;
    }
    const json = (await response.json()) as {
      result?: { data: T };
      error?: { message: string; data: { errorCode: string; httpStatus: number; payload?: unknown } };
    };
    return {
      status: response.status,
      data: json.result?.data,
      error: json.error === undefined ? undefined : { message: json.error.message, ...json.error.data },
      setCookies,
    };
  }

  return client;
}

/** A client of a test Latchkey's app (no socket): `app.request`. */
export function appDashboardClient(app: {
  request: (path: string, init: RequestInit) => Response | Promise<Response>;
}) {
  return dashboardClient(
    async (path, init) => app.request(`http://latchkey.test${path}`, init),
    'http://latchkey.test',
  );
}
