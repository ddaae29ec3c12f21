/** The session-scoped REST calls the widget makes, and the URLs of the flow endpoints. */
import { directPath, requestBody } from './auth-modes';
import { ConnectError, WIDGET_ERROR_CODES } from './connect-error';
import type { ConnectResult, ConnectSessionInfo, CredentialsInput } from './types';

/** `baseUrl` without a trailing slash; the page's origin when absent. */
export function resolveBaseUrl(baseUrl?: string): string {
  return (baseUrl ?? window.location.origin).replace(/\/+$/, '');
}

/** A flow endpoint URL: the session token and each connection-config value as `params[k]`, as Nango's SDK sends. */
export function flowUrl(
  baseUrl: string,
  path: string,
  sessionToken: string,
  connectionConfig: Record<string, string> = {},
  extra: Record<string, string> = {},
): string {
  const query = new URLSearchParams({ connect_session_token: sessionToken });
  for (const [key, value] of Object.entries(connectionConfig)) query.append(`params[${key}]`, value);
  for (const [key, value] of Object.entries(extra)) query.append(key, value);
  return `${baseUrl}${path}?${query}`;
}

/** Reads a JSON answer; a non-2xx answer becomes a ConnectError with the server's code and message. */
export async function readJson<T>(response: Response): Promise<T> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw new ConnectError(WIDGET_ERROR_CODES.invalidResponse, `Unexpected answer (HTTP ${response.status})`);
  }
  if (!response.ok) {
    const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    throw new ConnectError(
      typeof error?.code === 'string' ? error.code : `http_${response.status}`,
      typeof error?.message === 'string' ? error.message : `Request failed (HTTP ${response.status})`,
    );
  }
  return body as T;
}

/**
 * Every call to Latchkey carries its cookies (`credentials: 'include'`): a session bound to this browser is refused
 * without its binding cookie. Latchkey allows credentials only to the origins the environment allows.
 */
async function send(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, { ...init, credentials: 'include' });
  } catch {
    throw new ConnectError(WIDGET_ERROR_CODES.network, 'Latchkey could not be reached');
  }
}

/** `GET /connect/session`: the session's end user and allowed integrations with their form fields. */
export async function fetchSession(
  baseUrl: string,
  sessionToken: string,
  signal?: AbortSignal,
): Promise<ConnectSessionInfo> {
  const response = await send(`${baseUrl}/connect/session`, {
    headers: { authorization: `Bearer ${sessionToken}`, accept: 'application/json' },
    ...(signal ? { signal } : {}),
  });
  return (await readJson<{ data: ConnectSessionInfo }>(response)).data;
}

/** Posts the typed credentials (or nothing) to the one-request endpoint of the auth mode, in Nango's body shape. */
export async function connectDirect(
  baseUrl: string,
  sessionToken: string,
  integration: string,
  authMode: string,
  connectionConfig: Record<string, string> | undefined,
  credentials: CredentialsInput | undefined,
  assertionOption?: Record<string, string>,
): Promise<ConnectResult> {
  const path = directPath(authMode);
  if (path === undefined) throw unsupportedAuthMode(authMode);
  const body = requestBody(authMode, credentials, assertionOption);
  const url = flowUrl(baseUrl, `${path}${encodeURIComponent(integration)}`, sessionToken, connectionConfig);
  const response = await send(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const answer = await readJson<{ connectionId: string; providerConfigKey: string }>(response);
  return { connectionId: answer.connectionId, integration: answer.providerConfigKey };
}

/** The error for a mode Latchkey cannot connect yet (MCP), or one it does not know. */
export function unsupportedAuthMode(authMode: string): ConnectError {
  return new ConnectError(
    WIDGET_ERROR_CODES.unsupportedAuthMode,
    `Connecting with auth mode ${authMode} is not available yet.`,
  );
}
