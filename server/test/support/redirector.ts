/**
 * An app's custom OAuth callback endpoint as Nango documents it (compat doc 4.1): it answers 308 to Latchkey's own
 * callback with every query parameter kept. Started before the harness, so its URL can be registered at the
 * authorization server; the target is set once Latchkey's URL is known.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Redirector extends AsyncDisposable {
  /** The callback URL to configure: `http://127.0.0.1:<port>/oauth/latchkey-callback`. */
  url: string;
  /** Where to redirect (the query string is appended); until set, every request answers 503. */
  target: string | undefined;
  /** 308 responses served so far. */
  redirects: number;
  close(): Promise<void>;
}

const CALLBACK_PATH = '/oauth/latchkey-callback';

export async function startRedirector(): Promise<Redirector> {
  const server = createServer((req, res) => {
    const requested = new URL(req.url ?? '/', redirector.url);
    if (requested.pathname !== CALLBACK_PATH) {
      res.writeHead(404).end();
      return;
    }
    if (redirector.target === undefined) {
      res.writeHead(503).end();
      return;
    }
    redirector.redirects += 1;
    res.writeHead(308, { location: `${redirector.target}${requested.search}` }).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = () =>
    new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    });
  const redirector: Redirector = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${CALLBACK_PATH}`,
    target: undefined,
    redirects: 0,
    close,
    [Symbol.asyncDispose]: close,
  };
  return redirector;
}
