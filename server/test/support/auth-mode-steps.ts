/**
 * Steps the auth-mode end-to-end tests share on a flow harness: an end user's credentials posted through a connect
 * session, the connection read back, a proxied call, and a refused attempt that must store nothing.
 */
import { expect } from 'vitest';
import type { FlowHarness } from './flow-harness';

/** An error answer, as every REST route shapes it. */
export interface ErrorBody {
  error: {
    code: string;
    message: string;
    payload?: Record<string, unknown>;
    errors?: Array<{ code?: string; path: string[] }>;
  };
}

export interface ConnectOptions {
  /** Appended to the URL after the session token, `&` included: `&params[region]=eu`. */
  query?: string;
  /** The connect session's body; the harness's default end user when absent. */
  session?: Record<string, unknown>;
}

/** A refused attempt: its status, its error, and the answer as sent (to check that no secret is echoed). */
export interface Refusal {
  status: number;
  error: ErrorBody['error'];
  text: string;
}

export interface AuthModeSteps<Read> {
  /**
   * `POST <route>/<key>?connect_session_token=…` with the credentials as JSON, through a new connect session,
   * expected to answer 200 `{ connectionId, providerConfigKey: key }`; answers the connection id.
   */
  connected(key: string, body: unknown, options?: ConnectOptions): Promise<string>;
  /** The same post, expected to answer `status` (400 unless told) and to store no connection. */
  refused(key: string, body: unknown, options?: ConnectOptions & { status?: number }): Promise<Refusal>;
  /** {@link readConnection} */
  read<T = Read>(key: string, connectionId: string, query?: string): Promise<T>;
  /** {@link proxiedText} */
  proxied(key: string, connectionId: string, path: string, init?: RequestInit): Promise<string>;
}

/**
 * The steps for one auth mode's credentials route (`/auth/bill`, `/oauth2/auth`, …). `harness` is called at each
 * step, as a test starts its harness in `beforeAll`, after the steps are declared.
 */
export function authModeSteps<Read>(harness: () => FlowHarness, route: string): AuthModeSteps<Read> {
  async function connect(key: string, body: unknown, options: ConnectOptions = {}): Promise<Response> {
    const h = harness();
    const token = await h.createSession(options.session);
    return fetch(`${h.url}${route}/${key}?connect_session_token=${token}${options.query ?? ''}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }
  return {
    async connected(key, body, options) {
      return connectionIdOf(await connect(key, body, options), key);
    },
    async refused(key, body, { status = 400, ...options } = {}) {
      const h = harness();
      const before = await h.countConnections();
      const refusal = await refusalOf(await connect(key, body, options), status);
      expect(await h.countConnections()).toBe(before);
      return refusal;
    },
    read: (key, connectionId, query) => readConnection(harness(), key, connectionId, query),
    proxied: (key, connectionId, path, init) => proxiedText(harness(), key, connectionId, path, init),
  };
}

/** An answer expected to be an error with `status` (400 unless told). */
export async function refusalOf(response: Response, status = 400): Promise<Refusal> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  return { status: response.status, error: (JSON.parse(text) as ErrorBody).error, text };
}

/** `GET /oauth/connect/<key>` through a new connect session, asking for JSON rather than a redirect to follow. */
export async function openConnect(h: FlowHarness, key: string, query = ''): Promise<Response> {
  const token = await h.createSession();
  return fetch(`${h.url}/oauth/connect/${key}?connect_session_token=${token}${query}`, {
    headers: { accept: 'application/json' },
    redirect: 'manual',
  });
}

/** Fetches a callback URL expected to connect for `key` (as {@link FlowHarness.complete}); the connection id. */
export async function completeConnection(h: FlowHarness, callbackUrl: URL, key: string): Promise<string> {
  return connectionIdOf(await h.complete(callbackUrl), key);
}

/** The connection id of an answer expected to be 200 `{ connectionId, providerConfigKey: key }`. */
async function connectionIdOf(response: Response, key: string): Promise<string> {
  const answer = (await response.json()) as { connectionId: string };
  expect(response.status, JSON.stringify(answer)).toBe(200);
  expect(answer).toEqual({ connectionId: expect.any(String), providerConfigKey: key });
  return answer.connectionId;
}

/** `GET /connections/:id?provider_config_key=<key><query>`, whatever it answers. */
export function fetchConnection(
  h: FlowHarness,
  key: string,
  connectionId: string,
  query = '',
): Promise<Response> {
  return h.api(`/connections/${connectionId}?provider_config_key=${key}${query}`);
}

/** `GET /connections/:id`, expected to answer 200; answers the connection. */
export async function readConnection<T>(
  h: FlowHarness,
  key: string,
  connectionId: string,
  query = '',
): Promise<T> {
  const response = await fetchConnection(h, key, connectionId, query);
  const body = (await response.json()) as T;
  expect(response.status, JSON.stringify(body)).toBe(200);
  return body;
}

/** A call through `/proxy<path>` for a connection, named by the Connection-Id and Provider-Config-Key headers. */
export function proxyCall(
  h: FlowHarness,
  key: string,
  connectionId: string,
  path: string,
  init: RequestInit = {},
): Promise<Response> {
  return h.api(`/proxy${path}`, {
    ...init,
    headers: {
      'connection-id': connectionId,
      'provider-config-key': key,
      ...(init.headers as Record<string, string> | undefined),
    },
  });
}

/** A {@link proxyCall} expected to answer 200; its body as text. */
export async function proxiedText(
  h: FlowHarness,
  key: string,
  connectionId: string,
  path: string,
  init?: RequestInit,
): Promise<string> {
  const response = await proxyCall(h, key, connectionId, path, init);
  const text = await response.text();
  expect(response.status, text).toBe(200);
  return text;
}
