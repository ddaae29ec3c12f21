/**
 * One page of connections (the last refresh times are on each connection's page: the list item, Nango's shape, does
 * not carry them). The connection id is shown whole (never truncated: it is what operators search their own
 * systems for) and links to the connection's page.
 */
import { Link } from '@tanstack/react-router';
import { Timestamp } from '../logs/time-format';
import { Table } from '../ui/table';
import type { ConnectionListItem } from './connection-types';
import { EndUserLabel } from './end-user-label';
import { IntegrationCell } from './integration-cell';
import { RefreshStateBadge } from './refresh-state-badge';

export function ConnectionsTable({ env, items }: { env: string; items: ConnectionListItem[] }) {
  return (
    <Table caption="Connections" className="conn-table">
      <thead>
        <tr>
          <th scope="col">Connection ID</th>
          <th scope="col">Integration</th>
          <th scope="col">End user</th>
          <th scope="col">State</th>
          <th scope="col">Created</th>
        </tr>
      </thead>
      <tbody>
        {items.map((item) => (
          <tr key={item.id}>
            <td className="conn-id-cell">
              <Link
                className="mono conn-id-link"
                to="/dashboard/$env/connections/$integration/$connectionId"
                params={{ env, integration: item.provider_config_key, connectionId: item.connection_id }}
              >
                {item.connection_id}
              </Link>
            </td>
            <td>
              <IntegrationCell integration={item.provider_config_key} provider={item.provider} />
            </td>
            <td>
              <EndUserLabel endUser={item.end_user} />
            </td>
            <td>
              <RefreshStateBadge state={item.refresh_state} />
            </td>
            <td className="subtle">
              <Timestamp iso={item.created} />
            </td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
