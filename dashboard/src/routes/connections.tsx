/**
 * Connections: the environment's connections, searched and filtered through the URL (a filtered list is a link), one
 * keyset page at a time so the list stays fast at 100,000 connections.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { useTRPC } from '../api/trpc';
import {
  ConnectionFilters,
  type ConnectionFilterValues,
  hasConnectionFilters,
} from '../components/connections/connection-filters';
import { ConnectionsTable } from '../components/connections/connections-table';
import { KeysetPager } from '../components/connections/keyset-pager';
import { refreshStateFromFilter } from '../components/connections/refresh-state-badge';
import { PageHeader } from '../components/layout/page-header';
import { Button } from '../components/ui/button';
import { Card } from '../components/ui/card';
import { EmptyState } from '../components/ui/empty-state';
import { ErrorState } from '../components/ui/error-state';
import { LinkIcon, PuzzleIcon } from '../components/ui/icons';
import { SkeletonRows } from '../components/ui/skeleton';
import '../components/connections/connections.css';

const route = getRouteApi('/_app/dashboard/$env/connections');
const PAGE_SIZE = 50;

export function ConnectionsPage() {
  const { env } = route.useParams();
  const { cursor, ...filters } = route.useSearch();
  const navigate = route.useNavigate();
  const trpc = useTRPC();

  const page = useQuery({
    ...trpc.connections.list.queryOptions({
      search: filters.search,
      integration: filters.integration,
      endUserId: filters.endUserId,
      organizationId: filters.organizationId,
      tags: filters.tags,
      refreshState: refreshStateFromFilter(filters.refreshState),
      first: PAGE_SIZE,
      after: cursor,
    }),
    // Paging and filtering keep the previous rows on screen until the next ones arrive: no flash of skeleton.
    placeholderData: keepPreviousData,
  });

  const setFilters = (patch: Partial<ConnectionFilterValues>) =>
    navigate({ search: (previous) => ({ ...previous, ...patch, cursor: undefined }), replace: true });
  const goTo = (next: string | undefined) =>
    navigate({ search: (previous) => ({ ...previous, cursor: next }) });
  const filtered = hasConnectionFilters(filters);

  return (
    <>
      <PageHeader
        title="Connections"
        description="Every end user's authorized account, with its refresh state. Open one to see its credentials, metadata and errors."
      />
      <Card aria-label="Connection list" aria-busy={page.isFetching || undefined}>
        <div className="conn-toolbar">
          <ConnectionFilters values={filters} onChange={setFilters} />
        </div>
        {page.isPending ? (
          <SkeletonRows rows={8} label="Loading connections" />
        ) : page.isError ? (
          <div className="card-body">
            <ErrorState
              error={page.error}
              title="The connections could not be loaded"
              onRetry={() => page.refetch()}
            />
          </div>
        ) : page.data.items.length === 0 ? (
          filtered || cursor !== undefined ? (
            <EmptyState
              icon={<LinkIcon size={20} />}
              title="No connection matches"
              description="Nothing in this environment matches these filters. Try a shorter search or fewer filters."
              action={
                <Button size="sm" onClick={() => navigate({ search: {}, replace: true })}>
                  Clear filters
                </Button>
              }
            />
          ) : (
            <EmptyState
              icon={<PuzzleIcon size={20} />}
              title="No connections yet"
              description="A connection appears here when an end user authorizes an integration. Try it yourself with Add test connection on an integration's page."
              action={
                <Link className="btn btn-primary" to="/dashboard/$env/integrations" params={{ env }}>
                  Go to integrations
                </Link>
              }
            />
          )
        ) : (
          <>
            <ConnectionsTable env={env} items={page.data.items} />
            <KeysetPager
              scope={`connections:${env}:${JSON.stringify(filters)}`}
              cursor={cursor}
              nextCursor={page.data.next_cursor}
              shown={page.data.items.length}
              noun={page.data.items.length === 1 ? 'connection' : 'connections'}
              onNavigate={goTo}
            />
          </>
        )}
      </Card>
    </>
  );
}
