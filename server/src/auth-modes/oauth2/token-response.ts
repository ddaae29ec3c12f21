/**
 * Reading a token endpoint response (RFC 6749 §5.1) leniently enough for real providers (compat doc 4.7): JSON or
 * form-encoded bodies, `expires_in` as a number or a string, `expires_at` in seconds, milliseconds or ISO form, and
 * an access token under another path when the provider declares it. Errors (§5.2) become typed Latchkey errors whose
 * message carries the provider's error code and description, never a token.
 */
import type { Provider } from '@latchkey/providers';
import { LatchkeyError } from '@latchkey/schema';
import type { OutboundResponse } from '../../platform/outbound/outbound.types';

export interface TokenSet {
  accessToken: string;
  refreshToken: string | undefined;
  expiresAt: Date | undefined;
  /** Scopes the provider says it granted, when it says. */
  grantedScopes: string[] | undefined;
  raw: Record<string, unknown>;
}

export function parseTokenBody(response: OutboundResponse): Record<string, unknown> {
  const text = response.text.trim();
  if (text.startsWith('{')) {
    try {
      const parsed = JSON.parse(text) as unknown;
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed))
        return parsed as Record<string, unknown>;
    } catch {
      // fall through to form parsing
    }
  }
  return Object.fromEntries(new URLSearchParams(text));
}

export function processTokenResponse(
  response: OutboundResponse,
  provider: Provider,
  options: { now?: Date; tokenPaths?: string[] } = {},
): TokenSet {
  const body = parseTokenBody(response);
  if (response.status < 200 || response.status >= 300 || typeof body.error === 'string') {
    throw tokenError(response.status, body);
  }
  const paths = options.tokenPaths ?? [provider.alternate_access_token_response_path ?? 'access_token'];
  const accessToken = paths
    .map((path) => readPath(body, path))
    .find((value) => typeof value === 'string' && value !== '');
  if (typeof accessToken !== 'string') {
    throw new LatchkeyError('unable_to_parse_token_response', 'The token response has no access token.', {
      internal: { status: response.status, keys: Object.keys(body) },
    });
  }
  const refreshToken =
    typeof body.refresh_token === 'string' && body.refresh_token !== '' ? body.refresh_token : undefined;
  const scope = typeof body.scope === 'string' ? body.scope : undefined;
  return {
    accessToken,
    refreshToken,
    expiresAt: expiryOf(body, provider, options.now ?? new Date()),
    grantedScopes: scope === undefined ? undefined : scope.split(/[\s,]+/).filter(Boolean),
    raw: body,
  };
}

/** Nango's assumption for client-credentials tokens that state no lifetime (compat doc 4.9). */
const CLIENT_CREDENTIALS_DEFAULT_LIFETIME_MS = 55 * 60 * 1000;

/**
 * A client-credentials token response (RFC 6749 §4.4.3): the token under `access_token`, `data.token` or `jwt`, and
 * an expiry that is always known (55 minutes when the provider states none).
 */
export function processClientCredentialsResponse(
  response: OutboundResponse,
  provider: Provider,
): TokenSet & { expiresAt: Date } {
  const tokens = processTokenResponse(response, provider, {
    tokenPaths: ['access_token', 'data.token', 'jwt'],
  });
  return {
    ...tokens,
    expiresAt: tokens.expiresAt ?? new Date(Date.now() + CLIENT_CREDENTIALS_DEFAULT_LIFETIME_MS),
  };
}

/** `expires_at` (seconds, milliseconds, ISO, or `D:HH:MM` from now) wins over `expires_in`; none means unknown. */
export function expiryOf(body: Record<string, unknown>, provider: Provider, now: Date): Date | undefined {
  const at = body.expires_at;
  if (typeof at === 'number' || (typeof at === 'string' && /^\d+$/.test(at))) {
    const value = Number(at);
    const asMs = new Date(value);
    return asMs.getUTCFullYear() > 1971 ? asMs : new Date(value * 1000);
  }
  if (typeof at === 'string') {
    const duration = /^(\d+):(\d{1,2}):(\d{1,2})$/.exec(at);
    if (duration !== null) {
      const [, d, h, m] = duration.map(Number) as [number, number, number, number];
      return new Date(now.getTime() + ((d * 24 + h) * 60 + m) * 60_000);
    }
    const parsed = Date.parse(at);
    if (!Number.isNaN(parsed)) return new Date(parsed);
  }
  const inRaw = body.expires_in;
  const expiresIn =
    typeof inRaw === 'number'
      ? inRaw
      : typeof inRaw === 'string' && /^\d+$/.test(inRaw)
        ? Number(inRaw)
        : undefined;
  if (expiresIn !== undefined) {
    const ms = provider.expires_in_unit === 'milliseconds' ? expiresIn : expiresIn * 1000;
    return new Date(now.getTime() + ms);
  }
  if (provider.default_token_lifetime !== undefined)
    return new Date(now.getTime() + provider.default_token_lifetime * 1000);
  return undefined;
}

function tokenError(status: number, body: Record<string, unknown>): LatchkeyError {
  const code = typeof body.error === 'string' ? body.error.slice(0, 100) : `http_${status}`;
  const description =
    typeof body.error_description === 'string'
      ? `: ${body.error_description.replace(/[^\x20-\x7e]/g, ' ').slice(0, 300)}`
      : '';
  return new LatchkeyError(
    'token_exchange_failed',
    `The provider refused the token request (${code}${description}).`,
    {
      payload: { provider_error: code },
      internal: { status },
    },
  );
}

function readPath(body: Record<string, unknown>, path: string): unknown {
  let current: unknown = body;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}
