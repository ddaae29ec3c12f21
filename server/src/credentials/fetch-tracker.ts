/**
 * `last_fetched_at` without a write per read: reads are noted in memory and flushed in one statement per interval
 * (and on close). A crash loses at most one interval of timestamps, which only feed keep-alive decisions.
 */
import { sql } from 'kysely';
import type { Db } from '../platform/database/database';

export interface FetchTracker {
  /** Notes a read now; returns the previous read this process noted, if any (newer than the stored value). */
  touch(connectionRowId: string): Date | undefined;
  flush(): Promise<void>;
  stop(): Promise<void>;
}

/** Remembered previous reads; beyond this many connections the memory is dropped and starts over. */
const MAX_REMEMBERED = 100_000;

export function createFetchTracker(db: Db, intervalMs = 1000): FetchTracker {
  let pending = new Map<string, Date>();
  const lastRead = new Map<string, Date>();
  const flush = async () => {
    if (pending.size === 0) return;
    const batch = pending;
    pending = new Map();
    const values = sql.join(
      [...batch].map(([id, at]) => sql`(${id}::bigint, ${at.toISOString()}::timestamptz)`),
    );
    await sql`update connections set last_fetched_at = v.at from (values ${values}) as v(id, at)
      where connections.id = v.id and (connections.last_fetched_at is null or connections.last_fetched_at < v.at)`.execute(
      db,
    );
  };
  const timer = setInterval(() => void flush().catch(() => {}), intervalMs);
  timer.unref();
  return {
    touch: (id) => {
      const now = new Date();
      const previous = lastRead.get(id);
      if (previous === undefined && lastRead.size >= MAX_REMEMBERED) lastRead.clear();
      lastRead.set(id, now);
      pending.set(id, now);
      return previous;
    },
    flush,
    async stop() {
      clearInterval(timer);
      await flush().catch(() => {});
    },
  };
}
