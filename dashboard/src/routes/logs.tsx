/**
 * Logs: every operation (auth flows, refreshes, revocations) with its messages, filtered through the URL and live:
 * new operations appear at the top without a reload (the `logs.live` subscription) until paused.
 */
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { useEffect, useMemo, useRef } from 'react';
import { useTRPC } from '../api/trpc';
import { KeysetPager } from '../components/connections/keyset-pager';
import { PageHeader } from '../components/layout/page-header';
import { LiveToggle } from '../components/logs/live-toggle';
import { hasLogFilters, LogFilters, type LogFilterValues } from '../components/logs/log-filters';
import { OPERATION_STATUSES, type OperationStatus } from '../components/logs/log-types';
import { OperationSheet } from '../components/logs/operation-sheet';
import { OperationsTable } from '../components/logs/operations-table';
import { isValidInstant } from '../components/logs/time-range';
import { useLiveOperations } from '../components/logs/use-live-operations';
import { Button } from '../components/ui/button';
import { Card } from '../components/ui/card';
import { EmptyState } from '../components/ui/empty-state';
import { ErrorState } from '../components/ui/error-state';
import { ListIcon } from '../components/ui/icons';
import { SkeletonRows } from '../components/ui/skeleton';
import '../components/connections/connections.css';
import '../components/logs/activity.css';

const route = getRouteApi('/_app/dashboard/$env/logs');
const PAGE_SIZE = 50;

export function LogsPage() {
  const { env } = route.useParams();
  const { cursor, operation, paused, ...rest } = route.useSearch();
  const navigate = route.useNavigate();
  const trpc = useTRPC();
  const queryClient = useQueryClient();

  // One object per distinct filter set, so the live merge and the query see stable values.
  const filterKey = JSON.stringify(rest);
  // biome-ignore lint/correctness/useExhaustiveDependencies: keyed by the serialized filters on purpose
  const filters: LogFilterValues = useMemo(() => rest, [filterKey]);

  const input = {
    kind: filters.kind,
    action: filters.action,
    status: OPERATION_STATUSES.find((status): status is OperationStatus => status === filters.status),
    integration: filters.integration,
    connectionId: filters.connectionId,
    from: isValidInstant(filters.from) ? filters.from : undefined,
    to: isValidInstant(filters.to) ? filters.to : undefined,
    cursor,
    limit: PAGE_SIZE,
  };
  const page = useQuery({ ...trpc.logs.page.queryOptions(input), placeholderData: keepPreviousData });

  const firstPageKey = cursor === undefined ? trpc.logs.page.queryKey(input) : undefined;
  const live = useLiveOperations({ enabled: paused !== true, firstPageKey, filters });

  // Resuming catches up with what happened while paused.
  const wasPaused = useRef(paused === true);
  useEffect(() => {
    if (wasPaused.current && paused !== true)
      void queryClient.invalidateQueries({ queryKey: trpc.logs.page.pathKey() });
    wasPaused.current = paused === true;
  }, [paused, queryClient, trpc]);

  const setFilters = (patch: Partial<LogFilterValues>) =>
    navigate({ search: (previous) => ({ ...previous, ...patch, cursor: undefined }), replace: true });

  return (
    <>
      <PageHeader
        title="Logs"
        description="Every auth flow, refresh and revocation, step by step. Open an operation to read its messages."
        actions={
          <LiveToggle
            state={live.state}
            onFirstPage={cursor === undefined}
            onPausedChange={(next) =>
              navigate({ search: (previous) => ({ ...previous, paused: next || undefined }), replace: true })
            }
          />
        }
      />
      <Card aria-label="Operations" aria-busy={page.isFetching || undefined}>
        <div className="conn-toolbar">
          <LogFilters values={filters} onChange={setFilters} />
        </div>
        {page.isPending ? (
          <SkeletonRows rows={8} label="Loading operations" />
        ) : page.isError ? (
          <div className="card-body">
            <ErrorState
              error={page.error}
              title="The logs could not be loaded"
              onRetry={() => page.refetch()}
            />
          </div>
        ) : page.data.items.length === 0 ? (
          hasLogFilters(filters) || cursor !== undefined ? (
            <EmptyState
              icon={<ListIcon size={20} />}
              title="No operation matches"
              description="Nothing logged matches these filters. New ones appear here as they happen while live is on."
              action={
                <Button size="sm" onClick={() => navigate({ search: {}, replace: true })}>
                  Clear filters
                </Button>
              }
            />
          ) : (
            <EmptyState
              icon={<ListIcon size={20} />}
              title="Nothing logged yet"
              description="Auth flows, token refreshes and revocations are logged here as they happen. Try a test connection from an integration's page and watch it arrive."
              action={
                <Link className="btn btn-secondary" to="/dashboard/$env/integrations" params={{ env }}>
                  Go to integrations
                </Link>
              }
            />
          )
        ) : (
          <>
            <OperationsTable
              env={env}
              items={page.data.items}
              fresh={live.fresh}
              onOpen={(id) => navigate({ search: (previous) => ({ ...previous, operation: id }) })}
            />
            <KeysetPager
              scope={`logs:${env}:${filterKey}`}
              cursor={cursor}
              nextCursor={page.data.nextCursor}
              shown={page.data.items.length}
              noun={page.data.items.length === 1 ? 'operation' : 'operations'}
              onNavigate={(next) => navigate({ search: (previous) => ({ ...previous, cursor: next }) })}
            />
          </>
        )}
      </Card>
      <OperationSheet
        env={env}
        id={operation}
        onClose={() => navigate({ search: (previous) => ({ ...previous, operation: undefined }) })}
      />
    </>
  );
}
