/** `GET /openapi.json` and the API reference page at `/docs`. Public: no key, CORS open (set by the REST app). */
import { createRequire } from 'node:module';
import { Hono } from 'hono';
import type { RestEnv } from '../rest-env';
import { buildOpenApiDocument } from './openapi-document';
import {
  REFERENCE_INIT_SCRIPT,
  REFERENCE_PAGE_CSP,
  REFERENCE_PAGE_HTML,
  scalarBundle,
} from './reference-page';
import { ROUTE_DOCS } from './route-docs';

const JAVASCRIPT = 'text/javascript; charset=utf-8';
const { version } = createRequire(import.meta.url)('../../../../package.json') as { version: string };

let documentJson: string | undefined;

/** The document depends on nothing but the code, so it is built once per process, when first asked for. */
export function openApiJson(): string {
  documentJson ??= JSON.stringify(
    buildOpenApiDocument(ROUTE_DOCS, {
      title: 'Latchkey API',
      version,
      description:
        'The REST API of Latchkey, a self-hostable, Nango-compatible auth platform. Errors answer ' +
        '`{"error": {"code", "message"}}` with a stable `code`.',
    }),
  );
  return documentJson;
}

export function openApiRoutes() {
  return new Hono<RestEnv>({ strict: false })
    .get('/openapi.json', (c) => {
      c.header('Content-Type', 'application/json; charset=utf-8');
      c.header('Cache-Control', 'no-cache');
      return c.body(openApiJson());
    })
    .get('/docs', (c) => {
      c.header('Content-Security-Policy', REFERENCE_PAGE_CSP);
      c.header('Referrer-Policy', 'no-referrer');
      c.header('X-Content-Type-Options', 'nosniff');
      return c.html(REFERENCE_PAGE_HTML);
    })
    .get('/docs/init.js', (c) => {
      c.header('Content-Type', JAVASCRIPT);
      c.header('Cache-Control', 'no-cache');
      return c.body(REFERENCE_INIT_SCRIPT);
    })
    .get('/docs/scalar.js', async (c) => {
      const bundle = await scalarBundle();
      c.header('Content-Type', JAVASCRIPT);
      c.header('Cache-Control', 'public, max-age=86400');
      c.header('ETag', bundle.etag);
      c.header('Vary', 'Accept-Encoding');
      if (c.req.header('if-none-match') === bundle.etag) return c.body(null, 304);
      if (/\bgzip\b/.test(c.req.header('accept-encoding') ?? '')) {
        c.header('Content-Encoding', 'gzip');
        return c.body(new Uint8Array(bundle.gzipped));
      }
      return c.body(new Uint8Array(bundle.plain));
    });
}
