/**
 * Webhooks: where this environment's webhooks go and which events are sent (edited in Settings), then every delivery
 * with its attempts, and replay.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { useTRPC } from '../api/trpc';
import { useConnectionPermissions } from '../components/connections/use-operator-permissions';
import { useUrlText } from '../components/integrations/use-url-text';
import { PageHeader } from '../components/layout/page-header';
import { Card, CardHeader } from '../components/ui/card';
import { EmptyState } from '../components/ui/empty-state';
import { ErrorState } from '../components/ui/error-state';
import { SelectField, TextField } from '../components/ui/field';
import { WebhookIcon } from '../components/ui/icons';
import { SkeletonRows } from '../components/ui/skeleton';
import { TableFooter } from '../components/ui/table';
import { DeliveriesTable } from '../components/webhooks/deliveries-table';
import { DeliverySheet } from '../components/webhooks/delivery-sheet';
import { WebhookSettingsSummary } from '../components/webhooks/webhook-settings-summary';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../components/webhooks/webhook-types';
import '../components/connections/connections.css';
import '../components/logs/activity.css';

const route = getRouteApi('/_app/dashboard/$env/webhooks');
/** The deliveries list has no cursor yet: the newest this many are shown. */
const LIMIT = 100;

export function WebhooksPage() {
  const { env } = route.useParams();
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const trpc = useTRPC();
  const { canWrite } = useConnectionPermissions();
  const status = DELIVERY_STATUSES.find(
    (candidate): candidate is DeliveryStatus => candidate === search.status,
  );

  const [connectionId, setConnectionId] = useUrlText(search.connectionId, (value) =>
    navigate({ search: (previous) => ({ ...previous, connectionId: value }), replace: true }),
  );
  const deliveries = useQuery({
    ...trpc.webhooks.deliveries.queryOptions({ status, connectionId: search.connectionId, limit: LIMIT }),
    placeholderData: keepPreviousData,
    // Pending deliveries move on their own (retries); keep the list current while the page is open.
    refetchInterval: 10_000,
  });

  const open = (id: string | undefined) =>
    navigate({ search: (previous) => ({ ...previous, delivery: id }) });

  return (
    <>
      <PageHeader
        title="Webhooks"
        description="What Latchkey tells your backend when connections are created, refreshed, fail or are deleted."
      />
      <WebhookSettingsSummary env={env} />
      <Card aria-labelledby="wh-deliveries-heading" aria-busy={deliveries.isFetching || undefined}>
        <CardHeader
          title={<span id="wh-deliveries-heading">Deliveries</span>}
          description="Each event sent to your endpoints, with every attempt. Open one to see its attempts or replay it."
          actions={
            <div className="wh-filters">
              <TextField
                label="Connection ID"
                value={connectionId}
                onChange={(event) => setConnectionId(event.target.value)}
                autoComplete="off"
                spellCheck={false}
              />
              <SelectField
                label="Status"
                value={status ?? ''}
                onChange={(event) =>
                  navigate({
                    search: (previous) => ({ ...previous, status: event.target.value || undefined }),
                    replace: true,
                  })
                }
              >
                <option value="">Any status</option>
                {DELIVERY_STATUSES.map((value) => (
                  <option key={value} value={value}>
                    {value[0]!.toUpperCase() + value.slice(1)}
                  </option>
                ))}
              </SelectField>
            </div>
          }
        />
        {deliveries.isPending ? (
          <SkeletonRows rows={6} label="Loading deliveries" />
        ) : deliveries.isError ? (
          <div className="card-body">
            <ErrorState
              error={deliveries.error}
              title="The deliveries could not be loaded"
              onRetry={() => deliveries.refetch()}
            />
          </div>
        ) : deliveries.data.length === 0 ? (
          <EmptyState
            icon={<WebhookIcon size={20} />}
            title={status || search.connectionId ? 'No delivery matches' : 'No deliveries yet'}
            description={
              status || search.connectionId
                ? 'Nothing matches this connection or status.'
                : 'Set a webhook URL in Settings; every new connection, failed refresh and deletion is then delivered and listed here.'
            }
            action={
              <Link
                className="btn btn-secondary"
                to="/dashboard/$env/settings"
                params={{ env }}
                search={{ tab: 'webhooks' }}
              >
                Webhook settings
              </Link>
            }
          />
        ) : (
          <>
            <DeliveriesTable env={env} deliveries={deliveries.data} onOpen={open} />
            <TableFooter>
              <span>
                {deliveries.data.length === LIMIT
                  ? `The newest ${LIMIT} deliveries`
                  : `${deliveries.data.length} ${deliveries.data.length === 1 ? 'delivery' : 'deliveries'}`}
              </span>
            </TableFooter>
          </>
        )}
      </Card>
      <DeliverySheet
        id={search.delivery}
        canReplay={canWrite}
        onClose={() => open(undefined)}
        onOpen={open}
      />
    </>
  );
}
