/**
 * When the proxy tries a request again and how long it waits first (compat doc 2.6 `Retries` / `Retry-On`, with
 * Nango's semantics): 429 and 5xx, or the provider's own `proxy.retry.error_code` list instead, plus the caller's
 * `Retry-On` statuses. The wait is the one the provider asks for (`Retry-After`, or the headers its definition names
 * in `proxy.retry.after` / `proxy.retry.at`), else exponential backoff with jitter.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Provider } from '@latchkey/providers';

export const MAX_RETRIES = 10;
/** A provider asking for a longer wait gets its answer passed back instead: the caller can schedule, we cannot hold the request. */
export const MAX_RETRY_WAIT_MS = 30_000;
const BACKOFF_BASE_MS = 200;

export function isRetryableStatus(status: number, retryOn: readonly number[], provider: Provider): boolean {
  if (retryOn.includes(status)) return true;
  const providerCodes = provider.proxy?.retry?.error_code;
  if (providerCodes !== undefined) return providerCodes.some((rule) => matchesStatus(status, String(rule)));
  return status === 429 || status >= 500;
}

/**
 * Milliseconds to wait before retry number `retry` (1 for the first), or undefined when the provider asks for more
 * than {@link MAX_RETRY_WAIT_MS}.
 */
export function retryWaitMs(
  headers: IncomingHttpHeaders,
  retry: number,
  provider: Provider,
  now = Date.now(),
): number | undefined {
  const asked = askedWaitMs(headers, provider, now);
  if (asked !== undefined) return asked > MAX_RETRY_WAIT_MS ? undefined : asked;
  return backoffMs(retry);
}

/** Exponential backoff, also used after a network failure (which carries no headers). */
export function backoffMs(retry: number): number {
  const ceiling = Math.min(BACKOFF_BASE_MS * 2 ** (retry - 1), MAX_RETRY_WAIT_MS);
  // Jitter spreads the retries of many callers that failed together.
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

function askedWaitMs(headers: IncomingHttpHeaders, provider: Provider, now: number): number | undefined {
  const retryAfter = header(headers, 'retry-after');
  if (retryAfter !== undefined) {
    // RFC 9110 §10.2.3: delay-seconds or an HTTP-date.
    if (/^\d+$/.test(retryAfter)) return Number(retryAfter) * 1000;
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  const rules = provider.proxy?.retry;
  for (const name of names(rules?.after)) {
    const seconds = Number(header(headers, name));
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  }
  for (const name of names(rules?.at)) {
    const at = epochMs(header(headers, name));
    if (at !== undefined && at > now) return at - now;
  }
  return undefined;
}

/** A reset time as providers send it: epoch seconds, epoch milliseconds, or a date. */
function epochMs(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const numeric = Number(value);
  if (Number.isFinite(numeric)) return numeric > 1e11 ? numeric : numeric * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : date;
}

/** Exact (`503`), a class (`5xx`) or a range (`500-504`), as Nango's `error_code` entries are written. */
function matchesStatus(status: number, rule: string): boolean {
  if (/^\d{3}$/.test(rule)) return status === Number(rule);
  const statusClass = /^(\d)xx$/i.exec(rule);
  if (statusClass) return Math.floor(status / 100) === Number(statusClass[1]);
  const range = /^(\d{3})-(\d{3})$/.exec(rule);
  return range !== null && status >= Number(range[1]) && status <= Number(range[2]);
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

function names(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}
