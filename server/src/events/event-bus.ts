/**
 * Live auth events. Every subscription reads the outbox by cursor, so the backlog and the live tail are one stream:
 * a notification only says "there may be more", and the subscriber reads whatever lies past its cursor. Nothing can be
 * lost or repeated at the switch from backlog to live, or when a notification is missed, and event ids follow commit
 * order (see the lock in auth-event.recorder.ts), so a cursor never passes an event that commits later.
 *
 * Notifications come from commits in this process (`published`, called by services after their commit) and, on
 * PostgreSQL, from every instance through LISTEN/NOTIFY (the recorder NOTIFYs inside the writing transaction).
 */
import type { Db } from '../platform/database/database';
import type { Logger } from '../platform/logging/logger';
import { AUTH_EVENTS_CHANNEL } from './auth-event.recorder';
import { listAuthEventsAfter } from './auth-event.repository';
import type { AuthEventRow } from './auth-event.table';
import { listenForNotifications, type NotificationListener } from './pg-notification-listener';

export interface EventSubscription {
  close(): void;
  /** Settles when the subscription ends: closed by its owner, by the bus shutting down, or by `onEvent` throwing. */
  readonly ended: Promise<void>;
}

export interface EventBus {
  /** Every event of the environment with an id above `afterCursor`, in id order: stored ones first, then live ones. */
  subscribe(
    environmentId: string,
    afterCursor: string,
    onEvent: (event: AuthEventRow) => void | Promise<void>,
  ): EventSubscription;
  /** Called after a commit that wrote these events (services pass it on as `onEventsCommitted`). */
  published(eventIds: readonly string[]): void;
  /** Also called for events committed by other instances; returns the unsubscribe function. */
  onPublished(listener: () => void): () => void;
  /** Starts listening across instances (PostgreSQL); resolves once listening or after the first failure. */
  start(): Promise<void>;
  /** Ends every subscription: a stopping server ends its event streams with this before waiting for requests. */
  endSubscriptions(): void;
  /** Ends every subscription and stops listening. */
  close(): Promise<void>;
}

/** Rows read per query while catching up. */
const PAGE_SIZE = 200;
/** A safety net for notifications that never came (a writer that forgot `published`, a dropped LISTEN connection). */
const RESYNC_MS = 5000;
const READ_RETRY_MS = 1000;

interface Subscriber {
  environmentId: string;
  cursor: bigint;
  onEvent: (event: AuthEventRow) => void | Promise<void>;
  reading: boolean;
  /** A notification arrived during a read: read again when it finishes. */
  stale: boolean;
  closed: boolean;
  end: () => void;
}

export function createEventBus(deps: { db: Db; logger: Logger; listenUrl?: string | undefined }): EventBus {
  const { db } = deps;
  const logger = deps.logger.child({ component: 'event-bus' });
  const subscribers = new Set<Subscriber>();
  const listeners = new Set<() => void>();
  let listener: NotificationListener | undefined;
  let resync: NodeJS.Timeout | undefined;

  function notifyAll(): void {
    for (const subscriber of subscribers) void catchUp(subscriber);
    for (const notify of listeners) notify();
  }

  async function catchUp(subscriber: Subscriber): Promise<void> {
    if (subscriber.closed) return;
    if (subscriber.reading) {
      subscriber.stale = true;
      return;
    }
    subscriber.reading = true;
    try {
      do {
        subscriber.stale = false;
        let page: AuthEventRow[];
        do {
          page = await listAuthEventsAfter(
            db,
            { environmentId: subscriber.environmentId },
            String(subscriber.cursor),
            PAGE_SIZE,
          );
          for (const event of page) {
            if (subscriber.closed) return;
            await subscriber.onEvent(event);
            subscriber.cursor = BigInt(event.id);
          }
        } while (page.length === PAGE_SIZE && !subscriber.closed);
      } while (subscriber.stale && !subscriber.closed);
    } catch (error) {
      if (subscriber.closed) return;
      if (error instanceof SubscriberError) {
        subscriber.end();
        return;
      }
      logger.warn({ err: error }, 'reading auth events failed; retrying');
      setTimeout(() => void catchUp(subscriber), READ_RETRY_MS).unref();
    } finally {
      subscriber.reading = false;
    }
  }

  function updateResync(): void {
    if (subscribers.size > 0 && resync === undefined) {
      resync = setInterval(() => {
        for (const subscriber of subscribers) void catchUp(subscriber);
      }, RESYNC_MS);
      resync.unref();
    } else if (subscribers.size === 0 && resync !== undefined) {
      clearInterval(resync);
      resync = undefined;
    }
  }

  function endSubscriptions(): void {
    for (const subscriber of [...subscribers]) subscriber.end();
  }

  return {
    subscribe(environmentId, afterCursor, onEvent) {
      let end!: () => void;
      const ended = new Promise<void>((resolve) => {
        end = () => {
          if (subscriber.closed) return;
          subscriber.closed = true;
          subscribers.delete(subscriber);
          updateResync();
          resolve();
        };
      });
      const subscriber: Subscriber = {
        environmentId,
        cursor: BigInt(afterCursor),
        // An error thrown by the consumer ends its subscription; it is not a database problem to retry.
        onEvent: async (event) => {
          try {
            await onEvent(event);
          } catch (error) {
            throw new SubscriberError(error);
          }
        },
        reading: false,
        stale: false,
        closed: false,
        end: () => end(),
      };
      subscribers.add(subscriber);
      updateResync();
      void catchUp(subscriber);
      return { close: () => subscriber.end(), ended };
    },

    published(eventIds) {
      if (eventIds.length > 0) notifyAll();
    },

    onPublished(notify) {
      listeners.add(notify);
      return () => listeners.delete(notify);
    },

    async start() {
      if (deps.listenUrl === undefined || listener !== undefined) return;
      listener = listenForNotifications({
        url: deps.listenUrl,
        channel: AUTH_EVENTS_CHANNEL,
        logger,
        onNotification: notifyAll,
        // Whatever was committed while we were not listening is read now.
        onListening: notifyAll,
      });
      await listener.ready;
    },

    endSubscriptions,

    async close() {
      endSubscriptions();
      await listener?.close();
      listener = undefined;
    },
  };
}

class SubscriberError extends Error {
  constructor(cause: unknown) {
    super('the subscriber failed', { cause });
  }
}
