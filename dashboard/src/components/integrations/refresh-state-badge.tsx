/** A connection's refresh state in words. */
import { Badge } from '../ui/badge';

const STATES: Record<string, { label: string; tone: 'success' | 'warning' | 'danger' }> = {
  active: { label: 'Active', tone: 'success' },
  refresh_failed: { label: 'Refresh failing', tone: 'warning' },
  needs_reauth: { label: 'Needs reauthorization', tone: 'danger' },
};

export function RefreshStateBadge({ state }: { state: string }) {
  const known = STATES[state];
  return (
    <Badge tone={known?.tone ?? 'warning'} dot>
      {known?.label ?? state}
    </Badge>
  );
}
