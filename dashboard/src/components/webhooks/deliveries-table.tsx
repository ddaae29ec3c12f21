/** Webhook deliveries, newest first: what was sent for which connection, how it went, and when it is tried again. */
import { Link } from '@tanstack/react-router';
import { Timestamp } from '../logs/time-format';
import { Table } from '../ui/table';
import { DeliveryStatusBadge, HttpStatusBadge } from './delivery-status-badge';
import type { WebhookDelivery } from './webhook-types';

export function eventName(delivery: Pick<WebhookDelivery, 'operation' | 'success'>): string {
  return `auth.${delivery.operation}${delivery.success ? '' : ' (failed)'}`;
}

export function DeliveriesTable({
  env,
  deliveries,
  onOpen,
}: {
  env: string;
  deliveries: WebhookDelivery[];
  onOpen: (id: string) => void;
}) {
  return (
    <Table caption="Webhook deliveries" className="log-table">
      <thead>
        <tr>
          <th scope="col">Status</th>
          <th scope="col">Event</th>
          <th scope="col">Connection</th>
          <th scope="col" className="num">
            Attempts
          </th>
          <th scope="col">Last answer</th>
          <th scope="col">Next retry</th>
          <th scope="col">Created</th>
        </tr>
      </thead>
      <tbody>
        {deliveries.map((delivery) => (
          <tr key={delivery.id}>
            <td>
              <DeliveryStatusBadge status={delivery.status} />
            </td>
            <td>
              <button type="button" className="link-button log-open" onClick={() => onOpen(delivery.id)}>
                <span className="mono">{eventName(delivery)}</span>
                <span className="sr-only"> (open attempts)</span>
              </button>
            </td>
            <td className="log-connection-cell">
              <Link
                className="mono"
                to="/dashboard/$env/connections/$integration/$connectionId"
                params={{
                  env,
                  integration: delivery.provider_config_key,
                  connectionId: delivery.connection_id,
                }}
              >
                {delivery.connection_id}
              </Link>
              <div className="subtle mono">{delivery.provider_config_key}</div>
            </td>
            <td className="num">{delivery.attempt_count}</td>
            <td>
              {delivery.attempt_count === 0 ? (
                <span className="subtle">—</span>
              ) : (
                <HttpStatusBadge code={delivery.last_status_code} />
              )}
            </td>
            <td className="subtle">
              <NextAttempt delivery={delivery} />
            </td>
            <td className="subtle">
              <Timestamp iso={delivery.created_at} />
            </td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

/** When the delivery is tried next: a time ahead, "queued" when it waits its turn, nothing once it is settled. */
function NextAttempt({ delivery }: { delivery: WebhookDelivery }) {
  const retrying = delivery.status === 'pending' || delivery.status === 'failed';
  if (!retrying || delivery.next_attempt_at === null) return <span className="subtle">—</span>;
  if (new Date(delivery.next_attempt_at).getTime() <= Date.now()) {
    return <span title="Due now, or waiting for an earlier delivery of this connection">queued</span>;
  }
  return <Timestamp iso={delivery.next_attempt_at} />;
}
