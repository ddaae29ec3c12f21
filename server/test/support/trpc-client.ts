/**
 * `@latchkey/client` for tests, plus a fetch whose event streams a test can cut: the stand-in for a network drop, and
 * a gate that holds reconnections back until the test has made what should happen while the client was away.
 */
import { createLatchkeyClient, type LatchkeyClient } from '../../client/src/index';

export function latchkeyClient(
  url: string,
  credentials: { secretKey: string } | { sessionToken: string },
  fetchImpl?: typeof fetch,
): LatchkeyClient {
  return createLatchkeyClient({
    url,
    ...credentials,
    ...(fetchImpl === undefined ? {} : { fetch: fetchImpl }),
  });
}

export interface CuttableFetch {
  fetch: typeof fetch;
  /** Every event-stream request made: its URL and `Last-Event-ID` header. */
  streamRequests: Array<{ url: URL; lastEventId: string | null }>;
  /** Errors the open event stream, as a dropped connection would, and closes it towards the server. */
  cut(): void;
  /** Event-stream requests wait until `release` is called. */
  hold(): void;
  release(): void;
}

export function cuttableFetch(): CuttableFetch {
  const open = new Set<{ cut: () => void }>();
  let gate: { promise: Promise<void>; resolve: () => void } | undefined;
  const streamRequests: CuttableFetch['streamRequests'] = [];
  const wrapped: typeof fetch = async (input, init) => {
    const headers = new Headers(init?.headers);
    if (!(headers.get('accept') ?? '').includes('text/event-stream')) return fetch(input, init);
    streamRequests.push({
      url: new URL(input instanceof Request ? input.url : String(input)),
      lastEventId: headers.get('last-event-id'),
    });
    await gate?.promise;
    const response = await fetch(input, init);
    if (response.body === null) return response;
    const reader = response.body.getReader();
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    const connection = {
      cut() {
        open.delete(connection);
        controller.error(new TypeError('network connection lost'));
        void reader.cancel().catch(() => {});
      },
    };
    open.add(connection);
    const body = new ReadableStream<Uint8Array>({
      start: (c) => {
        controller = c;
      },
      async pull(c) {
        try {
          const { done, value } = await reader.read();
          if (done) {
            open.delete(connection);
            c.close();
          } else c.enqueue(value);
        } catch {
          // cut: the controller is already errored
        }
      },
      cancel: (reason) => {
        open.delete(connection);
        return reader.cancel(reason);
      },
    });
    return new Response(body, { status: response.status, headers: response.headers });
  };
  return {
    fetch: wrapped,
    streamRequests,
    cut() {
      for (const connection of open) connection.cut();
    },
    hold() {
      let resolve!: () => void;
      gate = { promise: new Promise<void>((r) => (resolve = r)), resolve };
    },
    release() {
      gate?.resolve();
      gate = undefined;
    },
  };
}
