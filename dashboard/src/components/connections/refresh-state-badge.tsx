/**
 * A connection's refresh state in words an operator reads at a glance. The server's `active` is shown as "OK"; the
 * URL filter uses the same word, so links read naturally (`?refreshState=ok`).
 */
import { Badge, type BadgeTone } from '../ui/badge';
import type { RefreshState } from './connection-types';

export const REFRESH_STATE_FILTERS = ['ok', 'refresh_failed', 'needs_reauth'] as const;
export type RefreshStateFilter = (typeof REFRESH_STATE_FILTERS)[number];

const LOOK: Record<RefreshState, { label: string; tone: BadgeTone }> = {
  active: { label: 'OK', tone: 'success' },
  refresh_failed: { label: 'Refresh failed', tone: 'warning' },
  needs_reauth: { label: 'Needs re-auth', tone: 'danger' },
};

export const REFRESH_STATE_LABELS: Record<RefreshStateFilter, string> = {
  ok: LOOK.active.label,
  refresh_failed: LOOK.refresh_failed.label,
  needs_reauth: LOOK.needs_reauth.label,
};

export function refreshStateFromFilter(filter: string | undefined): RefreshState | undefined {
  if (filter === 'ok' || filter === 'active') return 'active';
  if (filter === 'refresh_failed' || filter === 'needs_reauth') return filter;
  return undefined;
}

export function RefreshStateBadge({ state }: { state: RefreshState }) {
  const { label, tone } = LOOK[state];
  return (
    <Badge tone={tone} dot>
      {label}
    </Badge>
  );
}
