/**
 * A dedicated PostgreSQL connection LISTENing on one channel (a pooled connection cannot: the pool hands it to other
 * queries). It reconnects with backoff when the connection drops, and reports each reconnect, because notifications
 * sent meanwhile are lost and whoever relies on them must re-read.
 */
import pg from 'pg';
import { CONNECT_TIMEOUT_MS, KEEPALIVE_DELAY_MS } from '../platform/database/database';
import type { Logger } from '../platform/logging/logger';

export interface NotificationListener {
  /** Resolves once the first LISTEN succeeded or failed (failures keep retrying in the background). */
  ready: Promise<void>;
  close(): Promise<void>;
}

// Short: while this connection is down, other instances' writes reach this one only by polling.
const MAX_RECONNECT_DELAY_MS = 5_000;

export function listenForNotifications(options: {
  url: string;
  channel: string;
  logger: Logger;
  onNotification: (payload: string | undefined) => void;
  /** After every successful (re)connection; the first included. */
  onListening: () => void;
  /** When an established connection drops: notifications are lost until `onListening` fires again. */
  onLost?: () => void;
}): NotificationListener {
  let client: pg.Client | undefined;
  let closed = false;
  let failures = 0;
  let retryTimer: NodeJS.Timeout | undefined;

  async function connect(): Promise<void> {
    // Keep-alive probes notice a peer that vanished without closing the socket: this connection is idle by design.
    const next = new pg.Client({
      connectionString: options.url,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      keepAlive: true,
      keepAliveInitialDelayMillis: KEEPALIVE_DELAY_MS,
    });
    next.on('notification', (message) => {
      if (message.channel === options.channel) options.onNotification(message.payload);
    });
    // Errors surface here for an idle client; the 'end' handler below schedules the reconnect.
    next.on('error', (error) => options.logger.warn({ err: error }, 'LISTEN connection error'));
    next.on('end', () => {
      if (client === next) {
        client = undefined;
        if (!closed) options.onLost?.();
      }
      if (!closed) scheduleReconnect();
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${pg.escapeIdentifier(options.channel)}`);
    } catch (error) {
      next.removeAllListeners('end');
      await next.end().catch(() => {});
      throw error;
    }
    if (closed) {
      await next.end().catch(() => {});
      return;
    }
    client = next;
    failures = 0;
    options.onListening();
  }

  function scheduleReconnect(): void {
    if (closed || retryTimer !== undefined) return;
    const delay = Math.min(MAX_RECONNECT_DELAY_MS, 250 * 2 ** failures);
    failures += 1;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      attempt();
    }, delay);
    retryTimer.unref();
  }

  function attempt(): Promise<void> {
    return connect().catch((error) => {
      options.logger.warn({ err: error }, 'LISTEN connection failed; retrying');
      scheduleReconnect();
    });
  }

  const ready = attempt();

  return {
    ready,
    async close() {
      closed = true;
      if (retryTimer !== undefined) clearTimeout(retryTimer);
      await ready;
      await client?.end().catch(() => {});
      client = undefined;
    },
  };
}
