/** The one place REST turns errors into responses: `{ error: { code, message, payload?, errors? } }`. */
import { type ErrorBody, LatchkeyError } from '@latchkey/schema';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { databaseUnavailable } from '../../../platform/database/availability';
import type { Logger } from '../../../platform/logging/logger';
import type { RestEnv } from '../rest-env';

/**
 * Status and body for an error, logging what the caller must not see: 5xx details and anything unexpected. A database
 * that cannot be reached is a 503 `database_unavailable` (retry shortly), not a 500. Shared by the Hono error handler
 * and the connection read served on node:http.
 */
export function errorAnswer(
  error: unknown,
  log: () => Logger | undefined,
): { status: number; body: ErrorBody } {
  if (error instanceof LatchkeyError) {
    if (error.status >= 500)
      log()?.error({ code: error.code, internal: error.internal, err: error }, error.message);
    return { status: error.status, body: error.toBody() };
  }
  if (databaseUnavailable(error)) {
    log()?.warn({ err: error }, 'database unavailable');
    return { status: 503, body: new LatchkeyError('database_unavailable').toBody() };
  }
  log()?.error({ err: error }, 'unhandled error');
  return { status: 500, body: new LatchkeyError('server_error').toBody() };
}

export function handleError(error: Error, c: Context<RestEnv>): Response {
  const { status, body } = errorAnswer(error, () => c.get('log'));
  return c.json(body, status as ContentfulStatusCode);
}
