/** The integration's newest connections, each linked by its full id, and a way to the whole filtered list. */
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useTRPC } from '../../api/trpc';
import { RefreshStateBadge } from '../connections/refresh-state-badge';
import { EmptyState } from '../ui/empty-state';
import { ErrorState } from '../ui/error-state';
import { LinkIcon } from '../ui/icons';
import { SkeletonRows } from '../ui/skeleton';
import { Table } from '../ui/table';
import { formatDate } from './integration-list';

const SHOWN = 10;

export function RecentConnections({ env, integration }: { env: string; integration: string }) {
  const trpc = useTRPC();
  const page = useQuery(trpc.connections.list.queryOptions({ integrationIds: [integration], first: SHOWN }));
  if (page.isPending) return <SkeletonRows rows={3} label="Loading connections" />;
  if (page.isError) return <ErrorState error={page.error} onRetry={() => page.refetch()} />;
  if (page.data.items.length === 0) {
    return (
      <EmptyState
        icon={<LinkIcon size={20} />}
        title="No connections yet"
        description="Use “Add test connection” to try the flow with your own account."
      />
    );
  }
  return (
    <div className="stack-sm">
      <Table caption={`Recent connections of ${integration}`}>
        <thead>
          <tr>
            <th scope="col">Connection ID</th>
            <th scope="col">End user</th>
            <th scope="col">State</th>
            <th scope="col">Created</th>
          </tr>
        </thead>
        <tbody>
          {page.data.items.map((connection) => (
            <tr key={connection.id}>
              <td>
                <Link
                  className="mono"
                  to="/dashboard/$env/connections/$integration/$connectionId"
                  params={{ env, integration, connectionId: connection.connection_id }}
                >
                  {connection.connection_id}
                </Link>
              </td>
              <td>
                {connection.end_user ? (
                  (connection.end_user.email ?? connection.end_user.display_name ?? connection.end_user.id)
                ) : (
                  <span className="subtle">—</span>
                )}
              </td>
              <td>
                <RefreshStateBadge state={connection.refresh_state} />
              </td>
              <td className="nowrap subtle">
                <time dateTime={connection.created}>{formatDate(connection.created)}</time>
              </td>
            </tr>
          ))}
        </tbody>
      </Table>
      {page.data.next_cursor !== null ? (
        <Link to="/dashboard/$env/connections" params={{ env }} search={{ integration }}>
          All connections of {integration}
        </Link>
      ) : null}
    </div>
  );
}
