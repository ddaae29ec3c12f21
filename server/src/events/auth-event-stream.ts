/**
 * A live auth-event subscription as an async iterable, for transports whose subscriptions are generators (tRPC,
 * GraphQL). The bus awaits each delivery, so a slow consumer slows the catch-up read instead of growing a queue.
 */
import type { AuthEventFilter } from './auth-event-filter';
import { matchesAuthEventFilter } from './auth-event-filter';
import type { AuthEventView } from './event.service';
import type { EventSubscription } from './event-bus';

/** Events buffered before the subscription waits for the consumer. */
const HIGH_WATER = 64;

export async function* authEventStream(
  subscribe: (onEvent: (event: AuthEventView) => Promise<void>) => EventSubscription,
  options: { filter?: AuthEventFilter | undefined; signal?: AbortSignal | undefined } = {},
): AsyncGenerator<AuthEventView, void, undefined> {
  const queue: AuthEventView[] = [];
  let ended = false;
  let wakeConsumer: (() => void) | undefined;
  let wakeProducer: (() => void) | undefined;
  const wake = () => {
    wakeConsumer?.();
    wakeConsumer = undefined;
  };

  const subscription = subscribe(async (event) => {
    if (options.filter !== undefined && !matchesAuthEventFilter(event, options.filter)) return;
    queue.push(event);
    wake();
    if (queue.length >= HIGH_WATER) await new Promise<void>((resolve) => (wakeProducer = resolve));
  });
  void subscription.ended.then(() => {
    ended = true;
    wake();
  });
  const abort = () => subscription.close();
  if (options.signal?.aborted) abort();
  else options.signal?.addEventListener('abort', abort, { once: true });

  try {
    while (true) {
      const next = queue.shift();
      if (next !== undefined) {
        if (queue.length < HIGH_WATER / 2) {
          wakeProducer?.();
          wakeProducer = undefined;
        }
        yield next;
        continue;
      }
      if (ended) return;
      await new Promise<void>((resolve) => (wakeConsumer = resolve));
    }
  } finally {
    options.signal?.removeEventListener('abort', abort);
    subscription.close();
    wakeProducer?.();
  }
}
