/**
 * The operator dashboard (`dashboard/dist`, built by `pnpm --filter ./dashboard build`): `GET /`, `/setup`,
 * `/dashboard` and every `/dashboard/*` page answer the one `index.html` (the client router takes it from there);
 * `/dashboard/assets/*` are its hashed files. The WebSocket upgrade on `/` never reaches here: http-server.ts takes
 * upgrades before Hono.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LatchkeyError } from '@latchkey/schema';
import { type Context, Hono } from 'hono';
import type { RestEnv } from '../rest-env';
import { serveBuildAsset } from '../static-assets';

/** Where the dashboard build lands, from this file in the source tree. */
export const DASHBOARD_DIR = fileURLToPath(new URL('../../../../../dashboard/dist/', import.meta.url));

/** Client-side routes that are not under `/dashboard` (the contract's `GET /` and the first-run page). */
export const DASHBOARD_ROOT_PAGES = ['/', '/setup'] as const;

/**
 * Scripts from this origin only (the build has no inline script); inline styles for the CSS variables components
 * set; images may be remote (provider logos, a theme's logo URL). The page calls only its own origin (/trpc).
 */
const PAGE_HEADERS = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; " +
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'",
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'same-origin',
  'X-Content-Type-Options': 'nosniff',
  // Pages show per-operator data and name the current build's hashed assets: never from a cache.
  'Cache-Control': 'no-store',
};

export function dashboardRoutes(options: { dir?: string } = {}) {
  const dir = options.dir ?? DASHBOARD_DIR;

  async function page(c: Context<RestEnv>): Promise<Response> {
    const html = await readFile(path.join(dir, 'index.html'), 'utf8').catch(() => undefined);
    if (html === undefined) {
      const error = new LatchkeyError('dashboard_not_built');
      c.header('Cache-Control', 'no-store');
      return c.json(error.toBody(), 503);
    }
    for (const [name, value] of Object.entries(PAGE_HEADERS)) c.header(name, value);
    return c.html(html);
  }

  const app = new Hono<RestEnv>({ strict: false });
  for (const route of DASHBOARD_ROOT_PAGES) app.get(route, page);
  return app
    .get('/dashboard/assets/:file', (c) => serveBuildAsset(c, dir, c.req.param('file')))
    .get('/dashboard/assets/*', (c) => c.notFound())
    .get('/dashboard', page)
    .get('/dashboard/*', page);
}
