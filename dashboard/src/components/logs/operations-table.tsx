/**
 * A page of operations, newest first. Each row opens its messages (the operation's type is the button); rows that
 * arrived live are marked for a moment so the eye finds them.
 */
import { Link } from '@tanstack/react-router';
import { Table } from '../ui/table';
import type { OperationSummary } from './log-types';
import { OperationStatusBadge } from './operation-status-badge';
import { durationBetween, formatMilliseconds, Timestamp } from './time-format';

export function OperationsTable({
  env,
  items,
  fresh,
  onOpen,
}: {
  env: string;
  items: OperationSummary[];
  /** Ids that arrived live since the page loaded. */
  fresh: ReadonlySet<string>;
  onOpen: (id: string) => void;
}) {
  return (
    <Table caption="Operations" className="log-table">
      <thead>
        <tr>
          <th scope="col">Status</th>
          <th scope="col">Type</th>
          <th scope="col">Integration</th>
          <th scope="col">Connection</th>
          <th scope="col">Started</th>
          <th scope="col">Ended</th>
          <th scope="col" className="num">
            Duration
          </th>
        </tr>
      </thead>
      <tbody>
        {items.map((operation) => {
          const duration = durationBetween(operation.started_at, operation.ended_at);
          return (
            <tr key={operation.id} className={fresh.has(operation.id) ? 'log-row-fresh' : undefined}>
              <td>
                <OperationStatusBadge status={operation.status} />
              </td>
              <td>
                <button type="button" className="link-button log-open" onClick={() => onOpen(operation.id)}>
                  <span className="mono">
                    {operation.kind}:{operation.action}
                  </span>
                  <span className="sr-only"> (open messages)</span>
                </button>
                {operation.error_code ? (
                  <div>
                    <code className="log-error-code">{operation.error_code}</code>
                  </div>
                ) : null}
              </td>
              <td className="mono">{operation.integration ?? <span className="subtle">—</span>}</td>
              <td className="log-connection-cell">
                {operation.connection_id && operation.integration ? (
                  <Link
                    className="mono"
                    to="/dashboard/$env/connections/$integration/$connectionId"
                    params={{
                      env,
                      integration: operation.integration,
                      connectionId: operation.connection_id,
                    }}
                  >
                    {operation.connection_id}
                  </Link>
                ) : (
                  <span className="mono">{operation.connection_id ?? '—'}</span>
                )}
              </td>
              <td className="subtle">
                <Timestamp iso={operation.started_at} />
              </td>
              <td className="subtle">
                <Timestamp iso={operation.ended_at} />
              </td>
              <td className="num subtle nowrap">
                {duration === null ? 'running' : formatMilliseconds(duration)}
              </td>
            </tr>
          );
        })}
      </tbody>
    </Table>
  );
}
