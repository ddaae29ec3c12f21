/**
 * The `@nangohq/frontend` WebSocket (compat doc 3.3): every connection gets `connection_ack` with a fresh
 * `ws_client_id`, the popup passes that id to `/oauth/connect`, and when the flow's result is published (by this
 * instance or, on PostgreSQL, another) the socket holding the id receives one `success` or `error` frame and is
 * closed. The client never needs to send anything; whatever it sends is ignored, within a small size cap.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import type { FlowResult, FlowResultBus } from '../../auth-flows/flow-results';
import type { Logger } from '../../platform/logging/logger';
import { flowResultFrame, type NangoFrontendFrame } from './nango-frontend-frames';

export interface NangoFrontendSocketOptions {
  flowResults: FlowResultBus;
  logger: Logger;
  /** How often idle sockets are pinged; a socket that has not answered the previous ping is dropped. */
  heartbeatMs?: number;
  /** A socket is closed after this long even if no result came (the OAuth session has expired by then). */
  maxLifetimeMs?: number;
  /** Upgrades beyond this many open sockets are refused with 503, so idle sockets cannot exhaust the process. */
  maxClients?: number;
}

export interface NangoFrontendSocket {
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Number of sockets waiting for a result (tests, metrics). */
  readonly openClients: number;
  /** Closes every socket (1001 going away) and stops listening for results. */
  close(): void;
}

/** The SDK sends nothing; a browser may send a close frame. Anything larger is refused by `ws` with 1009. */
const MAX_MESSAGE_BYTES = 1024;
const DEFAULT_HEARTBEAT_MS = 30_000;
const DEFAULT_MAX_LIFETIME_MS = 65 * 60 * 1000;
const DEFAULT_MAX_CLIENTS = 10_000;
/** After a graceful close, a client that never answers is cut off so a stopping server is not held open. */
const CLOSE_GRACE_MS = 1000;

interface Client {
  socket: WebSocket;
  alive: boolean;
  expiry: NodeJS.Timeout;
}

export function createNangoFrontendSocket(options: NangoFrontendSocketOptions): NangoFrontendSocket {
  const logger = options.logger.child({ component: 'nango-frontend-socket' });
  const server = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_MESSAGE_BYTES,
    clientTracking: false,
  });
  const clients = new Map<string, Client>();
  let closed = false;

  function closeClient(id: string, code: number, reason: string): void {
    const client = clients.get(id);
    if (client === undefined) return;
    clients.delete(id);
    clearTimeout(client.expiry);
    client.socket.close(code, reason);
    setTimeout(() => client.socket.terminate(), CLOSE_GRACE_MS).unref();
  }

  function deliver(result: FlowResult): void {
    const client = clients.get(result.wsClientId);
    if (client === undefined) return; // Another instance holds it, or the page has gone.
    client.socket.send(JSON.stringify(flowResultFrame(result)), (error) => {
      if (error !== undefined) logger.debug({ err: error }, 'flow result frame not sent');
    });
    // `close` queues the close frame after the result; the SDK closes on the result anyway.
    closeClient(result.wsClientId, 1000, 'flow complete');
  }

  const unsubscribe = options.flowResults.subscribe(deliver);

  const heartbeat = setInterval(() => {
    for (const [id, client] of clients) {
      if (!client.alive) {
        clients.delete(id);
        clearTimeout(client.expiry);
        client.socket.terminate();
        continue;
      }
      client.alive = false;
      client.socket.ping();
    }
  }, options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
  heartbeat.unref();

  function accept(socket: WebSocket): void {
    // A handshake that was under way when the server began to stop.
    if (closed) {
      socket.close(1001, 'server stopping');
      return;
    }
    const id = randomUUID();
    const expiry = setTimeout(
      () => closeClient(id, 1000, 'no result in time'),
      options.maxLifetimeMs ?? DEFAULT_MAX_LIFETIME_MS,
    );
    expiry.unref();
    const client: Client = { socket, alive: true, expiry };
    clients.set(id, client);
    socket.on('pong', () => {
      client.alive = true;
    });
    // Text is ignored (the protocol has no client messages); binary is not this protocol at all.
    socket.on('message', (_data, isBinary) => {
      if (isBinary) closeClient(id, 1003, 'binary frames are not supported');
    });
    socket.on('error', (error) => logger.debug({ err: error }, 'frontend socket error'));
    socket.on('close', () => {
      if (clients.get(id)?.socket === socket) {
        clients.delete(id);
        clearTimeout(expiry);
      }
    });
    const ack: NangoFrontendFrame = { message_type: 'connection_ack', ws_client_id: id };
    socket.send(JSON.stringify(ack));
  }

  return {
    handleUpgrade(request, socket, head) {
      if (closed || clients.size >= (options.maxClients ?? DEFAULT_MAX_CLIENTS)) {
        socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      // A failed handshake (not a WebSocket request, bad version) is answered by `ws` with a 400.
      server.handleUpgrade(request, socket, head, accept);
    },
    get openClients() {
      return clients.size;
    },
    close() {
      closed = true;
      clearInterval(heartbeat);
      unsubscribe();
      for (const id of [...clients.keys()]) closeClient(id, 1001, 'server stopping');
      server.close();
    },
  };
}
