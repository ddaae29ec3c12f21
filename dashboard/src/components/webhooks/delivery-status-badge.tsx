/** A delivery's status: pending (queued or retrying), delivered, failed (will retry), dead (gave up). */
import { Badge, type BadgeTone } from '../ui/badge';

const LOOK: Record<string, { label: string; tone: BadgeTone }> = {
  pending: { label: 'Pending', tone: 'info' },
  delivered: { label: 'Delivered', tone: 'success' },
  failed: { label: 'Failed', tone: 'warning' },
  dead: { label: 'Dead', tone: 'danger' },
};

export function DeliveryStatusBadge({ status }: { status: string }) {
  const look = LOOK[status] ?? { label: status, tone: 'neutral' as const };
  return (
    <Badge tone={look.tone} dot>
      {look.label}
    </Badge>
  );
}

/** An HTTP status code, toned by its class; `—` when the request never got an answer. */
export function HttpStatusBadge({ code }: { code: number | null }) {
  if (code === null) return <Badge tone="danger">no response</Badge>;
  const tone: BadgeTone =
    code >= 200 && code < 300 ? 'success' : code >= 500 || code === 429 ? 'warning' : 'danger';
  return <Badge tone={tone}>HTTP {code}</Badge>;
}
