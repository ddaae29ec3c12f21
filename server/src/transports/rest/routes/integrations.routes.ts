/** Nango-compatible integration endpoints (compat doc 2.1). */
import {
  createIntegrationInputSchema,
  getIntegrationQuerySchema,
  uniqueKeySchema,
  updateIntegrationInputSchema,
} from '@latchkey/schema';
import { Hono } from 'hono';
import { z } from 'zod';
import type { Services } from '../../../services';
import { readBody, readParam, readQuery } from '../request-input';
import type { RestEnv } from '../rest-env';

const emptyQuery = z.object({}).strict();

export function integrationRoutes(services: Services) {
  const { integrations } = services;
  return new Hono<RestEnv>({ strict: false })
    .get('/integrations', async (c) => {
      readQuery(c, emptyQuery);
      return c.json({ data: await integrations.list(c.get('auth')) });
    })
    .post('/integrations', async (c) => {
      const input = readBody(c, createIntegrationInputSchema);
      return c.json({ data: await integrations.create(c.get('auth'), input) });
    })
    .get('/integrations/:uniqueKey', async (c) => {
      const uniqueKey = readParam(c, 'uniqueKey', uniqueKeySchema);
      const { include } = readQuery(c, getIntegrationQuerySchema);
      return c.json({ data: await integrations.get(c.get('auth'), uniqueKey, include) });
    })
    .patch('/integrations/:uniqueKey', async (c) => {
      const uniqueKey = readParam(c, 'uniqueKey', uniqueKeySchema);
      const input = readBody(c, updateIntegrationInputSchema);
      return c.json({ data: await integrations.update(c.get('auth'), uniqueKey, input) });
    })
    .delete('/integrations/:uniqueKey', async (c) => {
      const uniqueKey = readParam(c, 'uniqueKey', uniqueKeySchema);
      await integrations.delete(c.get('auth'), uniqueKey);
      return c.json({ success: true });
    });
}
