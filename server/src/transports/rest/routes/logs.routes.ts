/** Operation logs of auth flows: `GET /logs?connection_id=&integration=&limit=`. */
import { Hono } from 'hono';
import { z } from 'zod';
import type { Services } from '../../../services';
import { readQuery } from '../request-input';
import type { RestEnv } from '../rest-env';

const logsQuery = z
  .object({
    connection_id: z.string().min(1).max(255).optional(),
    integration: z.string().min(1).max(255).optional(),
    limit: z.coerce.number().int().min(1).max(500).optional(),
  })
  .strict();

export function logRoutes(services: Services) {
  return new Hono<RestEnv>({ strict: false }).get('/logs', async (c) => {
    const query = readQuery(c, logsQuery);
    const data = await services.logs.list(c.get('auth'), {
      connectionId: query.connection_id,
      integrationKey: query.integration,
      limit: query.limit,
    });
    return c.json({ data });
  });
}
