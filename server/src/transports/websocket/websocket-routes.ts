/**
 * Upgrade requests by path. Node's HTTP server has one `upgrade` event for every WebSocket endpoint (the Nango
 * frontend protocol, graphql-ws); each transport registers its path here and the server dispatches by exact path.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

export type UpgradeHandler = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

export interface WebSocketRoutes {
  register(path: string, handler: UpgradeHandler, onClose?: () => void): void;
  /** The handler for a request path (query ignored), or undefined. */
  handlerFor(url: string | undefined): UpgradeHandler | undefined;
  /** Closes every registered endpoint's sockets (graceful stop). */
  closeAll(): void;
}

export function createWebSocketRoutes(): WebSocketRoutes {
  const handlers = new Map<string, UpgradeHandler>();
  const closers: (() => void)[] = [];
  return {
    register(path, handler, onClose) {
      if (handlers.has(path)) throw new Error(`WebSocket path ${path} is registered twice`);
      handlers.set(path, handler);
      if (onClose !== undefined) closers.push(onClose);
    },
    handlerFor(url) {
      if (url === undefined) return undefined;
      const queryStart = url.indexOf('?');
      const path = queryStart === -1 ? url : url.slice(0, queryStart);
      return (
        handlers.get(path) ?? handlers.get(path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path)
      );
    },
    closeAll() {
      for (const close of closers) close();
    },
  };
}
