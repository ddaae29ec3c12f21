/**
 * A directory of limited size for disk-full drills: a tmpfs mounted on a temporary directory (root only), which a
 * filler file fills to the last byte and gives back when removed. Unmounted and removed on dispose.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statfsSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface SizeLimitedDir extends AsyncDisposable {
  readonly path: string;
  /** Bytes still free on the filesystem. */
  freeBytes(): number;
  /** Writes a filler file until the filesystem refuses one more byte; returns the bytes written. */
  fill(): number;
  /** Removes the filler. */
  free(): void;
}

let probed: boolean | undefined;

/**
 * Whether a tmpfs can be mounted here (root, and a mount that works), for `describe.runIf(...)`. Under CI=true it
 * throws instead of answering false: a drill that cannot run is a broken setup, not a reason to skip.
 */
export function sizeLimitedDirAvailable(): boolean {
  if (probed === undefined) {
    probed = false;
    if (process.getuid?.() === 0) {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'latchkey-tmpfs-probe-'));
      try {
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { stdio: 'ignore' });
        execFileSync('umount', [dir], { stdio: 'ignore' });
        probed = true;
      } catch {
        // No mount permission (a container without CAP_SYS_ADMIN).
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  if (!probed && process.env.CI === 'true') {
    throw new Error(
      'CI=true but a tmpfs cannot be mounted (root with mount permission is needed): the disk-full drill would be skipped',
    );
  }
  return probed;
}

export function mountSizeLimitedDir(sizeMiB: number): SizeLimitedDir {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'latchkey-full-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMiB}m,mode=0700`, 'tmpfs', dir], {
    stdio: 'ignore',
  });
  const filler = path.join(dir, 'filler');
  const unmountOnExit = () => {
    try {
      execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
    } catch {
      // Already unmounted.
    }
  };
  process.once('exit', unmountOnExit);
  return {
    path: dir,
    freeBytes() {
      const stats = statfsSync(dir);
      return stats.bavail * stats.bsize;
    },
    fill() {
      const fd = openSync(filler, 'a');
      let written = 0;
      try {
        // Large writes first, then pages: tmpfs hands out space a page at a time.
        for (const size of [1024 * 1024, 4096, 1]) {
          const chunk = Buffer.alloc(size, 0x2e);
          try {
            for (;;) written += writeSync(fd, chunk);
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
          }
        }
      } finally {
        closeSync(fd);
      }
      return written;
    },
    free() {
      rmSync(filler, { force: true });
    },
    async [Symbol.asyncDispose]() {
      process.removeListener('exit', unmountOnExit);
      // Lazy: a process killed a moment ago may still hold a file open.
      execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
