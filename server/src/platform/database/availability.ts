/**
 * Whether an error means "the database cannot be reached right now" (as opposed to a query or data problem): every
 * transport answers those with 503 `database_unavailable`, and background work logs them and retries.
 */
import { LatchkeyError } from '@latchkey/schema';

/** SQLSTATE classes and codes of a server that is going away, starting up or full. */
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[1-3]|53300)$/;
/** Socket failures on the way to the server. */
const UNAVAILABLE_ERRNO = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
/** What `pg` and `pg-pool` say when a connection drops, cannot be made in time, or is killed by the watchdog. */
const UNAVAILABLE_MESSAGE =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Query read timeout|The database did not answer)/;

export function databaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  const pending: unknown[] = [error];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (typeof next !== 'object' || next === null || seen.has(next)) continue;
    seen.add(next);
    // Ours are classified by their code already: an unreachable provider (ECONNREFUSED too) is no database outage.
    if (next instanceof LatchkeyError) {
      if (next.code === 'database_unavailable') return true;
      continue;
    }
    const { code, message, cause, errors } = next as {
      code?: unknown;
      message?: unknown;
      cause?: unknown;
      errors?: unknown;
    };
    if (typeof code === 'string' && (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_ERRNO.has(code))) {
      return true;
    }
    if (typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message)) return true;
    // `connect` to a host with several addresses fails with an AggregateError of one error per address.
    if (Array.isArray(errors)) pending.push(...errors);
    pending.push(cause);
  }
  return false;
}
