/**
 * Audit log (admins): every operator action with actor, time, environment and target; filters in the URL; the same
 * filter exported as CSV.
 */
import { useInfiniteQuery, useMutation } from '@tanstack/react-query';
import { getRouteApi } from '@tanstack/react-router';
import { Fragment, useState } from 'react';
import { useTRPC, useTRPCClient } from '../api/trpc';
import { AuditFilters, auditFilterOf } from '../components/audit/audit-filters';
import { PageHeader } from '../components/layout/page-header';
import { Badge } from '../components/ui/badge';
import { Button } from '../components/ui/button';
import { Card } from '../components/ui/card';
import { EmptyState } from '../components/ui/empty-state';
import { ErrorState, FormError } from '../components/ui/error-state';
import { DownloadIcon, ScrollIcon } from '../components/ui/icons';
import { SkeletonRows } from '../components/ui/skeleton';
import { Table, TableFooter } from '../components/ui/table';

const route = getRouteApi('/_app/dashboard/audit');
const PAGE_SIZE = 50;

function download(filename: string, csv: string) {
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function actionTone(action: string): 'danger' | 'warning' | 'accent' | 'neutral' {
  if (/delete|remove|revoke|failed/.test(action)) return 'danger';
  if (/reveal|rotate|role/.test(action)) return 'warning';
  if (/create|invite|sign_in/.test(action)) return 'accent';
  return 'neutral';
}

export function AuditPage() {
  const trpc = useTRPC();
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const filter = auditFilterOf(search);
  const [open, setOpen] = useState<string | null>(null);
  const client = useTRPCClient();
  // Paged by hand: tRPC's infinite options add a `direction` key that the strict filter schema refuses.
  const entries = useInfiniteQuery({
    queryKey: [...trpc.audit.list.pathKey(), filter],
    queryFn: ({ pageParam }) =>
      client.audit.list.query({ ...filter, limit: PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  const exportCsv = useMutation(
    trpc.audit.exportCsv.mutationOptions({ onSuccess: ({ filename, csv }) => download(filename, csv) }),
  );
  const items = entries.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every operator action: sign-ins, changes to integrations, keys and settings, secret reveals, role changes."
        actions={
          <Button onClick={() => exportCsv.mutate(filter)} loading={exportCsv.isPending}>
            <DownloadIcon /> Export CSV
          </Button>
        }
      />
      <FormError error={exportCsv.error} />
      <AuditFilters search={search} onChange={(next) => void navigate({ search: next, replace: true })} />
      <Card>
        {entries.isPending ? (
          <SkeletonRows rows={8} label="Loading audit log" />
        ) : entries.isError ? (
          <div className="card-body">
            <ErrorState error={entries.error} onRetry={() => void entries.refetch()} />
          </div>
        ) : items.length === 0 ? (
          <EmptyState
            icon={<ScrollIcon size={20} />}
            title="No entries"
            description={
              Object.keys(filter).length > 0
                ? 'Nothing matches these filters.'
                : 'Operator actions will appear here.'
            }
          />
        ) : (
          <>
            <Table caption="Audit log entries">
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Actor</th>
                  <th scope="col">Action</th>
                  <th scope="col">Environment</th>
                  <th scope="col">Target</th>
                  <th scope="col">IP</th>
                  <th scope="col">
                    <span className="sr-only">Details</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((entry) => {
                  const hasDetails = Object.keys(entry.details).length > 0;
                  return (
                    <Fragment key={entry.id}>
                      <tr>
                        <td className="nowrap subtle num">{new Date(entry.at).toLocaleString()}</td>
                        <td>{entry.actorEmail ?? <span className="subtle">system</span>}</td>
                        <td>
                          <Badge tone={actionTone(entry.action)}>{entry.action}</Badge>
                        </td>
                        <td>{entry.environment ?? <span className="subtle">—</span>}</td>
                        <td
                          className="mono small cell-target"
                          title={entry.targetId ? `${entry.targetType}: ${entry.targetId}` : undefined}
                        >
                          {entry.targetType
                            ? `${entry.targetType}${entry.targetId ? `: ${entry.targetId}` : ''}`
                            : '—'}
                        </td>
                        <td className="mono small subtle">{entry.ip ?? '—'}</td>
                        <td className="cell-actions">
                          {hasDetails ? (
                            <Button
                              size="sm"
                              variant="ghost"
                              aria-expanded={open === entry.id}
                              onClick={() => setOpen(open === entry.id ? null : entry.id)}
                            >
                              Details
                            </Button>
                          ) : null}
                        </td>
                      </tr>
                      {open === entry.id ? (
                        <tr className="details-row">
                          <td colSpan={7}>
                            <pre className="code-block">{JSON.stringify(entry.details, null, 2)}</pre>
                          </td>
                        </tr>
                      ) : null}
                    </Fragment>
                  );
                })}
              </tbody>
            </Table>
            <TableFooter>
              <span>
                {items.length} {items.length === 1 ? 'entry' : 'entries'}
                {entries.hasNextPage ? ' shown' : ''}
              </span>
              {entries.hasNextPage ? (
                <Button
                  size="sm"
                  onClick={() => void entries.fetchNextPage()}
                  loading={entries.isFetchingNextPage}
                >
                  Load more
                </Button>
              ) : null}
            </TableFooter>
          </>
        )}
      </Card>
    </>
  );
}
