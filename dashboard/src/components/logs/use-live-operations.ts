/**
 * The live log: `logs.live` (tRPC over SSE) sends each operation as it starts and as it ends. Events are merged into
 * the first page's cached rows when they match its filters: a new operation appears at the top, a running one turns
 * success or failed in place. Later pages stay still (they are a fixed window of the past). The subscription resumes
 * after the last event it saw when the connection drops (tracked ids), so nothing is missed across a reconnect.
 */
import { type QueryKey, useQueryClient } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import { useCallback, useState } from 'react';
import { useTRPC } from '../../api/trpc';
import { mergeOperation } from './live-merge';
import type { LogFilterValues } from './log-filters';
import type { OperationPage, OperationSummary } from './log-types';

export type LiveState = 'paused' | 'connecting' | 'live' | 'error';

export function useLiveOperations({
  enabled,
  firstPageKey,
  filters,
}: {
  enabled: boolean;
  /** The cached first page to merge into (undefined: not on the first page, nothing to merge). */
  firstPageKey: QueryKey | undefined;
  filters: LogFilterValues;
}): { state: LiveState; fresh: ReadonlySet<string> } {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [fresh, setFresh] = useState<ReadonlySet<string>>(() => new Set());

  const onData = useCallback(
    (event: { id: string; data: OperationSummary }) => {
      const operation = event.data;
      if (firstPageKey === undefined) return;
      const before = queryClient.getQueryData<OperationPage>(firstPageKey);
      if (before === undefined) return;
      const after = mergeOperation(before, operation, filters);
      if (after === before) return;
      queryClient.setQueryData(firstPageKey, after);
      if (!before.items.some((item) => item.id === operation.id)) {
        setFresh((current) => new Set(current).add(operation.id));
      }
    },
    [firstPageKey, filters, queryClient],
  );

  const subscription = useSubscription(
    trpc.logs.live.subscriptionOptions(undefined, {
      enabled,
      onData,
    }),
  );

  const state: LiveState = !enabled
    ? 'paused'
    : subscription.status === 'pending'
      ? 'live'
      : subscription.status === 'error'
        ? 'error'
        : 'connecting';
  return { state, fresh };
}
