/**
 * The logs' time filter: `from` and `to` in the URL are absolute ISO instants (a shared link shows the same window);
 * the presets only fill them in. Inputs of type datetime-local speak local wall-clock time without a zone.
 */
export const TIME_PRESETS = [
  { id: '15m', label: 'Last 15 minutes', ms: 15 * 60_000 },
  { id: '1h', label: 'Last hour', ms: 3_600_000 },
  { id: '24h', label: 'Last 24 hours', ms: 86_400_000 },
  { id: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { id: '30d', label: 'Last 30 days', ms: 30 * 86_400_000 },
] as const;

export function presetStart(id: string, now = Date.now()): string | undefined {
  const preset = TIME_PRESETS.find((candidate) => candidate.id === id);
  return preset === undefined ? undefined : new Date(now - preset.ms).toISOString();
}

/** ISO instant → the value a datetime-local input shows (local time, minutes). */
export function toLocalInput(iso: string | undefined): string {
  if (iso === undefined) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

/** A datetime-local value → an ISO instant, or undefined when empty or invalid. */
export function fromLocalInput(value: string): string | undefined {
  if (value === '') return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

export function isValidInstant(iso: string | undefined): boolean {
  return iso === undefined || !Number.isNaN(new Date(iso).getTime());
}
