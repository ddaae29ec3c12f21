/**
 * What needs an operator now: connections whose refresh needs the end user to reauthorize, and webhook deliveries
 * that gave up. Each row links to where it is fixed.
 */

import type { HomeStats } from '@latchkey/schema';
import { Link } from '@tanstack/react-router';
import { Badge } from '../ui/badge';
import { Card, CardBody, CardHeader } from '../ui/card';
import { CheckIcon } from '../ui/icons';

function timeAgo(iso: string): string {
  const seconds = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  if (seconds < 90) return 'just now';
  if (seconds < 5400) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 129600) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86400)} d ago`;
}

export function AttentionPanel({ env, attention }: { env: string; attention: HomeStats['attention'] }) {
  const total = attention.needsReauthCount + attention.deadDeliveriesCount;
  return (
    <Card>
      <CardHeader
        title="Needs attention"
        description="Connections to reauthorize and webhook deliveries that gave up."
        actions={total > 0 ? <Badge tone="danger">{total}</Badge> : <Badge tone="success">All clear</Badge>}
      />
      <CardBody className={total > 0 ? 'flush' : undefined}>
        {total === 0 ? (
          <p className="attention-clear">
            <CheckIcon size={16} /> Every connection refreshes and every webhook was delivered.
          </p>
        ) : (
          <div className="attention-groups">
            {attention.needsReauthCount > 0 ? (
              <section aria-labelledby="attention-reauth">
                <div className="attention-heading">
                  <h3 id="attention-reauth">Connections needing reauthorization</h3>
                  <Link
                    to="/dashboard/$env/connections"
                    params={{ env }}
                    search={{ refreshState: 'needs_reauth' }}
                    className="subtle-link"
                  >
                    View all {attention.needsReauthCount}
                  </Link>
                </div>
                <ul className="attention-list">
                  {attention.needsReauth.map((item) => (
                    <li key={`${item.integration}/${item.connectionId}`}>
                      <Link
                        to="/dashboard/$env/connections/$integration/$connectionId"
                        params={{ env, integration: item.integration, connectionId: item.connectionId }}
                        className="attention-item"
                      >
                        <span className="mono truncate">{item.connectionId}</span>
                        <Badge>{item.integration}</Badge>
                        <span className="subtle nowrap">{timeAgo(item.since)}</span>
                      </Link>
                    </li>
                  ))}
                </ul>
              </section>
            ) : null}
            {attention.deadDeliveriesCount > 0 ? (
              <section aria-labelledby="attention-dead">
                <div className="attention-heading">
                  <h3 id="attention-dead">Dead webhook deliveries</h3>
                  <Link
                    to="/dashboard/$env/webhooks"
                    params={{ env }}
                    search={{ status: 'dead' }}
                    className="subtle-link"
                  >
                    View all {attention.deadDeliveriesCount}
                  </Link>
                </div>
                <ul className="attention-list">
                  {attention.deadDeliveries.map((item) => (
                    <li key={item.id}>
                      <Link
                        to="/dashboard/$env/webhooks"
                        params={{ env }}
                        search={{ delivery: item.id }}
                        className="attention-item"
                      >
                        <span className="truncate">
                          <span className="mono">{item.eventType}</span>
                          {item.lastError ? <span className="subtle"> · {item.lastError}</span> : null}
                        </span>
                        <span className="mono subtle truncate">{item.connectionId}</span>
                        <span className="subtle nowrap">{timeAgo(item.at)}</span>
                      </Link>
                    </li>
                  ))}
                </ul>
              </section>
            ) : null}
          </div>
        )}
      </CardBody>
    </Card>
  );
}
