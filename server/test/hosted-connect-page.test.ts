/**
 * `GET /connect` (a session's `connect_link`) serves the widget's hosted build with a strict CSP and a referrer
 * policy that keeps the token in the URL; a missing build is a clear 503, a bad token a clear 400; only the build's
 * asset files are served.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Hono } from 'hono';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/platform/logging/logger';
import { handleError } from '../src/transports/rest/middleware/error-handler';
import { requestContext } from '../src/transports/rest/middleware/request-context';
import type { RestEnv } from '../src/transports/rest/rest-env';
import { hostedConnectRoutes } from '../src/transports/rest/routes/hosted-connect.routes';

const TOKEN = `nango_connect_session_${'c'.repeat(64)}`;

function appServing(dir: string) {
  const app = new Hono<RestEnv>();
  app.use(requestContext(createLogger('silent')));
  app.route('/', hostedConnectRoutes({ dir }));
  app.onError(handleError);
  return app;
}

describe('hosted connect page', () => {
  const built = mkdtempSync(path.join(tmpdir(), 'latchkey-hosted-'));
  mkdirSync(path.join(built, 'assets'));
  writeFileSync(path.join(built, 'index.html'), '<!doctype html><div id="root"></div>');
  writeFileSync(path.join(built, 'assets', 'index-abc123.js'), 'console.log(1)');
  writeFileSync(path.join(built, 'secret.txt'), 'not an asset');
  const missing = path.join(built, 'nowhere');
  afterAll(() => rmSync(built, { recursive: true, force: true }));

  it('serves the built page with a strict CSP and an origin-only referrer policy', async () => {
    const response = await appServing(built).request(`/connect?session_token=${TOKEN}&mode=redirect`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<div id="root">');
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(response.headers.get('referrer-policy')).toBe('strict-origin');
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('serves the assets of the build, and nothing else', async () => {
    const app = appServing(built);
    const asset = await app.request('/connect/assets/index-abc123.js');
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toContain('text/javascript');
    expect(await asset.text()).toBe('console.log(1)');
    for (const target of [
      '/connect/assets/..%2Fsecret.txt',
      '/connect/assets/..%2Findex.html',
      '/connect/assets/missing-1.js',
      '/connect/assets/index-abc123.exe',
    ]) {
      expect((await app.request(target)).status, target).toBe(404);
    }
  });

  it('answers 503 hosted_page_not_built when the widget was not built', async () => {
    const app = appServing(missing);
    const json = await app.request(`/connect?session_token=${TOKEN}`);
    expect(json.status).toBe(503);
    expect(((await json.json()) as { error: { code: string } }).error.code).toBe('hosted_page_not_built');
    const html = await app.request(`/connect?session_token=${TOKEN}`, { headers: { accept: 'text/html' } });
    expect(html.status).toBe(503);
    expect(html.headers.get('content-type')).toContain('text/html');
    expect(await html.text()).toContain('pnpm --filter ./widget build');
  });

  it('answers 400 on a missing or malformed session token', async () => {
    const app = appServing(built);
    for (const query of ['', '?session_token=abc', `?session_token=${TOKEN}x`]) {
      const response = await app.request(`/connect${query}`, { headers: { accept: 'text/html' } });
      expect(response.status, query).toBe(400);
      expect(await response.text()).toContain('invalid_query_params');
    }
    const json = await app.request('/connect');
    expect(((await json.json()) as { error: { code: string } }).error.code).toBe('invalid_query_params');
  });
});
