/**
 * PGlite is a single-process database: two processes opening one data directory would corrupt it. Whoever opens the
 * embedded database (the server, a CLI command) first takes this lock file. A lock whose process is gone is stale and
 * taken over; so is one whose pid now belongs to another program (pids are reused, notably after a container
 * restart), which is told apart by the command line recorded beside the pid where /proc shows it.
 */
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
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
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, 'latchkey.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, `${process.pid}\n${commandLineOf(process.pid) ?? ''}`, { flag: 'wx', mode: 0o600 });
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
      const [pidText = '', recorded = ''] = readFileSync(file, 'utf8').split('\n');
      const pid = Number(pidText.trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isSameProcess(pid, recorded)) {
        throw new EmbeddedLockError(pid, file);
      }
      unlinkSync(file);
    }
  }
  throw new Error(`Could not take the embedded database lock ${file}`);
}

function isSameProcess(pid: number, recordedCommandLine: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const current = commandLineOf(pid);
  // Without /proc (or without a recorded command line) a live pid is taken at its word.
  return current === undefined || recordedCommandLine === '' || current === recordedCommandLine;
}

function commandLineOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
  } catch {
    return undefined;
  }
}
