/** The provider's auth mode in words people use, with the raw mode as a tooltip. */
import { Badge, type BadgeTone } from '../ui/badge';

const LABELS: Record<string, { label: string; tone: BadgeTone }> = {
  OAUTH2: { label: 'OAuth 2.0', tone: 'accent' },
  OAUTH1: { label: 'OAuth 1.0a', tone: 'accent' },
  OAUTH2_CC: { label: 'Client credentials', tone: 'info' },
  API_KEY: { label: 'API key', tone: 'neutral' },
  BASIC: { label: 'Basic auth', tone: 'neutral' },
  NONE: { label: 'No auth', tone: 'neutral' },
  APP: { label: 'App', tone: 'info' },
};

export function authModeLabel(mode: string): string {
  return LABELS[mode]?.label ?? mode;
}

export function AuthModeBadge({ mode }: { mode: string }) {
  const known = LABELS[mode];
  return (
    <span title={mode}>
      <Badge tone={known?.tone ?? 'warning'}>{known?.label ?? mode}</Badge>
    </span>
  );
}
