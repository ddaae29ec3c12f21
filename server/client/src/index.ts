/**
 * `@latchkey/client`: a typed tRPC client for backends (and widgets) talking to a Latchkey server. Queries and
 * mutations are batched over HTTP; subscriptions run over Server-Sent Events and resume after a reconnection from
 * the last event id they saw. Only the router's type comes from the server: nothing of its runtime is imported.
 */
import {
  createTRPCClient,
  httpBatchLink,
  httpSubscriptionLink,
  splitLink,
  type TRPCClient,
  TRPCClientError,
} from '@trpc/client';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { EventSource as NodeEventSource } from 'eventsource';
import type { AppRouter } from '../../src/transports/trpc/routers/app.router';

export type { AppRouter };
export type LatchkeyClient = TRPCClient<AppRouter>;
export type LatchkeyInputs = inferRouterInputs<AppRouter>;
export type LatchkeyOutputs = inferRouterOutputs<AppRouter>;

type FetchLike = typeof fetch;

export type LatchkeyClientOptions = {
  /** The Latchkey server's base URL (`http://127.0.0.1:3003`); `/trpc` is added unless already there. */
  url: string;
  /** Replaces the global `fetch` (batched calls and the event streams both use it). */
  fetch?: FetchLike;
  /** An `EventSource` class that accepts a custom `fetch` (default: the `eventsource` package). */
  EventSource?: typeof NodeEventSource;
} & (
  | { /** A secret key: the whole API, within its scopes. */ secretKey: string; sessionToken?: never }
  | { /** A connect session token: the widget's few operations. */ sessionToken: string; secretKey?: never }
);

export function createLatchkeyClient(options: LatchkeyClientOptions): LatchkeyClient {
  const base = options.url.replace(/\/+$/, '');
  const url = base.endsWith('/trpc') ? base : `${base}/trpc`;
  const token = options.secretKey ?? options.sessionToken;
  if (token === undefined || token === '')
    throw new TypeError('createLatchkeyClient needs a secretKey or a sessionToken');
  const authorization = `Bearer ${token}`;
  const baseFetch: FetchLike = options.fetch ?? ((input, init) => fetch(input, init));
  // EventSource cannot send headers itself: the custom fetch it takes adds the bearer token to each (re)connection.
  const authorizedFetch: FetchLike = (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set('authorization', authorization);
    return baseFetch(input, { ...init, headers });
  };

  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({
          url,
          EventSource: options.EventSource ?? NodeEventSource,
          eventSourceOptions: { fetch: authorizedFetch },
        }),
        false: httpBatchLink({ url, fetch: authorizedFetch }),
      }),
    ],
  });
}

/** Our stable error code (`forbidden`, `invalid_credentials`…) of a failed call, as REST answers it in `error.code`. */
export function latchkeyErrorCode(error: unknown): string | undefined {
  if (!(error instanceof TRPCClientError)) return undefined;
  const data = (error as TRPCClientError<AppRouter>).data as { errorCode?: unknown } | undefined;
  return typeof data?.errorCode === 'string' ? data.errorCode : undefined;
}

export { TRPCClientError };
