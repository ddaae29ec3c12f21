import { Hono } from 'hono';
import { sql } from 'kysely';
import type { Db } from '../../../platform/database/database';
import type { RestEnv } from '../rest-env';

/** Liveness and readiness in one: 200 when the database answers, 503 otherwise. */
export function healthRoutes(db: Db) {
  return new Hono<RestEnv>({ strict: false }).get('/health', async (c) => {
    try {
      await sql`select 1`.execute(db);
      return c.json({ status: 'ok', database: 'ok' });
    } catch (error) {
      c.get('log').error({ err: error }, 'health check: database unreachable');
      return c.json({ status: 'error', database: 'unreachable' }, 503);
    }
  });
}
