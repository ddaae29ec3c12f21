/** The live log's merge: new operations land in start order, updates replace in place, non-matching ones stay out. */
import { describe, expect, it } from 'vitest';
import { matchesFilters, mergeOperation } from './live-merge';
import type { OperationPage, OperationSummary } from './log-types';
import { fromLocalInput, presetStart, toLocalInput } from './time-range';

function operation(id: string, startedAt: string, patch: Partial<OperationSummary> = {}): OperationSummary {
  return {
    id,
    kind: 'auth',
    action: 'oauth2',
    integration: 'github',
    connection_id: 'c1',
    status: 'running',
    error_code: null,
    started_at: startedAt,
    ended_at: null,
    ...patch,
  };
}

const page = (items: OperationSummary[], nextCursor: string | null = null): OperationPage => ({
  items,
  nextCursor,
});

describe('mergeOperation', () => {
  const older = operation('a', '2026-12-07T10:00:00.000Z');
  const newer = operation('b', '2026-12-07T11:00:00.000Z');

  it('puts a new operation on top', () => {
    const fresh = operation('c', '2026-12-07T12:00:00.000Z');
    expect(mergeOperation(page([newer, older]), fresh, {}).items.map((o) => o.id)).toEqual(['c', 'b', 'a']);
  });

  it('replaces an operation that ended, where it is', () => {
    const ended = { ...older, status: 'success', ended_at: '2026-12-07T10:00:01.000Z' };
    const merged = mergeOperation(page([newer, older]), ended, {});
    expect(merged.items.map((o) => o.status)).toEqual(['running', 'success']);
  });

  it('drops a row that no longer matches the filters and ignores new ones that do not', () => {
    const ended = { ...older, status: 'failed' };
    expect(mergeOperation(page([newer, older]), ended, { status: 'running' }).items.map((o) => o.id)).toEqual(
      ['b'],
    );
    const other = operation('c', '2026-12-07T12:00:00.000Z', { integration: 'slack' });
    const before = page([newer]);
    expect(mergeOperation(before, other, { integration: 'github' })).toBe(before);
  });

  it('leaves an operation older than the page to later pages', () => {
    const ancient = operation('z', '2026-12-01T00:00:00.000Z');
    const before = page([newer, older], 'cursor');
    expect(mergeOperation(before, ancient, {})).toBe(before);
    expect(mergeOperation(page([newer, older]), ancient, {}).items.at(-1)?.id).toBe('z');
  });
});

describe('matchesFilters', () => {
  it('compares the time window on the start time', () => {
    const op = operation('a', '2026-12-07T10:00:00.000Z');
    expect(matchesFilters(op, { from: '2026-12-07T09:00:00.000Z' })).toBe(true);
    expect(matchesFilters(op, { from: '2026-12-07T11:00:00.000Z' })).toBe(false);
    expect(matchesFilters(op, { to: '2026-12-07T10:00:00.000Z' })).toBe(false);
  });
});

describe('time range', () => {
  it('round-trips a datetime-local value and makes presets relative to now', () => {
    const iso = fromLocalInput('2026-12-07T10:30');
    expect(iso).toBeDefined();
    expect(toLocalInput(iso)).toBe('2026-12-07T10:30');
    expect(fromLocalInput('')).toBeUndefined();
    expect(presetStart('1h', Date.parse('2026-12-07T12:00:00.000Z'))).toBe('2026-12-07T11:00:00.000Z');
    expect(presetStart('nope')).toBeUndefined();
  });
});
