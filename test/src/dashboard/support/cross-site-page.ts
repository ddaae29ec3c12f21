/**
 * An attacker's page on another loopback origin (same site, other port, so a SameSite=Lax cookie still rides along):
 * it POSTs a form to a Latchkey URL as soon as it loads. The CSRF guard must be what stops it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CrossSitePage extends AsyncDisposable {
  /** The page that auto-submits a POST to `target`. */
  url(target: string): string;
}

export async function startCrossSitePage(): Promise<CrossSitePage> {
  const server: Server = createServer((req, res) => {
    const target = new URL(req.url ?? '/', 'http://x').searchParams.get('target') ?? '';
    const escaped = target.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><head><title>Win a prize</title></head><body>
<form id="attack" method="post" action="${escaped}" enctype="text/plain"><input type="hidden" name="x" value="1"></form>
<script>document.getElementById('attack').submit();</script></body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: (target) => `${origin}/?target=${encodeURIComponent(target)}`,
    [Symbol.asyncDispose]: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
