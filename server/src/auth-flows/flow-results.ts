/**
 * How a popup flow's outcome reaches the page that started it (compat doc 3.3): the frontend SDK holds a WebSocket
 * and passes its `ws_client_id` to `/oauth/connect`; when the flow ends, the instance that saw the end publishes the
 * result here, and whichever instance holds that socket writes the frame. In-process delivery is immediate; on
 * PostgreSQL every result is also sent with NOTIFY, so the socket may live on another instance than the callback.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { z } from 'zod';
import { listenForNotifications, type NotificationListener } from '../events/pg-notification-listener';
import type { Db } from '../platform/database/database';
import type { Logger } from '../platform/logging/logger';

/** The NOTIFY channel; the payload is `{origin, result}` as JSON. */
export const FLOW_RESULTS_CHANNEL = 'latchkey_flow_results';

/** What the socket's owner needs to write the frame. Never a token or secret: only keys, ids and an error text. */
export type FlowResult =
  | { wsClientId: string; ok: true; providerConfigKey: string; connectionId: string }
  | {
      wsClientId: string;
      ok: false;
      providerConfigKey: string | undefined;
      connectionId: string | undefined;
      /** A Nango WebSocket error type (compat doc 4.10), see flow-error-types.ts. */
      errorType: string;
      errorDescription: string;
    };

export interface FlowResultBus {
  /** Delivers to this process's listeners at once and, on PostgreSQL, to every other instance. Never throws. */
  publish(result: FlowResult): Promise<void>;
  /** Returns the unsubscribe function. */
  subscribe(listener: (result: FlowResult) => void): () => void;
  /** Starts listening to other instances (PostgreSQL only); resolves once listening or after the first failure. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** PostgreSQL caps a NOTIFY payload below 8000 bytes; descriptions are cut well before that. */
const MAX_DESCRIPTION_LENGTH = 1000;
const MAX_FIELD_LENGTH = 255;

const field = z.string().max(MAX_FIELD_LENGTH);
const notificationSchema = z.object({
  origin: z.string(),
  result: z.discriminatedUnion('ok', [
    z.object({ wsClientId: field, ok: z.literal(true), providerConfigKey: field, connectionId: field }),
    z.object({
      wsClientId: field,
      ok: z.literal(false),
      providerConfigKey: field.optional(),
      connectionId: field.optional(),
      errorType: field,
      errorDescription: z.string().max(MAX_DESCRIPTION_LENGTH),
    }),
  ]),
});

export function createFlowResultBus(deps: {
  db: Db;
  logger: Logger;
  /** PostgreSQL URL for LISTEN; absent (embedded database, one process) means in-process delivery only. */
  listenUrl?: string | undefined;
}): FlowResultBus {
  const logger = deps.logger.child({ component: 'flow-results' });
  // Our own NOTIFYs come back to our LISTEN connection too; the origin tells them apart from other instances'.
  const origin = randomUUID();
  const listeners = new Set<(result: FlowResult) => void>();
  let listener: NotificationListener | undefined;

  function deliver(result: FlowResult): void {
    for (const notify of listeners) {
      try {
        notify(result);
      } catch (error) {
        logger.warn({ err: error }, 'a flow result listener failed');
      }
    }
  }

  function onNotification(payload: string | undefined): void {
    let parsed: z.infer<typeof notificationSchema>;
    try {
      parsed = notificationSchema.parse(JSON.parse(payload ?? ''));
    } catch {
      logger.warn('ignored a malformed flow result notification');
      return;
    }
    if (parsed.origin !== origin) deliver(normalise(parsed.result));
  }

  return {
    async publish(input) {
      const result = bounded(input);
      deliver(result);
      if (deps.listenUrl === undefined) return;
      try {
        const payload = JSON.stringify({ origin, result });
        await sql`select pg_notify(${FLOW_RESULTS_CHANNEL}, ${payload})`.execute(deps.db);
      } catch (error) {
        // The flow itself succeeded or failed already; only a socket on another instance misses the news.
        logger.warn({ err: error }, 'could not publish a flow result to other instances');
      }
    },

    subscribe(notify) {
      listeners.add(notify);
      return () => listeners.delete(notify);
    },

    async start() {
      if (deps.listenUrl === undefined || listener !== undefined) return;
      listener = listenForNotifications({
        url: deps.listenUrl,
        channel: FLOW_RESULTS_CHANNEL,
        logger,
        onNotification,
        // A result sent while the connection was down is lost; the end user can retry the flow.
        onListening: () => {},
      });
      await listener.ready;
    },

    async close() {
      listeners.clear();
      await listener?.close();
      listener = undefined;
    },
  };
}

function bounded(result: FlowResult): FlowResult {
  const cut = (value: string | undefined) => value?.slice(0, MAX_FIELD_LENGTH);
  if (result.ok) return result;
  return {
    ...result,
    providerConfigKey: cut(result.providerConfigKey),
    connectionId: cut(result.connectionId),
    errorType: cut(result.errorType) ?? 'unknown_err',
    errorDescription: result.errorDescription.slice(0, MAX_DESCRIPTION_LENGTH),
  };
}

/** JSON drops `undefined` keys; put them back so both delivery paths hand listeners the same shape. */
function normalise(result: z.infer<typeof notificationSchema>['result']): FlowResult {
  if (result.ok) return result;
  return {
    ...result,
    providerConfigKey: result.providerConfigKey,
    connectionId: result.connectionId,
  };
}
