/** An operation's status (running, success, failed) as a word with a tone. */
import { Badge, type BadgeTone } from '../ui/badge';

const LOOK: Record<string, { label: string; tone: BadgeTone }> = {
  running: { label: 'Running', tone: 'info' },
  success: { label: 'Success', tone: 'success' },
  failed: { label: 'Failed', tone: 'danger' },
};

export function OperationStatusBadge({ status }: { status: string }) {
  const look = LOOK[status] ?? { label: status, tone: 'neutral' as const };
  return (
    <Badge tone={look.tone} dot>
      {look.label}
    </Badge>
  );
}
