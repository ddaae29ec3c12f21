/** The tests' side of the Latchkey started by the global setup: its URL and a few calls with its secret key. */
import { inject } from 'vitest';

export { BASIC_USER, GOOD_API_KEY } from './fixtures';

export interface WidgetLatchkeyClient {
  url: string;
  issuer: string;
  api(path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
  createSession(allowed?: string[]): Promise<string>;
  createReconnectSession(connectionId: string, integration: string): Promise<string>;
  connectionExists(connectionId: string, integration: string): Promise<boolean>;
  /** Fetches an OAuth callback URL as the popup would, answering JSON. */
  complete(callbackUrl: URL): Promise<Response>;
}

export function latchkeyClient(): WidgetLatchkeyClient {
  const { url, secretKey, issuer } = inject('widgetLatchkey');
  const api = (path: string, init: RequestInit & { json?: unknown } = {}) => {
    const { json, ...rest } = init;
    const headers = new Headers(rest.headers);
    headers.set('authorization', `Bearer ${secretKey}`);
    if (json !== undefined) headers.set('content-type', 'application/json');
    return fetch(`${url}${path}`, {
      ...rest,
      headers,
      body: json === undefined ? rest.body : JSON.stringify(json),
    });
  };
  const tokenOf = async (response: Response) => {
    if (response.status !== 201) throw new Error(`session creation failed: ${await response.text()}`);
    return ((await response.json()) as { data: { token: string } }).data.token;
  };
  return {
    url,
    issuer,
    api,
    async createSession(allowed) {
      return tokenOf(
        await api('/connect/sessions', {
          method: 'POST',
          json: {
            end_user: { id: 'user-1', email: 'user@example.com' },
            ...(allowed ? { allowed_integrations: allowed } : {}),
          },
        }),
      );
    },
    async createReconnectSession(connectionId, integration) {
      return tokenOf(
        await api('/connect/sessions/reconnect', {
          method: 'POST',
          json: { connection_id: connectionId, integration_id: integration },
        }),
      );
    },
    async connectionExists(connectionId, integration) {
      const response = await api(
        `/connections/${encodeURIComponent(connectionId)}?provider_config_key=${encodeURIComponent(integration)}`,
      );
      await response.body?.cancel();
      return response.status === 200;
    },
    complete(callbackUrl) {
      return fetch(callbackUrl, { headers: { accept: 'application/json' }, redirect: 'follow' });
    },
  };
}
