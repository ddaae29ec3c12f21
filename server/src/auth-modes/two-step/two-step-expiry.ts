/**
 * When a TWO_STEP token stops working, read the way Nango reads it: the entry's `token_expiration` value as a date
 * (`expireAt`) or a lifetime (`expireIn`), else the entry's `token_expires_in_ms`, else practically never; a JWT
 * token's own `exp` (or the refresh token's) shortens that.
 */
import { decodeJwt } from 'jose';

/** Nango's lifetime for a token that states none and whose entry sets no `token_expires_in_ms` (99 years). */
const UNSTATED_LIFETIME_MS = 99 * 365.25 * 24 * 3600 * 1000;
/** How long before a JWT's `exp` it counts as expired (Nango's refresh margin). */
const JWT_MARGIN_MS = 15 * 60 * 1000;

export interface ExpirySettings {
  /** `token_response.token_expiration_strategy`; Nango's default is `expireAt`. */
  strategy: 'expireAt' | 'expireIn' | undefined;
  /** `token_expires_in_ms`: 0 means the token does not expire. */
  fallbackMs: number | undefined;
}

/**
 * The expiry of a token obtained at `now`; null when it does not expire.
 * @throws Error when an `expireIn` value is neither a number of seconds nor a duration such as `2h`.
 */
export function tokenExpiry(
  expiration: unknown,
  settings: ExpirySettings,
  tokens: { token: string; refreshToken: string | undefined },
  now: Date,
): Date | null {
  const stated = present(expiration) ? expiration : undefined;
  let expiresAt: Date | null;
  if (stated !== undefined && (settings.strategy ?? 'expireAt') === 'expireAt') {
    expiresAt = parseExpirationDate(stated, now);
  } else if (stated !== undefined) {
    expiresAt = new Date(now.getTime() + lifetimeMs(stated));
  } else if (settings.fallbackMs !== undefined) {
    expiresAt = settings.fallbackMs > 0 ? new Date(now.getTime() + settings.fallbackMs) : null;
  } else {
    expiresAt = new Date(now.getTime() + UNSTATED_LIFETIME_MS);
  }
  const jwtLimits = [stated === undefined ? jwtExpiry(tokens.token) : null, jwtExpiry(tokens.refreshToken)];
  for (const limit of jwtLimits) {
    if (limit !== null && (expiresAt === null || limit < expiresAt)) expiresAt = limit;
  }
  return expiresAt;
}

/**
 * An absolute expiry: a Date, epoch milliseconds or seconds (a number read as milliseconds before 1972 is seconds),
 * an ISO date, or Tableau's `D:HH:MM` from now. Null when unreadable (the token is then taken as not expiring).
 */
export function parseExpirationDate(value: unknown, now: Date): Date | null {
  if (value instanceof Date) return value;
  if (typeof value === 'number') {
    const asMs = new Date(value);
    return asMs.getUTCFullYear() > 1971 ? asMs : new Date(value * 1000);
  }
  if (typeof value !== 'string') return null;
  const parsed = Date.parse(value);
  if (!Number.isNaN(parsed)) return new Date(parsed);
  const duration = /^(\d+):(\d{2}):(\d{2})$/.exec(value);
  if (duration !== null) {
    const [days, hours, minutes] = duration.slice(1).map(Number) as [number, number, number];
    if (hours < 24 && minutes < 60)
      return new Date(now.getTime() + ((days * 24 + hours) * 60 + minutes) * 60_000);
  }
  return null;
}

/** An `expireIn` value: whole seconds (number or digits), or a duration such as `3600s`, `2h`, `1 day`. */
export function lifetimeMs(value: unknown): number {
  if (Number.isSafeInteger(Number(value)) && String(value).trim() !== '') return Number(value) * 1000;
  const duration = typeof value === 'string' ? parseDuration(value) : undefined;
  if (duration === undefined || duration === 0) {
    throw new Error('Unsupported token expiration format.');
  }
  return duration;
}

const UNIT_MS: Array<[RegExp, number]> = [
  [/^(?:milliseconds?|msecs?|ms)$/, 1],
  [/^(?:seconds?|secs?|s)$/, 1000],
  [/^(?:minutes?|mins?|m)$/, 60_000],
  [/^(?:hours?|hrs?|h)$/, 3_600_000],
  [/^(?:days?|d)$/, 86_400_000],
  [/^(?:weeks?|w)$/, 604_800_000],
  [/^(?:years?|yrs?|y)$/, 31_557_600_000],
];

/** Durations as the `ms` package reads them (Nango's parser): a number and an optional unit, milliseconds by default. */
export function parseDuration(text: string): number | undefined {
  const match = /^(-?(?:\d+)?\.?\d+) *([a-z]+)?$/i.exec(text.trim());
  if (match === null) return undefined;
  const amount = Number(match[1]);
  const unit = (match[2] ?? 'ms').toLowerCase();
  const factor = UNIT_MS.find(([pattern]) => pattern.test(unit))?.[1];
  return factor === undefined ? undefined : amount * factor;
}

/** A JWT's `exp` less the refresh margin; null for anything that is not a JWT with an `exp`. */
export function jwtExpiry(token: string | undefined): Date | null {
  if (token === undefined || token.split('.').length !== 3) return null;
  try {
    const { exp } = decodeJwt(token);
    return typeof exp === 'number' ? new Date(exp * 1000 - JWT_MARGIN_MS) : null;
  } catch {
    return null;
  }
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '' && value !== 0 && value !== false;
}
