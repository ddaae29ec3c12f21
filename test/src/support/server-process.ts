/** The real server as a separate process, the way an operator runs it, on a port and data directory of its own. */
import { rm } from 'node:fs/promises';
import { childEnv, type EnvOverrides } from './child-env';
import { freePort } from './free-port';
import { SERVER_DIR, SERVER_MAIN, TSX_CLI } from './paths';
import { makeTempDir } from './temp-dir';
import { exitWithin, spawnTracked, type TrackedChild } from './tracked-child';

export interface StartServerOptions {
  /** A data directory that outlives this process (restarts); without it one is made and removed on dispose. */
  dataDir?: string;
  env?: EnvOverrides;
  /** Defaults to the server package, as `pnpm start` runs it. */
  cwd?: string;
  port?: number;
}

export class ServerProcess implements AsyncDisposable {
  private constructor(
    private readonly tracked: TrackedChild,
    readonly port: number,
    readonly dataDir: string,
    private readonly ownsDataDir: boolean,
  ) {}

  static async start(options: StartServerOptions = {}): Promise<ServerProcess> {
    const owned = options.dataDir === undefined ? await makeTempDir('latchkey-data-') : undefined;
    const dataDir = options.dataDir ?? owned!.path;
    const port = options.port ?? (await freePort());
    const env = childEnv({
      PORT: String(port),
      HOST: '127.0.0.1',
      LATCHKEY_DATA_DIR: dataDir,
      ...options.env,
    });
    const tracked = spawnTracked([TSX_CLI, SERVER_MAIN], { cwd: options.cwd ?? SERVER_DIR, env });
    return new ServerProcess(tracked, port, dataDir, owned !== undefined);
  }

  /** The process started: tsx, whose child process runs the server. */
  get pid(): number {
    return this.tracked.pid;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get stdout(): string {
    return this.tracked.stdout();
  }

  get stderr(): string {
    return this.tracked.stderr();
  }

  /** Resolves once GET /health answers 200; fails early, with the output, if the process exits first. */
  async waitForHealth(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.tracked.hasExited()) {
        throw new Error(
          `server exited before it was healthy\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`,
        );
      }
      try {
        const response = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(2_000) });
        await response.arrayBuffer();
        if (response.status === 200) return;
      } catch {
        // Not listening yet.
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(
      `server not healthy within ${timeoutMs} ms\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`,
    );
  }

  /** Sends `signal` to the process (tsx relays it to the server) and resolves with its exit code. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 30_000): Promise<number | null> {
    if (!this.tracked.hasExited()) this.tracked.child.kill(signal);
    return exitWithin(this.tracked, timeoutMs, 'server');
  }

  /** SIGKILL to tsx and the server at once, as a crash or an OOM kill would: no shutdown code runs. */
  kill(): Promise<void> {
    return this.tracked.killGroupAndWait();
  }

  /** Waits for an exit the process decides on itself (bad configuration, lock held). */
  waitForExit(timeoutMs = 30_000): Promise<number | null> {
    return exitWithin(this.tracked, timeoutMs, 'server');
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.tracked.killGroupAndWait();
    if (this.ownsDataDir) await rm(this.dataDir, { recursive: true, force: true });
  }
}
