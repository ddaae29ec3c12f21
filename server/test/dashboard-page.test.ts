/**
 * The dashboard's pages (`/`, `/setup`, `/dashboard/*`) answer its one `index.html` under a strict CSP that forbids
 * framing and inline scripts, never cached; its hashed assets are cached for good; a missing asset is a 404, not the
 * page; a missing build is a clear 503.
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
import { dashboardRoutes } from '../src/transports/rest/routes/dashboard.routes';

function appServing(dir: string) {
  const app = new Hono<RestEnv>({ strict: false });
  app.use(requestContext(createLogger('silent')));
  app.route('/', dashboardRoutes({ dir }));
  app.notFound((c) => c.json({ error: { code: 'route_not_found' } }, 404));
  app.onError(handleError);
  return app;
}

describe('dashboard pages', () => {
  const built = mkdtempSync(path.join(tmpdir(), 'latchkey-dashboard-'));
  mkdirSync(path.join(built, 'assets'));
  writeFileSync(path.join(built, 'index.html'), '<!doctype html><div id="root"></div>');
  writeFileSync(path.join(built, 'assets', 'index-abc123.js'), 'console.log(1)');
  const app = appServing(built);
  afterAll(() => rmSync(built, { recursive: true, force: true }));

  it.each([
    '/',
    '/setup?code=abc',
    '/dashboard',
    '/dashboard/sign-in',
    '/dashboard/dev/connections/github/x',
  ])('serves the page at %s with its security headers', async (url) => {
    const response = await app.request(url);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<div id="root">');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-eval');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('referrer-policy')).toBe('same-origin');
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('serves hashed assets with immutable caching, and 404s the rest under /dashboard/assets', async () => {
    const asset = await app.request('/dashboard/assets/index-abc123.js');
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toContain('text/javascript');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await app.request('/dashboard/assets/missing-000.js')).status).toBe(404);
    expect((await app.request('/dashboard/assets/index-abc123.exe')).status).toBe(404);
    expect((await app.request('/dashboard/assets/nested/deeper.js')).status).toBe(404);
    expect((await app.request('/dashboard/assets/..%2Findex.html')).status).toBe(404);
  });

  it('answers 503 dashboard_not_built when there is no build', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'latchkey-dashboard-none-'));
    try {
      const response = await appServing(empty).request('/dashboard');
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ error: { code: 'dashboard_not_built' } });
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
