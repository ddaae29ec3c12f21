/** The caller's environment settings: public key, custom callback URL, frontend HMAC (webhooks join later). */
import { Hono } from 'hono';
import { z } from 'zod';
import type { Services } from '../../../services';
import { readQuery } from '../request-input';
import type { RestEnv } from '../rest-env';

const getQuery = z.object({ include: z.literal('hmac_key').optional() }).strict();

export function environmentRoutes(services: Services) {
  const { environmentSettings } = services;
  return new Hono<RestEnv>({ strict: false })
    .get('/environment', async (c) => {
      const { include } = readQuery(c, getQuery);
      return c.json({
        data: await environmentSettings.get(c.get('auth'), { includeHmacKey: include === 'hmac_key' }),
      });
    })
    .patch('/environment', async (c) => {
      return c.json({ data: await environmentSettings.update(c.get('auth'), c.get('body')) });
    });
}
