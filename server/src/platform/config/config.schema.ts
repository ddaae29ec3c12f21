/**
 * Configuration from environment variables, validated once at boot. Every bad value is reported with the variable's
 * name so the process can stop with one clear line instead of starting half-configured.
 */
import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const flagSchema = z
  .string()
  .trim()
  .toLowerCase()
  .refine(
    (v) => ['', '0', '1', 'true', 'false', 'yes', 'no', 'on', 'off'].includes(v),
    'must be 1/0 or true/false',
  )
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v));

const urlSchema = (protocols: string[]) =>
  z
    .string()
    .trim()
    .refine(
      (value) => {
        try {
          return protocols.includes(new URL(value).protocol);
        } catch {
          return false;
        }
      },
      `must be a URL (${protocols.join(' or ')})`,
    );

const EMAIL_DOMAIN_PATTERN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

export const UUID_V4_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

export const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3003),
  HOST: z.string().trim().min(1).default('0.0.0.0'),
  DATABASE_URL: urlSchema(['postgres:', 'postgresql:']).optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  LATCHKEY_DATA_DIR: z.string().trim().min(1).default('./.latchkey'),
  LATCHKEY_ENCRYPTION_KEY: z.string().trim().min(1).optional(),
  LATCHKEY_PUBLIC_URL: urlSchema(['http:', 'https:']).optional(),
  LATCHKEY_BOOTSTRAP_SECRET_KEY: z
    .string()
    .trim()
    .regex(UUID_V4_PATTERN, 'must be a UUID v4 (the shape of a Nango secret key)')
    .optional(),
  LATCHKEY_ALLOW_PRIVATE_URLS: flagSchema.default(false),
  LATCHKEY_CONNECT_SESSION_TTL_SECONDS: z.coerce.number().int().min(30).max(86_400).default(1800),
  LATCHKEY_REFRESH_MARGIN_SECONDS: z.coerce.number().int().min(0).max(86_400).default(900),
  LATCHKEY_REFRESH_COOLDOWN_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
  LATCHKEY_PROACTIVE_REFRESH: flagSchema.default(true),
  LATCHKEY_REFRESH_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  // Requests to providers' auth endpoints (token exchange, refresh, verification): connect plus the whole answer. A
  // refresh holds its row lock that long, and a reader waiting on it must stay under the database's query watchdog.
  LATCHKEY_PROVIDER_TIMEOUT_MS: z.coerce.number().int().min(100).max(25_000).default(10_000),
  LATCHKEY_WEBHOOKS: flagSchema.default(true),
  LATCHKEY_WEBHOOK_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
  LATCHKEY_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  LATCHKEY_WEBHOOK_RETRY_HORIZON_SECONDS: z.coerce.number().int().min(0).max(2_592_000).default(86_400),
  LATCHKEY_WEBHOOK_BACKOFF_BASE_MS: z.coerce.number().int().min(1).max(600_000).default(2000),
  LATCHKEY_WEBHOOK_BACKOFF_MAX_SECONDS: z.coerce.number().int().min(1).max(86_400).default(3600),
  LATCHKEY_WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(200).default(10),
  // Token buckets on the public flow routes, per client address and per connect session token: requests a minute
  // (and burst); 0 turns one off.
  LATCHKEY_RATE_LIMIT_PER_ADDRESS: z.coerce.number().int().min(0).max(1_000_000).default(120),
  LATCHKEY_RATE_LIMIT_PER_TOKEN: z.coerce.number().int().min(0).max(1_000_000).default(60),
  LATCHKEY_BODY_LIMIT: z.coerce.number().int().min(1024).max(104_857_600).default(1_048_576),
  // Where the frontend SDK's WebSocket connects (its `websocketsPath`); Nango listens on the root path.
  LATCHKEY_WEBSOCKET_PATH: z
    .string()
    .trim()
    .regex(/^\/[A-Za-z0-9._~\-/]{0,199}$/, 'must be a URL path starting with / (letters, digits, . _ ~ - /)')
    .transform((value) => (value.length > 1 ? value.replace(/\/+$/, '') || '/' : value))
    .default('/'),
  // Operator sign-in with OpenID Connect: issuer, client id and secret come together (checked in config.ts).
  LATCHKEY_OIDC_ISSUER: urlSchema(['http:', 'https:']).optional(),
  LATCHKEY_OIDC_CLIENT_ID: z.string().trim().min(1).optional(),
  LATCHKEY_OIDC_CLIENT_SECRET: z.string().trim().min(1).optional(),
  LATCHKEY_OIDC_ALLOWED_DOMAINS: z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((domain) => domain.trim().toLowerCase())
        .filter(Boolean),
    )
    .pipe(
      z.array(z.string().regex(EMAIL_DOMAIN_PATTERN, 'must be comma-separated email domains (example.com)')),
    )
    .optional(),
  LATCHKEY_OIDC_SCOPES: z
    .string()
    .transform((value) => value.split(/[\s,]+/).filter(Boolean))
    .refine((scopes) => scopes.includes('openid'), 'must include openid')
    .default(['openid', 'email', 'profile']),
  // The first operator for automated installs: both or neither (checked in config.ts).
  LATCHKEY_ADMIN_EMAIL: z.string().trim().toLowerCase().pipe(z.email('must be an email address')).optional(),
  LATCHKEY_ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').max(256).optional(),
  LATCHKEY_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
});

export type EnvInput = z.input<typeof envSchema>;
