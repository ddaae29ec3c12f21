import { useSyncExternalStore } from 'react';

/**
 * Times as the activity pages show them: relative ("4 min ago") with the exact local time on hover and in the
 * `<time>` element, and durations of operations and attempts.
 */
const exact = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto', style: 'short' });

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];

export function formatExact(iso: string): string {
  return exact.format(new Date(iso));
}

export function formatRelative(iso: string, now = Date.now()): string {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  if (Math.abs(seconds) < 10) return 'just now';
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return relative.format(Math.trunc(seconds / size), unit);
  }
  return 'just now';
}

export function formatMilliseconds(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** From start to end; null while it still runs. */
export function durationBetween(startIso: string, endIso: string | null): number | null {
  if (endIso === null) return null;
  return Math.max(0, new Date(endIso).getTime() - new Date(startIso).getTime());
}

/** One clock for every relative time on screen: a single timer, ticking only while something shows one. */
const TICK_MS = 20_000;
let now = Date.now();
const listeners = new Set<() => void>();
let timer: number | undefined;

function subscribeClock(listener: () => void): () => void {
  listeners.add(listener);
  if (timer === undefined) {
    timer = window.setInterval(() => {
      now = Date.now();
      for (const notify of listeners) notify();
    }, TICK_MS);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer !== undefined) {
      window.clearInterval(timer);
      timer = undefined;
    }
  };
}

/** Re-renders the caller on every tick. */
function useClock(): number {
  return useSyncExternalStore(subscribeClock, () => now);
}

/** A point in time: relative text ("4 min ago", kept current), exact on hover; `—` when there is none. */
export function Timestamp({
  iso,
  exactText = false,
}: {
  iso: string | null | undefined;
  exactText?: boolean;
}) {
  if (iso === null || iso === undefined) return <span className="subtle">—</span>;
  const full = formatExact(iso);
  return (
    <time className="nowrap" dateTime={iso} title={full}>
      {exactText ? full : <RelativeText iso={iso} />}
    </time>
  );
}

function RelativeText({ iso }: { iso: string }) {
  useClock();
  return <>{formatRelative(iso)}</>;
}
