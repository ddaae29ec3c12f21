/**
 * The live log: operations of one environment as they start and end. Operations are written by every instance
 * without an outbox, so the stream polls; each event id carries its change time, so a client that reconnects with
 * the last id it saw resumes right after it.
 */
import { sql } from 'kysely';
import type { Db } from '../platform/database/database';
import { changedOperationRows } from './operation.repository';
import type { OperationRow } from './operation.table';

export interface LiveOperationEvent {
  /** `<change time in µs>.<operation id>.<status>`: pass back as `lastEventId` to resume. */
  id: string;
  operation: OperationRow;
}

const EVENT_ID = /^(\d{1,17})\./;
/** A row committed a little after a later one is still seen: each poll looks this far behind the newest change. */
const LOOK_BEHIND_MICROS = 5_000_000n;
const BATCH = 200;

export async function liveOperations(
  db: Db,
  environmentId: string,
  options: { lastEventId?: string | undefined; signal?: AbortSignal | undefined; pollMs?: number },
): Promise<AsyncIterable<LiveOperationEvent>> {
  const resumeFrom = options.lastEventId === undefined ? undefined : EVENT_ID.exec(options.lastEventId)?.[1];
  // The database's clock, not ours: change times are written by it (or by instances whose clocks may differ).
  const floor = BigInt(
    resumeFrom ??
      (
        await sql<{ now: string }>`select (extract(epoch from now()) * 1000000)::bigint::text as now`.execute(
          db,
        )
      ).rows[0]!.now,
  );
  const pollMs = options.pollMs ?? 1000;
  const signal = options.signal;

  return (async function* () {
    let newest = floor;
    let catchingUp = false;
    const seen = new Map<string, bigint>();
    while (signal?.aborted !== true) {
      const behind = newest - LOOK_BEHIND_MICROS;
      const since = catchingUp ? newest : behind > floor ? behind : floor;
      const rows = await changedOperationRows(db, environmentId, since.toString(), BATCH);
      for (const row of rows) {
        const changed = BigInt(row.changed_us);
        const id = `${row.changed_us}.${row.id}.${row.status}`;
        if (seen.has(id)) continue;
        seen.set(id, changed);
        if (changed > newest) newest = changed;
        const { changed_us: _, ...operation } = row;
        yield { id, operation };
      }
      for (const [id, changed] of seen) if (changed < newest - LOOK_BEHIND_MICROS) seen.delete(id);
      // A full batch means more are waiting: read on at once, from the newest change.
      catchingUp = rows.length === BATCH;
      if (!catchingUp) await sleep(pollMs, signal);
    }
  })();
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
