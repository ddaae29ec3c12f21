/**
 * One delivery with every attempt (status code, duration, error, the answer's opening when the server kept it) and
 * the body that was sent. `Replay` queues the same event to the same URL again and opens the new delivery.
 */
import { skipToken, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../../api/trpc';
import { CodeBlock } from '../connections/code-block';
import { SideSheet } from '../logs/side-sheet';
import { formatExact, formatMilliseconds, Timestamp } from '../logs/time-format';
import { Button } from '../ui/button';
import { CopyButton } from '../ui/copy-button';
import { ErrorState, FormError } from '../ui/error-state';
import { SkeletonRows } from '../ui/skeleton';
import { useToast } from '../ui/toast';
import { eventName } from './deliveries-table';
import { DeliveryStatusBadge, HttpStatusBadge } from './delivery-status-badge';
import type { WebhookAttempt } from './webhook-types';

export function DeliverySheet({
  id,
  canReplay,
  onClose,
  onOpen,
}: {
  id: string | undefined;
  canReplay: boolean;
  onClose: () => void;
  /** Opens another delivery (the replay's). */
  onOpen: (id: string) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const delivery = useQuery({
    ...trpc.webhooks.get.queryOptions(id === undefined ? skipToken : { id }),
    // A delivery still being tried changes; look again until it settles.
    refetchInterval: (query) => (query.state.data?.status === 'pending' ? 3000 : false),
  });
  const replay = useMutation(
    trpc.webhooks.replay.mutationOptions({
      onSuccess: async (replayed) => {
        toast('Replay queued');
        await queryClient.invalidateQueries({ queryKey: trpc.webhooks.deliveries.pathKey() });
        onOpen(replayed.id);
      },
    }),
  );
  const data = delivery.data;

  return (
    <SideSheet
      open={id !== undefined}
      onClose={() => {
        replay.reset();
        onClose();
      }}
      title={data ? eventName(data) : 'Delivery'}
      description={data ? <DeliveryStatusBadge status={data.status} /> : undefined}
      actions={
        data && canReplay ? (
          <Button
            size="sm"
            variant="primary"
            loading={replay.isPending}
            onClick={() => replay.mutate({ deliveryId: data.id })}
          >
            Replay
          </Button>
        ) : null
      }
    >
      {delivery.isPending ? (
        <SkeletonRows rows={5} label="Loading the delivery" />
      ) : delivery.isError ? (
        <ErrorState
          error={delivery.error}
          title="This delivery could not be loaded"
          onRetry={() => delivery.refetch()}
        />
      ) : data ? (
        <div className="stack">
          <FormError error={replay.error} />
          <dl className="kv conn-kv">
            <dt>Delivery ID</dt>
            <dd>
              <span className="conn-copy-row">
                <span className="mono">{data.id}</span>
                <CopyButton value={data.id} what="delivery ID" />
              </span>
            </dd>
            <dt>Event ID</dt>
            <dd className="mono">{data.event_id}</dd>
            <dt>URL</dt>
            <dd className="mono">{data.url}</dd>
            <dt>Connection</dt>
            <dd className="mono">
              {data.provider_config_key} / {data.connection_id}
            </dd>
            <dt>Created</dt>
            <dd>
              <Timestamp iso={data.created_at} exactText />
            </dd>
            <dt>Delivered</dt>
            <dd>
              <Timestamp iso={data.delivered_at} />
            </dd>
            {data.next_attempt_at && (data.status === 'pending' || data.status === 'failed') ? (
              <>
                <dt>Next attempt</dt>
                <dd>
                  <Timestamp iso={data.next_attempt_at} exactText />
                </dd>
              </>
            ) : null}
          </dl>
          <section aria-labelledby="delivery-attempts-heading" className="stack-sm">
            <h3 id="delivery-attempts-heading" className="sheet-section-title">
              Attempts ({data.attempts.length})
            </h3>
            {data.attempts.length === 0 ? (
              <p className="subtle">
                Not tried yet. Deliveries of one connection to one URL go out in order, so this one waits
                while an earlier one is still being retried.
              </p>
            ) : (
              <ol className="wh-attempts">
                {data.attempts.map((attempt, index) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: attempts are append-only, in order
                  <AttemptItem key={index} number={index + 1} attempt={attempt} />
                ))}
              </ol>
            )}
          </section>
          <section aria-labelledby="delivery-payload-heading" className="stack-sm">
            <h3 id="delivery-payload-heading" className="sheet-section-title">
              Body
            </h3>
            <CodeBlock label="Delivery body">{JSON.stringify(data.payload, null, 2)}</CodeBlock>
          </section>
        </div>
      ) : null}
    </SideSheet>
  );
}

function AttemptItem({ number, attempt }: { number: number; attempt: WebhookAttempt }) {
  // The answer's opening, once the server keeps it (not every version does).
  const excerpt = (attempt as WebhookAttempt & { response_excerpt?: string | null }).response_excerpt ?? null;
  return (
    <li className="wh-attempt">
      <div className="wh-attempt-head">
        <strong>#{number}</strong>
        <HttpStatusBadge code={attempt.status_code} />
        <span className="subtle num">{formatMilliseconds(attempt.duration_ms)}</span>
        <time className="subtle" dateTime={attempt.attempted_at}>
          {formatExact(attempt.attempted_at)}
        </time>
      </div>
      {attempt.error ? <p className="wh-attempt-error">{attempt.error}</p> : null}
      {excerpt ? <CodeBlock label={`Answer to attempt ${number}`}>{excerpt}</CodeBlock> : null}
    </li>
  );
}
