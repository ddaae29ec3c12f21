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
  /** Requests a minute on the public flow routes, per client address and per session token (0: off). */
  rateLimits: { perAddressPerMinute: number; perTokenPerMinute: number };
  connectSessionTtlSeconds: number;
  refreshMarginSeconds: number;
  refreshCooldownSeconds: number;
  proactiveRefresh: boolean;
  refreshIntervalSeconds: number;
  /** Requests to providers' auth endpoints (token exchange, refresh, verification) are cut after this long. */
  providerTimeoutMs: number;
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
  /** The first operator, created at boot when none exists (LATCHKEY_ADMIN_EMAIL + LATCHKEY_ADMIN_PASSWORD). */
  bootstrapAdmin: { email: string; password: string } | undefined;
  /** Operator sign-in with OpenID Connect; undefined when not configured. */
  oidc: OidcConfig | undefined;
}

export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Lower-case email domains that may sign in; empty: only emails that already belong to an operator. */
  allowedDomains: string[];
  scopes: string[];
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
    rateLimits: {
      perAddressPerMinute: vars.LATCHKEY_RATE_LIMIT_PER_ADDRESS,
      perTokenPerMinute: vars.LATCHKEY_RATE_LIMIT_PER_TOKEN,
    },
    connectSessionTtlSeconds: vars.LATCHKEY_CONNECT_SESSION_TTL_SECONDS,
    refreshMarginSeconds: vars.LATCHKEY_REFRESH_MARGIN_SECONDS,
    refreshCooldownSeconds: vars.LATCHKEY_REFRESH_COOLDOWN_SECONDS,
    proactiveRefresh: vars.LATCHKEY_PROACTIVE_REFRESH,
    refreshIntervalSeconds: vars.LATCHKEY_REFRESH_INTERVAL_SECONDS,
    providerTimeoutMs: vars.LATCHKEY_PROVIDER_TIMEOUT_MS,
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
    oidc: oidcConfig(vars),
    bootstrapAdmin: bootstrapAdminConfig(vars),
  };
}

function bootstrapAdminConfig(vars: z.infer<typeof envSchema>): Config['bootstrapAdmin'] {
  const email = vars.LATCHKEY_ADMIN_EMAIL;
  const password = vars.LATCHKEY_ADMIN_PASSWORD;
  if (email === undefined && password === undefined) return undefined;
  if (email === undefined)
    throw new ConfigError('LATCHKEY_ADMIN_EMAIL', 'is missing: it goes with LATCHKEY_ADMIN_PASSWORD');
  if (password === undefined)
    throw new ConfigError('LATCHKEY_ADMIN_PASSWORD', 'is missing: it goes with LATCHKEY_ADMIN_EMAIL');
  return { email, password };
}

function oidcConfig(vars: z.infer<typeof envSchema>): OidcConfig | undefined {
  const issuer = vars.LATCHKEY_OIDC_ISSUER;
  const clientId = vars.LATCHKEY_OIDC_CLIENT_ID;
  const clientSecret = vars.LATCHKEY_OIDC_CLIENT_SECRET;
  if (issuer === undefined && clientId === undefined && clientSecret === undefined) {
    if (vars.LATCHKEY_OIDC_ALLOWED_DOMAINS === undefined) return undefined;
    throw new ConfigError('LATCHKEY_OIDC_ALLOWED_DOMAINS', 'is set but LATCHKEY_OIDC_ISSUER is not');
  }
  if (issuer === undefined || clientId === undefined || clientSecret === undefined) {
    const missing =
      issuer === undefined
        ? 'LATCHKEY_OIDC_ISSUER'
        : clientId === undefined
          ? 'LATCHKEY_OIDC_CLIENT_ID'
          : 'LATCHKEY_OIDC_CLIENT_SECRET';
    throw new ConfigError(
      missing,
      'is missing: LATCHKEY_OIDC_ISSUER, LATCHKEY_OIDC_CLIENT_ID and LATCHKEY_OIDC_CLIENT_SECRET go together',
    );
  }
  // Over plain http anyone on the path could forge identities; only tests against a loopback issuer may use it.
  if (new URL(issuer).protocol === 'http:' && !vars.LATCHKEY_ALLOW_PRIVATE_URLS) {
    throw new ConfigError('LATCHKEY_OIDC_ISSUER', 'must be an https URL');
  }
  return {
    issuer,
    clientId,
    clientSecret,
    allowedDomains: vars.LATCHKEY_OIDC_ALLOWED_DOMAINS ?? [],
    scopes: vars.LATCHKEY_OIDC_SCOPES,
  };
}

function isDirectory(target: string): boolean {
  try {
    return statSync(target).isDirectory();
  } catch {
    return false;
  }
}
