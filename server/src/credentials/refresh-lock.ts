/**
 * The lock a refresh holds on its connection row while the provider is called, so a refresh token is spent once.
 *
 * PostgreSQL: `SELECT … FOR UPDATE` in a transaction, which every instance respects; the provider is called inside it
 * and the writes commit with it. Embedded PGlite: one process owns the database (embedded-lock.ts) and one connection
 * serves all its queries, so a transaction held across the provider call would stall every request of the process for
 * as long as the provider takes (up to LATCHKEY_PROVIDER_TIMEOUT_MS). There the lock is a queue per row in this
 * process, the row is read outside any transaction, and the writes are a short transaction of their own. Writers
 * check `credentials_version` (credential.service.ts), so a connection replaced meanwhile keeps its new credentials.
 */
import type { ConnectionRow } from '../connections/connection.table';
import { type Db, isEmbeddedDatabase } from '../platform/database/database';

/** Runs the refresh's writes: in the lock's transaction (PostgreSQL) or in a transaction of their own (PGlite). */
export type RefreshWriter = <T>(write: (trx: Db) => Promise<T>) => Promise<T>;

export interface RefreshLock {
  /**
   * Runs `work` with the row locked; `locked` is the row as read under the lock (undefined: gone). With `skipLocked`,
   * a row someone else holds is not waited for: the answer is `busy`.
   */
  withRow<T>(
    rowId: string,
    options: { skipLocked: boolean },
    work: (locked: ConnectionRow | undefined, write: RefreshWriter) => Promise<T>,
  ): Promise<T | 'busy'>;
}

export function createRefreshLock(db: Db): RefreshLock {
  return isEmbeddedDatabase(db) ? inProcessLock(db) : rowLock(db);
}

function rowLock(db: Db): RefreshLock {
  return {
    withRow: (rowId, { skipLocked }, work) =>
      db.transaction().execute(async (trx) => {
        let query = trx.selectFrom('connections').selectAll().where('id', '=', rowId).forUpdate();
        if (skipLocked) query = query.skipLocked();
        const locked = await query.executeTakeFirst();
        // With SKIP LOCKED, nothing back means another instance holds the row: it is being refreshed already.
        if (locked === undefined && skipLocked) return 'busy' as const;
        return work(locked, (write) => write(trx));
      }),
  };
}

function inProcessLock(db: Db): RefreshLock {
  /** The last holder's release, per row: each caller waits for the one before it. */
  const queues = new Map<string, Promise<void>>();
  return {
    async withRow(rowId, { skipLocked }, work) {
      if (skipLocked && queues.has(rowId)) return 'busy';
      const previous = queues.get(rowId);
      let release!: () => void;
      const mine = new Promise<void>((resolve) => {
        release = resolve;
      });
      const tail = (previous ?? Promise.resolve()).then(() => mine);
      queues.set(rowId, tail);
      try {
        await previous;
        const locked = await db
          .selectFrom('connections')
          .selectAll()
          .where('id', '=', rowId)
          .executeTakeFirst();
        return await work(locked, (write) => db.transaction().execute(write));
      } finally {
        release();
        if (queues.get(rowId) === tail) queues.delete(rowId);
      }
    },
  };
}
