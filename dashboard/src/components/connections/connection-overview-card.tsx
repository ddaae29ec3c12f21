/** The side panel of a connection's page: its ids, integration, auth mode, scopes and times. */
import { Link } from '@tanstack/react-router';
import { Timestamp } from '../logs/time-format';
import { Badge } from '../ui/badge';
import { Card, CardBody, CardHeader } from '../ui/card';
import { CopyButton } from '../ui/copy-button';
import type { ConnectionSummary } from './connection-types';
import { IntegrationCell } from './integration-cell';

export function ConnectionOverviewCard({ env, connection }: { env: string; connection: ConnectionSummary }) {
  return (
    <Card aria-labelledby="conn-overview-heading">
      <CardHeader title={<span id="conn-overview-heading">Details</span>} headingLevel={2} />
      <CardBody>
        <dl className="kv conn-kv">
          <dt>Connection ID</dt>
          <dd>
            <span className="conn-copy-row">
              <span className="mono">{connection.connection_id}</span>
              <CopyButton value={connection.connection_id} label="Copy" what="connection ID" />
            </span>
          </dd>
          <dt>Integration</dt>
          <dd>
            <Link
              to="/dashboard/$env/integrations/$key"
              params={{ env, key: connection.provider_config_key }}
            >
              <IntegrationCell integration={connection.provider_config_key} provider={connection.provider} />
            </Link>
          </dd>
          <dt>Provider</dt>
          <dd className="mono">{connection.provider}</dd>
          <dt>Auth mode</dt>
          <dd>
            <Badge>{connection.auth_mode}</Badge>
          </dd>
          <dt>Scopes</dt>
          <dd>
            {connection.scopes.length === 0 ? (
              <span className="subtle">—</span>
            ) : (
              <ul className="conn-chips" aria-label="Scopes">
                {connection.scopes.map((scope) => (
                  <li key={scope} className="mono">
                    {scope}
                  </li>
                ))}
              </ul>
            )}
          </dd>
          <dt>Created</dt>
          <dd>
            <Timestamp iso={connection.created_at} exactText />
          </dd>
          <dt>Updated</dt>
          <dd>
            <Timestamp iso={connection.updated_at} />
          </dd>
          <dt>Last read</dt>
          <dd>
            <Timestamp iso={connection.last_fetched_at} />
          </dd>
          <dt>Token expires</dt>
          <dd>
            <Timestamp iso={connection.expires_at} />
          </dd>
          {connection.webhook_url_override ? (
            <>
              <dt>Webhook URL</dt>
              <dd className="mono">{connection.webhook_url_override}</dd>
            </>
          ) : null}
        </dl>
      </CardBody>
    </Card>
  );
}
