/**
 * The hashed files of a Vite build the server serves (the hosted connect page's and the dashboard's): one flat
 * `assets/` folder, names checked before any path is built, long-lived caching since a new build gets new names.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Context } from 'hono';
import type { RestEnv } from './rest-env';

/** Vite's output names: hashed file names in one flat folder, nothing else is served. */
const ASSET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

/** Answers `<buildDir>/assets/<file>`, or 404 for a name that is not a build asset or is absent. */
export async function serveBuildAsset(
  c: Context<RestEnv>,
  buildDir: string,
  file: string,
): Promise<Response> {
  const type = CONTENT_TYPES[path.extname(file)];
  if (!ASSET_NAME.test(file) || type === undefined) return c.notFound();
  const body = await readFile(path.join(buildDir, 'assets', file)).catch(() => undefined);
  if (body === undefined) return c.notFound();
  c.header('Content-Type', type);
  // Hashed names: a new build gets new names.
  c.header('Cache-Control', 'public, max-age=31536000, immutable');
  c.header('X-Content-Type-Options', 'nosniff');
  return c.body(body);
}
