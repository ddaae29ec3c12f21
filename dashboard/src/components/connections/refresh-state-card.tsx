/**
 * The connection's refresh state: when it last refreshed, how often it failed since, and the last error with a link
 * to the log operation that explains it (or to this connection's log when no single operation is known).
 */
import { Link } from '@tanstack/react-router';
import { Timestamp } from '../logs/time-format';
import { Card, CardBody, CardHeader } from '../ui/card';
import { AlertIcon } from '../ui/icons';
import type { ConnectionSummary } from './connection-types';
import { RefreshStateBadge } from './refresh-state-badge';

export function RefreshStateCard({ env, connection }: { env: string; connection: ConnectionSummary }) {
  const error = connection.last_error;
  const failing = connection.refresh_state !== 'active';
  return (
    <Card aria-labelledby="conn-refresh-heading">
      <CardHeader
        title={<span id="conn-refresh-heading">Refresh</span>}
        description="Latchkey refreshes OAuth tokens before they expire, and on read when they are due."
        actions={<RefreshStateBadge state={connection.refresh_state} />}
      />
      <CardBody className="stack">
        {failing && error !== null ? (
          <div className="callout callout-warning conn-error" role="status">
            <AlertIcon size={16} />
            <div className="stack-sm grow">
              <p>
                <strong>
                  {connection.refresh_state === 'needs_reauth'
                    ? 'The end user must reconnect.'
                    : 'The last refresh failed.'}
                </strong>{' '}
                {error.description}
              </p>
              {error.provider_error ? (
                <p>
                  Provider said: <code>{error.provider_error}</code>
                </p>
              ) : null}
              <p>
                <FailingLogLink env={env} connection={connection} />
              </p>
            </div>
          </div>
        ) : null}
        <dl className="kv conn-kv">
          <dt>Last success</dt>
          <dd>
            <Timestamp iso={connection.last_refresh_success_at} />
          </dd>
          <dt>Last failure</dt>
          <dd>
            <Timestamp iso={connection.last_refresh_failure_at} />
          </dd>
          <dt>Failed attempts</dt>
          <dd className="num">{connection.refresh_attempts}</dd>
          {error !== null && !failing ? (
            <>
              <dt>Earlier error</dt>
              <dd>
                <code>{error.type}</code> {error.description}
              </dd>
            </>
          ) : null}
        </dl>
        <p className="row subtle">
          <Link
            to="/dashboard/$env/logs"
            params={{ env }}
            search={{ connectionId: connection.connection_id, integration: connection.provider_config_key }}
          >
            This connection's log
          </Link>
          <span aria-hidden="true">·</span>
          <Link
            to="/dashboard/$env/webhooks"
            params={{ env }}
            search={{ connectionId: connection.connection_id }}
          >
            Its webhook deliveries
          </Link>
        </p>
      </CardBody>
    </Card>
  );
}

function FailingLogLink({ env, connection }: { env: string; connection: ConnectionSummary }) {
  if (connection.failed_operation_id !== null) {
    return (
      <Link
        to="/dashboard/$env/logs"
        params={{ env }}
        search={{
          connectionId: connection.connection_id,
          integration: connection.provider_config_key,
          operation: connection.failed_operation_id,
        }}
      >
        Open the failing operation in the log
      </Link>
    );
  }
  return (
    <Link
      to="/dashboard/$env/logs"
      params={{ env }}
      search={{
        connectionId: connection.connection_id,
        integration: connection.provider_config_key,
        status: 'failed',
      }}
    >
      See this connection's failed operations
    </Link>
  );
}
