/** A test Latchkey on a real loopback port, for clients that need sockets (event streams, WebSockets). */
import { type RunningServer, startHttpServer } from '../../src/http-server';
import { createLogger } from '../../src/platform/logging/logger';
import { freePort } from './free-port';
import type { DatabaseKind } from './test-database';
import { createTestLatchkey, type TestLatchkey } from './test-latchkey';

export interface ServedLatchkey extends AsyncDisposable {
  t: TestLatchkey;
  url: string;
}

export async function serveTestLatchkey(
  kind: DatabaseKind,
  env: Record<string, string> = {},
  /** A port chosen beforehand, when a peer must know the URL before the Latchkey exists (a redirect URI). */
  port?: number,
): Promise<ServedLatchkey> {
  port ??= await freePort();
  const url = `http://127.0.0.1:${port}`;
  const t = await createTestLatchkey(kind, {
    LATCHKEY_PUBLIC_URL: url,
    PORT: String(port),
    HOST: '127.0.0.1',
    ...env,
  });
  const server: RunningServer = await startHttpServer(
    { ...t.latchkey, close: async () => {} },
    createLogger('silent'),
  );
  return {
    t,
    url,
    async [Symbol.asyncDispose]() {
      await server.stop();
      await t[Symbol.asyncDispose]();
    },
  };
}
