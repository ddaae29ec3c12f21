/**
 * Serving a Latchkey over HTTP, and stopping gracefully: stop accepting, let in-flight requests finish (up to a
 * timeout, then cut them), close the database last.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { getRequestListener } from '@hono/node-server';
import { LatchkeyError } from '@latchkey/schema';
import type { Latchkey } from './latchkey';
import type { Logger } from './platform/logging/logger';

export interface RunningServer {
  url: string;
  port: number;
  server: Server;
  stop(): Promise<void>;
}

export async function startHttpServer(latchkey: Latchkey, logger: Logger): Promise<RunningServer> {
  const { port, host, shutdownTimeoutMs } = latchkey.config;
  const honoListener = getRequestListener(latchkey.app.fetch, { hostname: host });
  // Routes answered on node:http first (the hot connection read); everything else goes through Hono.
  const server = createServer((request, response) => {
    if (!latchkey.nodeRoutes.some((route) => route(request, response))) void honoListener(request, response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.keepAliveTimeout = 65_000;
  server.on('upgrade', (request, socket, head) => {
    const handler = latchkey.webSockets.handlerFor(request.url);
    if (handler === undefined) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    handler(request, socket, head);
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => answerClientError(error, socket));
  const address = server.address() as AddressInfo;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Event streams never finish by themselves; end them so their connections can close.
      latchkey.closeStreams();
      // Idle keep-alive sockets would hold close() open; busy ones finish their response first and become idle
      // afterwards, so they are swept again until the server has closed.
      server.closeIdleConnections();
      const sweep = setInterval(() => server.closeIdleConnections(), 50);
      const timer = setTimeout(() => {
        logger.warn({ timeoutMs: shutdownTimeoutMs }, 'shutdown timeout: closing remaining connections');
        server.closeAllConnections();
      }, shutdownTimeoutMs);
      timer.unref();
      await closed;
      clearTimeout(timer);
      clearInterval(sweep);
      await latchkey.close();
    })();
    return stopping;
  };

  return { url: `http://${shownHost}:${address.port}`, port: address.port, server, stop };
}

/**
 * Requests Node's HTTP parser rejects (bad framing, oversized headers) never reach the app; answer them in our error
 * shape too rather than with Node's bare 400.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if ((socket as Socket).writable !== true || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const body = JSON.stringify(
    new LatchkeyError(
      'malformed_request',
      tooLarge ? 'The request headers are too large.' : undefined,
    ).toBody(),
  );
  socket.end(
    `HTTP/1.1 ${tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
