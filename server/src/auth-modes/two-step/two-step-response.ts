/**
 * Reading the provider's answers to a TWO_STEP token request: the body (JSON, or the text itself: some providers
 * answer with the bare token), the entry's `token_response` paths, and the response headers it keeps
 * (`token_response_headers`, e.g. a session cookie).
 */
import type { Provider } from '@latchkey/providers';
import { LatchkeyError } from '@latchkey/schema';
import type { OutboundResponse } from '../../platform/outbound/outbound.types';
import { valueAtPath } from '../../provider-requests/template-interpolation';
import { tokenExpiry } from './two-step-expiry';

export interface TwoStepTokens {
  token: string;
  refreshToken: string | undefined;
  expiresAt: Date | null;
  /** The answer as Nango keeps it in `credentials.raw` (a non-object answer is kept as `{}`; the token holds it). */
  raw: Record<string, unknown>;
}

/** The answer's JSON value, or its text when it is not JSON (as axios gives it to Nango). */
export function parseStepBody(response: OutboundResponse): unknown {
  try {
    return JSON.parse(response.text) as unknown;
  } catch {
    return response.text;
  }
}

/**
 * Maps the last step's answer with the entry's `token_response`: `token` (an empty path is the whole answer),
 * `refresh_token`, and `token_expiration` read with `token_expiration_strategy`, else `token_expires_in_ms`.
 * @throws LatchkeyError `unable_to_parse_token_response` when there is no token or its expiry cannot be read.
 */
export function mapTokenResponse(provider: Provider, body: unknown, now: Date): TwoStepTokens {
  const paths = provider.token_response ?? {};
  const token = scalarText(paths.token ? readPath(body, paths.token) : body);
  if (token === undefined || token === '') {
    throw new LatchkeyError('unable_to_parse_token_response', 'The token response has no token.', {
      internal: { path: paths.token, keys: isRecord(body) ? Object.keys(body) : typeof body },
    });
  }
  const refreshToken = paths.refresh_token ? scalarText(readPath(body, paths.refresh_token)) : undefined;
  const expiration = paths.token_expiration ? readPath(body, paths.token_expiration) : undefined;
  let expiresAt: Date | null;
  try {
    expiresAt = tokenExpiry(
      expiration,
      { strategy: paths.token_expiration_strategy, fallbackMs: provider.token_expires_in_ms },
      { token, refreshToken: refreshToken || undefined },
      now,
    );
  } catch {
    throw new LatchkeyError(
      'unable_to_parse_token_response',
      `The token response's ${paths.token_expiration} is not a lifetime Latchkey can read.`,
    );
  }
  const raw = isRecord(body) && !Array.isArray(body) ? body : {};
  return {
    token,
    refreshToken: refreshToken || undefined,
    expiresAt,
    // The refresh token is kept once, as `refresh_token`, which reads strip by name; left in `raw` under the entry's
    // own path (`data.rt`), it would reach every reader (compat doc 2.3).
    raw: paths.refresh_token ? withoutPath(raw, paths.refresh_token.split('.')) : raw,
  };
}

function withoutPath(record: Record<string, unknown>, path: string[]): Record<string, unknown> {
  const [head, ...rest] = path;
  if (head === undefined || !Object.hasOwn(record, head)) return record;
  const copy = { ...record };
  if (rest.length === 0) delete copy[head];
  else {
    const child = copy[head];
    if (isRecord(child) && !Array.isArray(child)) copy[head] = withoutPath(child, rest);
  }
  return copy;
}

/**
 * The values of the headers the entry keeps (`token_response_headers`), under the names written there. `set-cookie`
 * gives each cookie under its own name, and all of them as one `Cookie` header value under `_cookies`.
 */
export function responseHeaderValues(headers: Headers, names: readonly string[]): Record<string, string> {
  const values: Record<string, string> = {};
  const cookies: string[] = [];
  for (const name of names) {
    if (name.toLowerCase() === 'set-cookie') {
      for (const cookie of headers.getSetCookie()) {
        const pair = cookie.split(';')[0] ?? '';
        const at = pair.indexOf('=');
        if (at <= 0) continue;
        const [cookieName, cookieValue] = [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
        values[cookieName] = cookieValue;
        cookies.push(`${cookieName}=${cookieValue}`);
      }
      continue;
    }
    const value = headers.get(name);
    if (value !== null && value !== '') values[name] = value;
  }
  if (cookies.length > 0) values._cookies = cookies.join('; ');
  return values;
}

/** Cookies from several answers: the later ones join the earlier ones, other values replace them. */
export function mergeHeaderValues(
  earlier: Record<string, string>,
  later: Record<string, string>,
): Record<string, string> {
  const merged = { ...earlier };
  for (const [name, value] of Object.entries(later)) {
    merged[name] = name === '_cookies' && merged._cookies ? `${merged._cookies}; ${value}` : value;
  }
  return merged;
}

function readPath(body: unknown, path: string): unknown {
  return isRecord(body) ? valueAtPath(body, path) : undefined;
}

function scalarText(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
