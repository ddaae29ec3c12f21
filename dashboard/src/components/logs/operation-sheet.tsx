/**
 * One operation with its messages, step by step (start, redirect, callback, exchange, result; secrets were redacted
 * before they were stored). Opened by the `operation` search param, so a failing operation is a link.
 */
import { skipToken, useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useTRPC } from '../../api/trpc';
import { CodeBlock } from '../connections/code-block';
import { Badge, type BadgeTone } from '../ui/badge';
import { CopyButton } from '../ui/copy-button';
import { ErrorState } from '../ui/error-state';
import { SkeletonRows } from '../ui/skeleton';
import type { OperationMessage } from './log-types';
import { OperationStatusBadge } from './operation-status-badge';
import { SideSheet } from './side-sheet';
import { durationBetween, formatExact, formatMilliseconds, Timestamp } from './time-format';

const LEVEL_TONE: Record<string, BadgeTone> = { info: 'neutral', warn: 'warning', error: 'danger' };

export function OperationSheet({
  env,
  id,
  onClose,
}: {
  env: string;
  id: string | undefined;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const operation = useQuery({
    ...trpc.logs.get.queryOptions(id === undefined ? skipToken : { id }),
    // A running operation gains messages; look again until it ends.
    refetchInterval: (query) => (query.state.data?.ended_at === null ? 2000 : false),
  });
  const data = operation.data;

  return (
    <SideSheet
      open={id !== undefined}
      onClose={onClose}
      title={data ? `${data.kind} · ${data.action}` : 'Operation'}
      description={data ? <OperationStatusBadge status={data.status} /> : undefined}
    >
      {operation.isPending ? (
        <SkeletonRows rows={6} label="Loading the operation" />
      ) : operation.isError ? (
        <ErrorState
          error={operation.error}
          title="This operation could not be loaded"
          onRetry={() => operation.refetch()}
        />
      ) : data ? (
        <div className="stack">
          <dl className="kv conn-kv">
            <dt>Operation ID</dt>
            <dd>
              <span className="conn-copy-row">
                <span className="mono">{data.id}</span>
                <CopyButton value={data.id} what="operation ID" />
              </span>
            </dd>
            <dt>Integration</dt>
            <dd className="mono">{data.integration ?? '—'}</dd>
            <dt>Connection</dt>
            <dd>
              {data.connection_id && data.integration ? (
                <Link
                  className="mono"
                  to="/dashboard/$env/connections/$integration/$connectionId"
                  params={{ env, integration: data.integration, connectionId: data.connection_id }}
                >
                  {data.connection_id}
                </Link>
              ) : (
                <span className="mono">{data.connection_id ?? '—'}</span>
              )}
            </dd>
            <dt>Started</dt>
            <dd>
              <Timestamp iso={data.started_at} exactText />
            </dd>
            <dt>Duration</dt>
            <dd>
              {data.ended_at === null
                ? 'Still running'
                : formatMilliseconds(durationBetween(data.started_at, data.ended_at) ?? 0)}
            </dd>
            {data.error_code ? (
              <>
                <dt>Error code</dt>
                <dd>
                  <code>{data.error_code}</code>
                </dd>
              </>
            ) : null}
          </dl>
          <section aria-labelledby="operation-messages-heading" className="stack-sm">
            <h3 id="operation-messages-heading" className="sheet-section-title">
              Messages ({data.messages.length})
            </h3>
            {data.messages.length === 0 ? (
              <p className="subtle">No messages were recorded.</p>
            ) : (
              <ol className="log-messages">
                {data.messages.map((message, index) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: messages have no id and never reorder
                  <MessageItem key={index} message={message} />
                ))}
              </ol>
            )}
          </section>
        </div>
      ) : null}
    </SideSheet>
  );
}

function MessageItem({ message }: { message: OperationMessage }) {
  const meta = message.meta && Object.keys(message.meta).length > 0 ? message.meta : null;
  return (
    <li className={`log-message log-message-${message.level}`}>
      <div className="log-message-head">
        <Badge tone={LEVEL_TONE[message.level] ?? 'neutral'}>{message.level}</Badge>
        <time className="subtle mono" dateTime={message.created_at}>
          {formatExact(message.created_at)}
        </time>
      </div>
      <p className="log-message-text">{message.message}</p>
      {meta ? (
        <details className="conn-details">
          <summary>Details</summary>
          <CodeBlock label="Message details">{JSON.stringify(meta, null, 2)}</CodeBlock>
        </details>
      ) : null}
    </li>
  );
}
