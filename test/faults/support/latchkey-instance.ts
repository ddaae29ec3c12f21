/**
 * Real Latchkey processes for fault drills: several instances of one deployment (one PostgreSQL database, one
 * encryption key, one bootstrap secret key), each killable with SIGKILL and restartable on the same port, with the
 * background workers' intervals shortened so a drill sees retries and polls within seconds.
 */
import { type ApiResponse, api } from '../../src/support/api';
import type { EnvOverrides } from '../../src/support/child-env';
import type { Cleanup } from '../../src/support/cleanup';
import { freePort } from '../../src/support/free-port';
import { newBootstrapKey, newEncryptionKey } from '../../src/support/keys';
import { ServerProcess } from '../../src/support/server-process';
import { makeTempDir, type TempDir } from '../../src/support/temp-dir';

/** What every instance of one deployment shares; make one with `newDeployment`. */
export interface Deployment {
  /** DATABASE_URL; empty: each instance keeps an embedded PGlite database in its own data directory (kept on restart). */
  databaseUrl: string;
  /** LATCHKEY_ENCRYPTION_KEY: the same on every instance, or one could not open what another sealed. */
  encryptionKey: string;
  /** LATCHKEY_BOOTSTRAP_SECRET_KEY: the default environment's secret key, usable on every instance. */
  secretKey: string;
  /** LATCHKEY_PUBLIC_URL of every instance (as behind a load balancer); default: each instance's own URL. */
  publicUrl?: string | undefined;
  /** Extra variables for every instance; they override `FAST_WORKERS_ENV`. */
  env?: EnvOverrides | undefined;
}

/**
 * Worker intervals a drill can wait for: webhook polls every 100 ms, retries after 100 ms doubling up to 1 s, the
 * refresher every second, and no rate limits (drills send bursts from one loopback address on purpose).
 */
export const FAST_WORKERS_ENV: EnvOverrides = {
  LATCHKEY_WEBHOOK_POLL_MS: '100',
  LATCHKEY_WEBHOOK_BACKOFF_BASE_MS: '100',
  LATCHKEY_WEBHOOK_BACKOFF_MAX_SECONDS: '1',
  LATCHKEY_WEBHOOK_TIMEOUT_MS: '3000',
  LATCHKEY_REFRESH_INTERVAL_SECONDS: '1',
  LATCHKEY_ALLOW_PRIVATE_URLS: '1',
  LATCHKEY_RATE_LIMIT_PER_ADDRESS: '0',
  LATCHKEY_RATE_LIMIT_PER_TOKEN: '0',
  LATCHKEY_SHUTDOWN_TIMEOUT_MS: '2000',
};

/** A deployment on `databaseUrl` with fresh keys. */
export function newDeployment(
  databaseUrl: string,
  options: Pick<Deployment, 'publicUrl' | 'env'> = {},
): Deployment {
  return {
    databaseUrl,
    encryptionKey: newEncryptionKey(),
    secretKey: newBootstrapKey(),
    ...options,
  };
}

export interface StartInstanceOptions {
  /** Default: a free port. Kept across `restart()`. */
  port?: number;
  /** Variables for this instance only, over the deployment's. */
  env?: EnvOverrides;
  /** Wait for GET /health to answer 200 (default true). */
  waitForHealth?: boolean;
}

export interface HealthAnswer {
  status: number;
  body: { status?: string; database?: string } | null;
}

/** One Latchkey process of a deployment. Dispose it (or use a Cleanup) so the process and its directory go away. */
export class LatchkeyInstance implements AsyncDisposable {
  private process: ServerProcess | undefined;

  private constructor(
    readonly deployment: Deployment,
    readonly port: number,
    private readonly env: EnvOverrides,
    private readonly dataDir: TempDir,
  ) {}

  /** Starts an instance and (by default) waits until it is healthy. Start the first instance alone: it migrates. */
  static async start(deployment: Deployment, options: StartInstanceOptions = {}): Promise<LatchkeyInstance> {
    const port = options.port ?? (await freePort());
    const dataDir = await makeTempDir('latchkey-fault-');
    const env: EnvOverrides = {
      ...FAST_WORKERS_ENV,
      DATABASE_URL: deployment.databaseUrl || undefined,
      LATCHKEY_ENCRYPTION_KEY: deployment.encryptionKey,
      LATCHKEY_BOOTSTRAP_SECRET_KEY: deployment.secretKey,
      LATCHKEY_PUBLIC_URL: deployment.publicUrl ?? `http://127.0.0.1:${port}`,
      ...deployment.env,
      ...options.env,
    };
    const instance = new LatchkeyInstance(deployment, port, env, dataDir);
    try {
      await instance.spawn(options.waitForHealth ?? true);
    } catch (error) {
      await instance[Symbol.asyncDispose]();
      throw error;
    }
    return instance;
  }

  private async spawn(waitForHealth: boolean): Promise<void> {
    this.process = await ServerProcess.start({ dataDir: this.dataDir.path, port: this.port, env: this.env });
    if (waitForHealth) await this.process.waitForHealth();
  }

  /** `http://127.0.0.1:<port>`, stable across restarts. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get secretKey(): string {
    return this.deployment.secretKey;
  }

  /** The current process's output, for failure messages. */
  get stdout(): string {
    return this.process?.stdout ?? '';
  }

  get stderr(): string {
    return this.process?.stderr ?? '';
  }

  /**
   * Ends the process. SIGKILL (the default) kills tsx and the server at once, as a crash or an OOM kill would: no
   * shutdown code runs. Any other signal is a graceful stop, waited for.
   */
  async kill(options: { signal?: NodeJS.Signals } = {}): Promise<void> {
    const signal = options.signal ?? 'SIGKILL';
    if (signal === 'SIGKILL') await this.process?.kill();
    else await this.process?.stop(signal);
  }

  /** Kills the process if it still runs (SIGKILL), then starts a new one on the same port and environment. */
  async restart(options: { waitForHealth?: boolean } = {}): Promise<void> {
    await this.process?.kill();
    await this.spawn(options.waitForHealth ?? true);
  }

  /** A REST call with the deployment's secret key. */
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<ApiResponse<T>> {
    return api<T>(this.url, this.secretKey, method, path, body);
  }

  /** GET /health, never throwing for a non-200 (a refused connection still throws). */
  async health(timeoutMs = 5_000): Promise<HealthAnswer> {
    const response = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(timeoutMs) });
    const text = await response.text();
    let body: HealthAnswer['body'] = null;
    try {
      body = JSON.parse(text) as HealthAnswer['body'];
    } catch {
      // Not JSON: reported as null.
    }
    return { status: response.status, body };
  }

  /** A connect session token for `endUserId` (POST /connect/sessions). */
  async connectSessionToken(endUserId: string, extra: Record<string, unknown> = {}): Promise<string> {
    const created = await this.api<{ data: { token: string } }>('POST', '/connect/sessions', {
      end_user: { id: endUserId },
      ...extra,
    });
    if (created.status !== 201 && created.status !== 200) {
      throw new Error(`POST /connect/sessions answered ${created.status}: ${JSON.stringify(created.body)}`);
    }
    return created.body.data.token;
  }

  /** Sets the environment's primary webhook URL (PATCH /environment/webhook). */
  async setWebhookUrl(url: string): Promise<void> {
    const patched = await this.api('PATCH', '/environment/webhook', { primary_url: url });
    if (patched.status !== 200) {
      throw new Error(
        `PATCH /environment/webhook answered ${patched.status}: ${JSON.stringify(patched.body)}`,
      );
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.process?.kill();
    await this.dataDir[Symbol.asyncDispose]();
  }
}

/**
 * Starts an instance while the caller goes on with other setup (start the first instance alone: it migrates). It is
 * registered with `cleanup` at once, so a setup that fails before awaiting it leaves nothing running.
 */
export function startInBackground(
  deployment: Deployment,
  cleanup: Cleanup,
  options: StartInstanceOptions = {},
): Promise<LatchkeyInstance> {
  const starting = LatchkeyInstance.start(deployment, options);
  const settled = starting.catch(() => undefined);
  cleanup.add({ [Symbol.asyncDispose]: async () => (await settled)?.[Symbol.asyncDispose]() });
  return starting;
}
