import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { type Keyring, parseKeyring } from '../crypto/keyring';
import { envSchema } from './config.schema';
import { loadOrCreateEmbeddedKey } from './embedded-key';

export interface Config {
  port: number;
  host: string;
  publicUrl: string;
  database: { kind: 'postgres'; url: string; poolSize: number } | { kind: 'pglite'; dataDir: string };
  dataDir: string;
  keyring: Keyring;
  /** True when the encryption key was generated on this boot (first boot of an embedded install). */
  encryptionKeyGenerated: boolean;
  bootstrapSecretKey: string | undefined;
  allowPrivateUrls: boolean;
  bodyLimit: number;
  connectSessionTtlSeconds: number;
  refreshMarginSeconds: number;
  refreshCooldownSeconds: number;
  proactiveRefresh: boolean;
  refreshIntervalSeconds: number;
  shutdownTimeoutMs: number;
  /** Path of the frontend SDK's WebSocket endpoint (`/` by default, as Nango). */
  websocketPath: string;
  webhooks: {
    /** Off: deliveries stay queued (another instance, or a later start, sends them). */
    enabled: boolean;
    pollMs: number;
    timeoutMs: number;
    retryHorizonSeconds: number;
    backoffBaseMs: number;
    backoffMaxSeconds: number;
    concurrency: number;
  };
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
}

/** Raised for a bad configuration value; `message` is the one line printed before the process exits. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

/** Reads the environment (empty strings count as unset). Touches the disk only to keep the embedded key. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const defined = Object.fromEntries(
    Object.entries(env).filter(
      ([key, value]) => key in envSchema.shape && value !== undefined && value !== '',
    ),
  );
  const parsed = envSchema.safeParse(defined);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(String(issue.path[0]), issue.message.replace(/^Invalid input: /, ''));
  }
  const vars = parsed.data;
  const dataDir = path.resolve(vars.LATCHKEY_DATA_DIR);
  if (existsSync(dataDir) && !isDirectory(dataDir)) {
    throw new ConfigError('LATCHKEY_DATA_DIR', `(${dataDir}) exists and is not a directory`);
  }

  let keyring: Keyring;
  let encryptionKeyGenerated = false;
  if (vars.LATCHKEY_ENCRYPTION_KEY !== undefined) {
    try {
      keyring = parseKeyring(vars.LATCHKEY_ENCRYPTION_KEY);
    } catch (error) {
      throw new ConfigError('LATCHKEY_ENCRYPTION_KEY', (error as Error).message);
    }
  } else if (vars.DATABASE_URL !== undefined) {
    throw new ConfigError(
      'LATCHKEY_ENCRYPTION_KEY',
      'is required when DATABASE_URL is set (32 random bytes in base64, e.g. `openssl rand -base64 32`)',
    );
  } else {
    const embedded = loadOrCreateEmbeddedKey(dataDir);
    keyring = parseKeyring(embedded.key);
    encryptionKeyGenerated = embedded.created;
  }

  return {
    port: vars.PORT,
    host: vars.HOST,
    publicUrl: (vars.LATCHKEY_PUBLIC_URL ?? `http://localhost:${vars.PORT}`).replace(/\/+$/, ''),
    database:
      vars.DATABASE_URL !== undefined
        ? { kind: 'postgres', url: vars.DATABASE_URL, poolSize: vars.DATABASE_POOL_SIZE }
        : { kind: 'pglite', dataDir: path.join(dataDir, 'pgdata') },
    dataDir,
    keyring,
    encryptionKeyGenerated,
    bootstrapSecretKey: vars.LATCHKEY_BOOTSTRAP_SECRET_KEY?.toLowerCase(),
    allowPrivateUrls: vars.LATCHKEY_ALLOW_PRIVATE_URLS,
    bodyLimit: vars.LATCHKEY_BODY_LIMIT,
    connectSessionTtlSeconds: vars.LATCHKEY_CONNECT_SESSION_TTL_SECONDS,
    refreshMarginSeconds: vars.LATCHKEY_REFRESH_MARGIN_SECONDS,
    refreshCooldownSeconds: vars.LATCHKEY_REFRESH_COOLDOWN_SECONDS,
    proactiveRefresh: vars.LATCHKEY_PROACTIVE_REFRESH,
    refreshIntervalSeconds: vars.LATCHKEY_REFRESH_INTERVAL_SECONDS,
    shutdownTimeoutMs: vars.LATCHKEY_SHUTDOWN_TIMEOUT_MS,
    websocketPath: vars.LATCHKEY_WEBSOCKET_PATH,
    webhooks: {
      enabled: vars.LATCHKEY_WEBHOOKS,
      pollMs: vars.LATCHKEY_WEBHOOK_POLL_MS,
      timeoutMs: vars.LATCHKEY_WEBHOOK_TIMEOUT_MS,
      retryHorizonSeconds: vars.LATCHKEY_WEBHOOK_RETRY_HORIZON_SECONDS,
      backoffBaseMs: vars.LATCHKEY_WEBHOOK_BACKOFF_BASE_MS,
      backoffMaxSeconds: vars.LATCHKEY_WEBHOOK_BACKOFF_MAX_SECONDS,
      concurrency: vars.LATCHKEY_WEBHOOK_CONCURRENCY,
    },
    logLevel: vars.LOG_LEVEL,
  };
}

function isDirectory(target: string): boolean {
  try {
    return statSync(target).isDirectory();
  } catch {
    return false;
  }
}
