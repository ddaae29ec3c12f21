/** The webhook delivery log: `GET /webhooks/deliveries` and `POST /webhooks/deliveries/:id/replay`. */
import { Hono } from 'hono';
import { z } from 'zod';
import type { Services } from '../../../services';
import { readParam, readQuery } from '../request-input';
import type { RestEnv } from '../rest-env';

const listQuery = z
  .object({
    status: z.enum(['pending', 'delivered', 'failed', 'dead']).optional(),
    connection_id: z.string().min(1).max(255).optional(),
    limit: z.coerce.number().int().min(1).max(500).optional(),
  })
  .strict();

export function webhookRoutes(services: Services) {
  return new Hono<RestEnv>({ strict: false })
    .get('/webhooks/deliveries', async (c) => {
      const query = readQuery(c, listQuery);
      const data = await services.webhookDeliveries.list(c.get('auth'), {
        status: query.status,
        connectionId: query.connection_id,
        limit: query.limit,
      });
      return c.json({ data });
    })
    .post('/webhooks/deliveries/:id/replay', async (c) => {
      const id = readParam(c, 'id', z.uuid());
      return c.json({ data: await services.webhookDeliveries.replay(c.get('auth'), id) }, 201);
    });
}
