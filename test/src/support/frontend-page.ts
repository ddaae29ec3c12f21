/**
 * An app page on its own loopback origin that uses the real `@nangohq/frontend` ESM build, served from
 * node_modules (no bundler, no CDN). A click on `#connect` calls `nango.auth(integration)`; the outcome lands in
 * `window.__result` and in `#result`. Host, session token and integration come from the page's query string.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export interface FrontendPage extends AsyncDisposable {
  /** The page's URL for one flow. */
  urlFor(input: { host: string; connectSessionToken: string; integration: string }): string;
}

const SDK_DIR = path.dirname(createRequire(import.meta.url).resolve('@nangohq/frontend'));

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Example app</title></head>
<body style="font:16px system-ui,sans-serif;margin:2rem">
<h1>Example app</h1>
<button id="connect">Connect</button>
<pre id="result"></pre>
<script type="module">
import Nango from '/sdk/index.js';
const params = new URLSearchParams(location.search);
const show = (result) => {
  window.__result = result;
  document.getElementById('result').textContent = JSON.stringify(result, null, 2);
};
document.getElementById('connect').addEventListener('click', () => {
  const nango = new Nango({ host: params.get('host'), connectSessionToken: params.get('token') });
  nango.auth(params.get('integration')).then(
    (result) => show({ ok: true, result }),
    (error) => show({ ok: false, type: error.type, message: error.message }),
  );
});
window.__ready = true;
</script>
</body></html>`;

export async function startFrontendPage(): Promise<FrontendPage> {
  const server: Server = createServer(async (req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://page.invalid').pathname;
    if (pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
      return;
    }
    // Only the SDK's own modules, by plain file name: nothing else on disk is reachable.
    const file = /^\/sdk\/([A-Za-z]+\.js)$/.exec(pathname)?.[1];
    if (file === undefined) {
      res.writeHead(404).end();
      return;
    }
    try {
      const source = await readFile(path.join(SDK_DIR, file));
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(source);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    urlFor({ host, connectSessionToken, integration }) {
      const query = new URLSearchParams({ host, token: connectSessionToken, integration });
      return `${origin}/?${query}`;
    },
    async [Symbol.asyncDispose]() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
