/**
 * The `/docs` page: Scalar's standalone bundle, served from this server (no CDN), rendering `/openapi.json`. The
 * page runs no inline script, so its CSP allows scripts from this origin only.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

/**
 * Scalar injects its stylesheet and sets style attributes at run time, hence `'unsafe-inline'` for styles only. Its
 * "try it" client calls this origin; nothing else is reachable.
 */
export const REFERENCE_PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const REFERENCE_PAGE_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Latchkey API reference</title>
    <link rel="icon" href="data:," />
  </head>
  <body>
    <div id="app"></div>
    <script src="/docs/scalar.js"></script>
    <script src="/docs/init.js"></script>
  </body>
</html>
`;

/** Telemetry, the AI agent and the default fonts would each reach scalar.com; the CSP would block them anyway. */
export const REFERENCE_INIT_SCRIPT = `Scalar.createApiReference('#app', ${JSON.stringify({
  url: '/openapi.json',
  withDefaultFonts: false,
  telemetry: false,
  agent: { disabled: true },
  mcp: { disabled: true },
  showDeveloperTools: 'never',
  documentDownloadType: 'json',
})});
`;

export interface ScalarBundle {
  /** Changes when the installed Scalar version does. */
  etag: string;
  plain: Buffer;
  gzipped: Buffer;
}

let bundle: Promise<ScalarBundle> | undefined;

/** Read and compressed once per process, on first request: 4 MB that most servers never serve. */
export function scalarBundle(): Promise<ScalarBundle> {
  bundle ??= loadScalarBundle().catch((error: unknown) => {
    bundle = undefined;
    throw error;
  });
  return bundle;
}

async function loadScalarBundle(): Promise<ScalarBundle> {
  // The package's exports map does not expose the browser build; it sits beside the resolved entry point.
  const entry = createRequire(import.meta.url).resolve('@scalar/api-reference');
  const dist = path.dirname(entry);
  const plain = await readFile(path.join(dist, 'browser', 'standalone.js'));
  const { version } = JSON.parse(await readFile(path.join(dist, '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  return { etag: `"scalar-${version}"`, plain, gzipped: await promisify(gzip)(plain) };
}
