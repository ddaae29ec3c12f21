/**
 * A Crisp-like plugin marketplace and API on loopback. `GET /plugins/install` stands for the install page: it needs
 * the `payload` Latchkey sent, installs the plugin on a website and sends the browser to the plugin's configured
 * callback with that payload and the `website_id`. The API answers only to the plugin's own Basic credentials with
 * the `x-crisp-tier: plugin` header, and only about websites the plugin is installed on.
 */
import type { IncomingMessage } from 'node:http';
import { hex, json, listen } from './http';

export interface SimulatedPluginMarketOptions {
  /** Where the marketplace sends the browser after an install (the plugin's configured redirect URL). */
  callbackUrl: string;
  identifier?: string;
  key?: string;
}

export interface SimulatedPluginMarket extends AsyncDisposable {
  url: string;
  /** The install page: the integration's app link. */
  installPage: string;
  identifier: string;
  key: string;
  /** Websites installed, in order. */
  installs: Array<{ websiteId: string; payload: string }>;
  /** API requests, accepted or not. */
  apiRequests: Array<{ method: string; path: string; status: number }>;
  close(): Promise<void>;
}

export async function startSimulatedPluginMarket(
  options: SimulatedPluginMarketOptions,
): Promise<SimulatedPluginMarket> {
  const identifier = options.identifier ?? `plugin-${hex(4)}`;
  const key = options.key ?? `pk-${hex(12)}`;
  const expected = `Basic ${Buffer.from(`${identifier}:${key}`).toString('base64')}`;
  const installs: SimulatedPluginMarket['installs'] = [];
  const apiRequests: SimulatedPluginMarket['apiRequests'] = [];

  /** One answer per request: a status, and a JSON body or a redirect. */
  function answer(req: IncomingMessage): { status: number; body?: unknown; location?: string } {
    const url = new URL(req.url ?? '/', 'http://market.invalid');
    if (req.method === 'GET' && url.pathname === '/plugins/install') {
      const payload = url.searchParams.get('payload');
      if (!payload) return { status: 400, body: { error: true, reason: 'payload_missing' } };
      const websiteId = `web-${hex(6)}`;
      installs.push({ websiteId, payload });
      const callback = new URL(options.callbackUrl);
      callback.searchParams.set('payload', payload);
      callback.searchParams.set('website_id', websiteId);
      return { status: 302, location: callback.href };
    }
    const authorized = req.headers.authorization === expected && req.headers['x-crisp-tier'] === 'plugin';
    const api = (status: number, body: unknown) => {
      apiRequests.push({ method: req.method ?? '', path: url.pathname, status });
      return { status, body };
    };
    if (!authorized) return api(401, { error: true, reason: 'invalid_session' });
    if (req.method === 'GET' && url.pathname === '/v1/plugin/connect/account') {
      return api(200, { error: false, reason: 'resolved', data: { plugin_id: identifier } });
    }
    const website = /^\/v1\/website\/([^/]+)\/people\/profiles$/.exec(url.pathname);
    if (req.method === 'GET' && website !== null) {
      if (!installs.some((install) => install.websiteId === website[1])) {
        return api(403, { error: true, reason: 'not_allowed' });
      }
      return api(200, { error: false, reason: 'listed', data: [{ people_id: 'p-1', nickname: 'Ada' }] });
    }
    return api(404, { error: true, reason: 'not_found' });
  }

  const server = await listen((req, res) => {
    const { status, body, location } = answer(req);
    if (location !== undefined) res.writeHead(status, { location }).end();
    else json(res, status, body);
  });
  const { url } = server;
  return {
    url,
    installPage: `${url}/plugins/install`,
    identifier,
    key,
    installs,
    apiRequests,
    close: server.close,
    [Symbol.asyncDispose]: server.close,
  };
}
