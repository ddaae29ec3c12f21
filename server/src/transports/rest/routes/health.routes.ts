import { Hono } from 'hono';
import { sql } from 'kysely';
import type { Db } from '../../../platform/database/database';
import type { RestEnv } from '../rest-env';

/** A probe answers within this, outage or not: a load balancer's check must not hang on a silent database. */
const HEALTH_TIMEOUT_MS = 900;

/**
 * Liveness and readiness in one: 200 `ok` when the database answers, 503 `degraded` (database `unreachable`) when it
 * does not answer in time; it recovers by itself when the database does.
 */
export function healthRoutes(db: Db) {
  return new Hono<RestEnv>({ strict: false }).get('/health', async (c) => {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error('the database did not answer the health check in time')),
        HEALTH_TIMEOUT_MS,
      );
    });
    try {
      await Promise.race([sql`select 1`.execute(db), timedOut]);
      return c.json({ status: 'ok', database: 'ok' });
    } catch (error) {
      c.get('log').warn({ err: error }, 'health check: database unreachable');
      return c.json({ status: 'degraded', database: 'unreachable' }, 503);
    } finally {
      clearTimeout(timer);
    }
  });
}
