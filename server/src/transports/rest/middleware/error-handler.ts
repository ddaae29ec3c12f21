/** The one place REST turns errors into responses: `{ error: { code, message, payload?, errors? } }`. */
import { LatchkeyError } from '@latchkey/schema';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { RestEnv } from '../rest-env';

export function handleError(error: Error, c: Context<RestEnv>): Response {
  const log = c.get('log');
  if (error instanceof LatchkeyError) {
    if (error.status >= 500)
      log?.error({ code: error.code, internal: error.internal, err: error }, error.message);
    return c.json(error.toBody(), error.status as ContentfulStatusCode);
  }
  log?.error({ err: error }, 'unhandled error');
  return c.json(new LatchkeyError('server_error').toBody(), 500);
}
