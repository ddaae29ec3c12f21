/**
 * PGlite is a single-process database: two processes opening one data directory would corrupt it. Whoever opens the
 * embedded database (the server, a CLI command) first takes this lock file; a lock whose process is gone is stale and
 * taken over.
 */
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export class EmbeddedLockError extends Error {
  constructor(
    readonly pid: number,
    file: string,
  ) {
    super(
      `The embedded database is in use by process ${pid} (lock file ${file}). Stop that process first, or use PostgreSQL (DATABASE_URL) to run several processes.`,
    );
    this.name = 'EmbeddedLockError';
  }
}

export function acquireEmbeddedLock(dataDir: string): () => void {
  const file = path.join(dataDir, 'latchkey.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx', mode: 0o600 });
      let released = false;
      return () => {
        if (released) return;
        released = true;
        try {
          unlinkSync(file);
        } catch {}
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number(readFileSync(file, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid))
        throw new EmbeddedLockError(pid, file);
      unlinkSync(file);
    }
  }
  throw new Error(`Could not take the embedded database lock ${file}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
