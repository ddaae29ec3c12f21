/**
 * The hosted connect page (`connect_link`): `GET /connect?session_token=…` serves the page built from the widget's
 * own components (`widget/dist-hosted`, made by `pnpm --filter ./widget build`), and `/connect/assets/*` its files.
 * For email and cross-device flows: the page needs nothing but the session token in its URL.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONNECT_SESSION_TOKEN_PATTERN, LatchkeyError } from '@latchkey/schema';
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { readQuery } from '../request-input';
import type { RestEnv } from '../rest-env';
import { serveBuildAsset } from '../static-assets';

/** Where the widget's hosted build lands, from this file in the source tree. */
export const HOSTED_PAGE_DIR = fileURLToPath(new URL('../../../../../widget/dist-hosted/', import.meta.url));

export const hostedQuery = z.object({
  session_token: z.string().regex(CONNECT_SESSION_TOKEN_PATTERN, 'must be a connect session token'),
  mode: z.enum(['popup', 'redirect']).optional(),
  locale: z.string().max(10).optional(),
  // The page itself reads the flow's result parameters when a redirect flow comes back to it.
  latchkey_result: z.string().max(20).optional(),
  latchkey_nonce: z.string().max(64).optional(),
  connection_id: z.string().max(255).optional(),
  provider_config_key: z.string().max(255).optional(),
  error_code: z.string().max(100).optional(),
  error_message: z.string().max(2000).optional(),
});

/**
 * Scripts and styles from this origin only (inline styles: the components set CSS variables); logos may be remote.
 * `strict-origin`: the page's URL holds the session token, so only the origin ever leaves in Referer — which the
 * OAuth popup still needs, to know where to post its result.
 */
const PAGE_HEADERS = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' https: data:; " +
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'",
  'Referrer-Policy': 'strict-origin',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
};

export function hostedConnectRoutes(options: { dir?: string } = {}) {
  const dir = options.dir ?? HOSTED_PAGE_DIR;
  return new Hono<RestEnv>({ strict: false })
    .get('/connect', async (c) => {
      try {
        readQuery(c, hostedQuery);
      } catch (error) {
        if (error instanceof LatchkeyError) return errorPage(c, error);
        throw error;
      }
      const html = await readFile(path.join(dir, 'index.html'), 'utf8').catch(() => undefined);
      if (html === undefined) return errorPage(c, new LatchkeyError('hosted_page_not_built'));
      for (const [name, value] of Object.entries(PAGE_HEADERS)) c.header(name, value);
      return c.html(html);
    })
    .get('/connect/assets/:file', (c) => serveBuildAsset(c, dir, c.req.param('file')));
}

/** Browsers get a readable page; API clients the usual error body. */
function errorPage(c: Context<RestEnv>, error: LatchkeyError): Response {
  const status = error.status as 400;
  if (!(c.req.header('accept') ?? '').includes('text/html')) return c.json(error.toBody(), status);
  c.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
  c.header('Cache-Control', 'no-store');
  const message = error.message.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
  return c.html(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Connect</title><style>body{font:16px system-ui,sans-serif;margin:15vh auto;max-width:32rem;padding:0 1rem;color:#1f2933}</style></head><body><h1>This connect link cannot be opened</h1><p>${message}</p><p><small>${error.code}</small></p></body></html>`,
    status,
  );
}
