/**
 * The dashboard's only way to the server: tRPC, typed by the server's own `AppRouter` (a type import, no server code
 * in the bundle). Calls carry the session cookie (same origin) and the current environment; a 401 outside `auth.*`
 * sends the operator to sign-in.
 */
import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import {
  createTRPCClient,
  httpBatchLink,
  httpSubscriptionLink,
  isTRPCClientError,
  splitLink,
  type TRPCClientErrorLike,
} from '@trpc/client';
import { createTRPCContext, createTRPCOptionsProxy } from '@trpc/tanstack-react-query';
import type { AppRouter } from '../../../server/src/transports/trpc/routers/app.router';
import { currentEnvironment, onEnvironmentChange } from './environment';

export type { AppRouter };
export type ApiError = TRPCClientErrorLike<AppRouter>;

const ENDPOINT = '/trpc';

/** Procedures that are about the operator or the instance, not an environment: kept when the environment changes. */
const INSTANCE_ROUTERS = new Set(['auth', 'account', 'operators', 'instance', 'audit', 'environments']);

let onUnauthorized: () => void = () => {
  window.location.assign('/dashboard/sign-in');
};

/** main.tsx points this at the router, so a lapsed session lands on sign-in without a reload. */
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

function pathOfKey(key: readonly unknown[] | undefined): string[] {
  const first = key?.[0];
  return Array.isArray(first) ? first.map(String) : [];
}

function handleError(error: unknown, key: readonly unknown[] | undefined): void {
  if (httpStatusOf(error) !== 401) return;
  // `auth.*` answers 401 for wrong passwords and for "not signed in" on purpose; the pages handle those.
  if (pathOfKey(key)[0] === 'auth') return;
  onUnauthorized();
}

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      retry: (failures, error) => {
        const status = httpStatusOf(error);
        return failures < 2 && (status === undefined || status >= 500);
      },
      refetchOnWindowFocus: true,
    },
  },
  queryCache: new QueryCache({ onError: (error, query) => handleError(error, query.queryKey) }),
  mutationCache: new MutationCache({
    onError: (error, _variables, _context, mutation) => handleError(error, mutation.options.mutationKey),
  }),
});

// Data of one environment must never show under another: everything environment-scoped is dropped on a switch.
onEnvironmentChange(() => {
  queryClient.removeQueries({
    predicate: (query) => !INSTANCE_ROUTERS.has(pathOfKey(query.queryKey)[0] ?? ''),
  });
});

export const trpcClient = createTRPCClient<AppRouter>({
  links: [
    splitLink({
      condition: (op) => op.type === 'subscription',
      // EventSource cannot send headers: the environment rides in tRPC's connection params.
      true: httpSubscriptionLink({
        url: ENDPOINT,
        connectionParams: () => ({ environment: currentEnvironment() }),
        eventSourceOptions: () => ({ withCredentials: true }),
      }),
      false: httpBatchLink({
        url: ENDPOINT,
        headers: () => ({ 'X-Latchkey-Environment': currentEnvironment() }),
        fetch: (input, init) => fetch(input, { ...init, credentials: 'same-origin' }),
      }),
    }),
  ],
});

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

/** The same query options outside React (route loaders, `beforeLoad`). */
export const trpc = createTRPCOptionsProxy<AppRouter>({ client: trpcClient, queryClient });

export function httpStatusOf(error: unknown): number | undefined {
  if (!isTRPCClientError(error)) return undefined;
  const data = error.data as { httpStatus?: number } | undefined;
  return data?.httpStatus;
}

/** The stable Latchkey code (`invalid_credentials_login`, `forbidden`, …) and message, as REST would answer them. */
export function describeError(error: unknown): { code: string; message: string } {
  if (isTRPCClientError(error)) {
    const data = error.data as { errorCode?: string; httpStatus?: number } | undefined;
    const code = data?.errorCode ?? (data?.httpStatus === undefined ? 'network_error' : 'server_error');
    const message =
      data === undefined || data === null
        ? 'The server could not be reached. Check your connection and try again.'
        : error.message;
    return { code, message };
  }
  if (error instanceof Error) return { code: 'client_error', message: error.message };
  return { code: 'client_error', message: 'Something went wrong.' };
}
