/** Connect sessions (compat doc 2.5): created by the app's backend, read and ended with the session token itself. */
import { createConnectSessionInputSchema, createReconnectSessionInputSchema } from '@latchkey/schema';
import { Hono } from 'hono';
import { z } from 'zod';
import type { Services } from '../../../services';
import { bearerToken } from '../middleware/secret-key-auth';
import { readBody, readQuery } from '../request-input';
import type { RestEnv } from '../rest-env';
import { sessionBrowser } from '../session-browser';

const emptyQuery = z.object({}).strict();

export function connectSessionRoutes(services: Services) {
  const { connectSessions } = services;
  return new Hono<RestEnv>({ strict: false })
    .post('/connect/sessions', async (c) => {
      readQuery(c, emptyQuery);
      const input = readBody(c, createConnectSessionInputSchema);
      return c.json({ data: await connectSessions.create(c.get('auth'), input) }, 201);
    })
    .post('/connect/sessions/reconnect', async (c) => {
      readQuery(c, emptyQuery);
      const input = readBody(c, createReconnectSessionInputSchema);
      return c.json({ data: await connectSessions.createReconnect(c.get('auth'), input) }, 201);
    });
}

/** `GET/DELETE /connect/session`: authenticated by the session token as the Bearer value. */
export function connectSessionSelfRoutes(services: Services) {
  return new Hono<RestEnv>({ strict: false })
    .get('/connect/session', async (c) => {
      const session = await services.connectSessions.authenticate(bearerToken(c), sessionBrowser(c));
      return c.json({ data: await services.connectUi.describeSession(session) });
    })
    .delete('/connect/session', async (c) => {
      const session = await services.connectSessions.authenticate(bearerToken(c), sessionBrowser(c));
      await services.connectSessions.delete(session);
      return c.body(null, 204);
    });
}
