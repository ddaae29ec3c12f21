/**
 * The caller's environment settings: public key and public-key flows, custom callback URL, frontend HMAC, webhook URLs,
 * signing key and legacy signature, with warnings about settings that weaken the environment.
 */
import { listParamSchema } from '@latchkey/schema';
import { Hono } from 'hono';
import { z } from 'zod';
import type { Services } from '../../../services';
import { readQuery } from '../request-input';
import type { RestEnv } from '../rest-env';

const getQuery = z
  .object({ include: listParamSchema(['hmac_key', 'webhook_signing_key']).optional() })
  .strict();

export function environmentRoutes(services: Services) {
  const { environmentSettings } = services;
  return new Hono<RestEnv>({ strict: false })
    .get('/environment', async (c) => {
      const { include = [] } = readQuery(c, getQuery);
      return c.json({
        data: await environmentSettings.get(c.get('auth'), {
          includeHmacKey: include.includes('hmac_key'),
          includeWebhookSigningKey: include.includes('webhook_signing_key'),
        }),
      });
    })
    .patch('/environment', async (c) => {
      return c.json({ data: await environmentSettings.update(c.get('auth'), c.get('body')) });
    })
    .patch('/environment/webhook', async (c) => {
      return c.json({ data: await environmentSettings.updateWebhook(c.get('auth'), c.get('body')) });
    })
    .post('/environment/webhook-signing-key/rotate', async (c) => {
      return c.json({ data: await environmentSettings.rotateWebhookSigningKey(c.get('auth')) });
    });
}
