/**
 * Children started through tsx are two processes (tsx, then node running the server), and killing tsx with SIGKILL
 * would orphan the server. Each child therefore leads its own process group, killed as a whole; any group still
 * alive when the test worker exits is killed too, so a failed or interrupted test leaves nothing running.
 */
import { type ChildProcess, spawn } from 'node:child_process';

export interface TrackedChild {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Resolves with the exit code (null when ended by a signal), once stdout and stderr are drained. */
  readonly exited: Promise<number | null>;
  hasExited(): boolean;
  stdout(): string;
  stderr(): string;
  /** SIGKILL to the whole group; harmless when it is already gone. */
  killGroup(): void;
  /** SIGKILL to the whole group, then waits until no process of it is left (the server may outlive tsx). */
  killGroupAndWait(timeoutMs?: number): Promise<void>;
}

const live = new Set<TrackedChild>();
let exitHookInstalled = false;

export function spawnTracked(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): TrackedChild {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const tracked of live) tracked.killGroup();
    });
  }
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`could not spawn ${args.join(' ')}`);
  const pid = child.pid;
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  let done = false;
  const tracked: TrackedChild = {
    child,
    pid,
    exited: new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code) => {
        done = true;
        live.delete(tracked);
        resolve(code);
      });
    }),
    hasExited: () => done,
    stdout: () => out,
    stderr: () => err,
    killGroup() {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // ESRCH: every process of the group has already exited.
      }
    },
    async killGroupAndWait(timeoutMs = 10_000) {
      tracked.killGroup();
      await tracked.exited.catch(() => null);
      // The server is tsx's child: once orphaned it is reaped by init, a little after tsx's exit. Until then its pid
      // still answers, and would make a lock file it held look alive to the next process on the same data directory.
      const deadline = Date.now() + timeoutMs;
      while (groupExists(pid) && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20));
    },
  };
  live.add(tracked);
  return tracked;
}

function groupExists(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Waits for the exit; past the deadline the group is killed and the wait fails with the output so far. */
export async function exitWithin(
  tracked: TrackedChild,
  timeoutMs: number,
  what: string,
): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      tracked.killGroup();
      reject(
        new Error(
          `${what} did not exit within ${timeoutMs} ms\nstdout:\n${tracked.stdout()}\nstderr:\n${tracked.stderr()}`,
        ),
      );
    }, timeoutMs);
  });
  try {
    return await Promise.race([tracked.exited, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
