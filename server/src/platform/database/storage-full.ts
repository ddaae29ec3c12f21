/**
 * A full disk. PostgreSQL, and PGlite with it, refuse a statement that needs space with SQLSTATE 53100 `disk_full`
 * and keep answering the others; those errors become one LatchkeyError, `storage_full` (503), at the driver, so every
 * transport answers them alike and nobody takes a full disk for an unreachable database or a bug.
 *
 * Embedded PGlite needs more: once its WAL segment is used up on a full disk it cannot open the next one, and the
 * failure leaves its WASM instance spinning, the whole process frozen (reads and /health included); it also cannot
 * start on a full disk after a crash, since recovery writes first. So in embedded mode writes are refused before they
 * run while the data directory's disk has less than EMBEDDED_RESERVE_BYTES free: PGlite never meets a full disk it
 * made fuller, reads go on, and writes resume by themselves once space is freed.
 */
import { statfsSync } from 'node:fs';
import { LatchkeyError } from '@latchkey/schema';
import type { CompiledQuery, DatabaseConnection, Dialect, Driver, TransactionSettings } from 'kysely';

const DISK_FULL = '53100';
/** Two WAL segments: room for the next segment and what a write in progress needs besides. */
export const EMBEDDED_RESERVE_BYTES = 32 * 1024 * 1024;
/** Statements that write nothing (raw SQL is judged by its first word; built queries by their kind). */
const READ_ONLY_SQL =
  /^\s*(select|show|explain|begin|start|commit|end|rollback|savepoint|release|set|reset)\b/i;

/** Whether `error` says the database has no space left. */
function storageFull(error: unknown): boolean {
  if (error instanceof LatchkeyError) return error.code === 'storage_full';
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return (
    code === DISK_FULL ||
    code === 'ENOSPC' ||
    (typeof message === 'string' && message.includes('No space left on device'))
  );
}

function translated(error: unknown): unknown {
  if (error instanceof LatchkeyError || !storageFull(error)) return error;
  return new LatchkeyError('storage_full', undefined, {
    internal: (error as { message?: unknown }).message,
    cause: error,
  });
}

function freeBytes(dir: string): number | undefined {
  try {
    const stats = statfsSync(dir);
    return stats.bavail * stats.bsize;
  } catch {
    return undefined;
  }
}

function writes(query: CompiledQuery): boolean {
  const kind = query.query.kind;
  if (kind === 'SelectQueryNode') return false;
  if (kind === 'RawNode') return !READ_ONLY_SQL.test(query.sql);
  return true;
}

/**
 * `dialect`, with disk-full errors of its queries and commits raised as `storage_full`; with `embeddedDataDir`, writes
 * are also refused up front while that directory's disk has less than `reserveBytes` free (EMBEDDED_RESERVE_BYTES).
 */
export function withStorageFullErrors(
  dialect: Dialect,
  options: { embeddedDataDir?: string; reserveBytes?: number } = {},
): Dialect {
  const guard =
    options.embeddedDataDir === undefined
      ? undefined
      : { dataDir: options.embeddedDataDir, reserveBytes: options.reserveBytes ?? EMBEDDED_RESERVE_BYTES };
  return {
    createAdapter: () => dialect.createAdapter(),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createDriver: () => new StorageFullDriver(dialect.createDriver(), guard),
  };
}

const watched = new WeakSet<DatabaseConnection>();

class StorageFullDriver implements Driver {
  constructor(
    private readonly inner: Driver,
    private readonly guard: { dataDir: string; reserveBytes: number } | undefined,
  ) {
    // Savepoints are optional in a driver; offered only when the inner one has them.
    if (inner.savepoint) this.savepoint = inner.savepoint.bind(inner);
    if (inner.rollbackToSavepoint) this.rollbackToSavepoint = inner.rollbackToSavepoint.bind(inner);
    if (inner.releaseSavepoint) this.releaseSavepoint = inner.releaseSavepoint.bind(inner);
  }

  savepoint?: Driver['savepoint'];
  rollbackToSavepoint?: Driver['rollbackToSavepoint'];
  releaseSavepoint?: Driver['releaseSavepoint'];

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await this.inner.acquireConnection();
    // The driver is handed its own connection back (its transactions use private state on it): patched in place.
    if (!watched.has(connection)) {
      watched.add(connection);
      const execute = connection.executeQuery.bind(connection);
      const guard = this.guard;
      connection.executeQuery = async <R>(query: CompiledQuery) => {
        if (guard !== undefined && writes(query)) {
          const free = freeBytes(guard.dataDir);
          if (free !== undefined && free < guard.reserveBytes) {
            throw new LatchkeyError('storage_full', undefined, {
              internal: { dataDir: guard.dataDir, freeBytes: free, reserveBytes: guard.reserveBytes },
            });
          }
        }
        return execute<R>(query).catch((error: unknown) => {
          throw translated(error);
        });
      };
    }
    return connection;
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.inner.beginTransaction(connection, settings).catch((error: unknown) => {
      throw translated(error);
    });
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.commitTransaction(connection).catch((error: unknown) => {
      throw translated(error);
    });
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.rollbackTransaction(connection);
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection(connection);
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}

/**
 * Why an embedded database in `dataDir` failed to start, when the disk is the reason (PGlite aborts without saying
 * so when it has no room to recover); undefined when there is room and the failure is something else.
 */
export function embeddedStartFailure(dataDir: string, error: unknown): string | undefined {
  const free = freeBytes(dataDir);
  if (free === undefined || (free >= EMBEDDED_RESERVE_BYTES && !storageFull(error))) return undefined;
  return `The embedded database could not start: the disk holding ${dataDir} is full (${free} bytes free, ${EMBEDDED_RESERVE_BYTES} needed). Free some space and start again; what is stored is kept.`;
}
