/**
 * One connection: its refresh state and last error (linked to the log), credentials masked with an audited reveal,
 * metadata as validated JSON, connection config, tags and end user; refresh now and delete.
 */
import { useQuery } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { httpStatusOf, useTRPC } from '../api/trpc';
import { ConnectionActions } from '../components/connections/connection-actions';
import { ConnectionOverviewCard } from '../components/connections/connection-overview-card';
import { CredentialsCard } from '../components/connections/credentials-card';
import { EndUserCard } from '../components/connections/end-user-card';
import { JsonBlock } from '../components/connections/json-block';
import { MetadataEditor } from '../components/connections/metadata-editor';
import { RefreshStateCard } from '../components/connections/refresh-state-card';
import { TagList } from '../components/connections/tag-list';
import {
  SUPPORT_ROLE_NOTE,
  useConnectionPermissions,
} from '../components/connections/use-operator-permissions';
import { PageHeader } from '../components/layout/page-header';
import { Card, CardBody, CardHeader } from '../components/ui/card';
import { EmptyState } from '../components/ui/empty-state';
import { ErrorState } from '../components/ui/error-state';
import { LinkIcon, ShieldIcon } from '../components/ui/icons';
import { Skeleton } from '../components/ui/skeleton';
import '../components/connections/connections.css';

const route = getRouteApi('/_app/dashboard/$env/connections/$integration/$connectionId');

export function ConnectionDetailPage() {
  const { env, integration, connectionId } = route.useParams();
  const trpc = useTRPC();
  const permissions = useConnectionPermissions();
  const summary = useQuery(trpc.connections.summary.queryOptions({ integration, connectionId }));

  const breadcrumb = (
    <nav aria-label="Breadcrumb" className="conn-breadcrumb">
      <Link to="/dashboard/$env/connections" params={{ env }}>
        Connections
      </Link>
      <span aria-hidden="true"> / </span>
      <Link to="/dashboard/$env/connections" params={{ env }} search={{ integration }}>
        {integration}
      </Link>
    </nav>
  );

  if (summary.isPending) {
    return (
      <>
        <PageHeader title={connectionId} eyebrow={breadcrumb} />
        <div className="conn-detail-grid" role="status" aria-label="Loading the connection">
          <div className="stack">
            <Skeleton height={160} />
            <Skeleton height={180} />
            <Skeleton height={220} />
          </div>
          <div className="stack">
            <Skeleton height={320} />
            <Skeleton height={160} />
          </div>
        </div>
      </>
    );
  }

  if (summary.isError) {
    const missing = httpStatusOf(summary.error) === 404;
    return (
      <>
        <PageHeader title={connectionId} eyebrow={breadcrumb} />
        {missing ? (
          <Card>
            <EmptyState
              icon={<LinkIcon size={20} />}
              title="No such connection"
              description={`There is no connection "${connectionId}" of ${integration} in this environment. It may have been deleted.`}
              action={
                <Link className="btn btn-secondary" to="/dashboard/$env/connections" params={{ env }}>
                  Back to connections
                </Link>
              }
            />
          </Card>
        ) : (
          <ErrorState
            error={summary.error}
            title="The connection could not be loaded"
            onRetry={() => summary.refetch()}
          />
        )}
      </>
    );
  }

  const connection = summary.data;
  return (
    <>
      <PageHeader
        title={connection.connection_id}
        eyebrow={breadcrumb}
        actions={<ConnectionActions env={env} connection={connection} canWrite={permissions.canWrite} />}
      />
      {!permissions.canWrite ? (
        <p className="callout" role="note">
          <ShieldIcon size={16} />
          <span>Read-only. {SUPPORT_ROLE_NOTE}</span>
        </p>
      ) : null}
      <div className="conn-detail-grid">
        <div className="stack">
          <RefreshStateCard env={env} connection={connection} />
          <CredentialsCard connection={connection} canReveal={permissions.canReveal} />
          <MetadataEditor
            key={`${connection.provider_config_key}/${connection.connection_id}`}
            connection={connection}
            canWrite={permissions.canWrite}
          />
          <Card aria-labelledby="conn-config-heading">
            <CardHeader
              title={<span id="conn-config-heading">Connection config</span>}
              description="Values the flow collected (subdomain, instance URL, …), used to build the provider's URLs."
            />
            <CardBody>
              <JsonBlock
                value={connection.connection_config}
                what="connection config"
                empty="No connection config."
              />
            </CardBody>
          </Card>
        </div>
        <div className="stack">
          <ConnectionOverviewCard env={env} connection={connection} />
          <EndUserCard endUser={connection.end_user} />
          <Card aria-labelledby="conn-tags-heading">
            <CardHeader title={<span id="conn-tags-heading">Tags</span>} />
            <CardBody>
              <TagList tags={connection.tags} label="Connection tags" />
            </CardBody>
          </Card>
        </div>
      </div>
    </>
  );
}
