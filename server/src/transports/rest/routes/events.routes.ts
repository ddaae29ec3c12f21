/**
 * `GET /events`: auth events after a cursor, as a JSON page, or as a Server-Sent Events stream when the client asks
 * for `text/event-stream` (the stream resumes from `Last-Event-ID`, as EventSource sends it on reconnection).
 */
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import type { Services } from '../../../services';
import { readQuery, validate } from '../request-input';
import type { RestEnv } from '../rest-env';

export const cursorSchema = z.string().regex(/^\d{1,18}$/, 'must be an event id (digits)');

const eventsQuery = z
  .object({
    after: cursorSchema.optional(),
    limit: z.coerce.number().int().min(1).max(1000).optional(),
  })
  .strict();

/** Proxies and load balancers close connections that stay silent; a comment line every 15 s keeps them open. */
const HEARTBEAT_MS = 15_000;

export function eventRoutes(services: Services) {
  const { events } = services;
  return new Hono<RestEnv>({ strict: false }).get('/events', async (c) => {
    const query = readQuery(c, eventsQuery);
    const auth = c.get('auth');
    if (!(c.req.header('accept') ?? '').includes('text/event-stream')) {
      return c.json(await events.list(auth, { after: query.after ?? '0', limit: query.limit ?? 100 }));
    }
    const lastEventId = c.req.header('last-event-id');
    const resumeFrom =
      lastEventId === undefined ? query.after : validate('invalid_headers', cursorSchema, lastEventId.trim());
    // Resolved before the stream opens, so a missing scope is still an ordinary error response.
    const cursor = await events.streamCursor(auth, resumeFrom);
    return streamSSE(c, async (stream) => {
      // Something to send at once, so clients see the response (and its headers) before the first event.
      await stream.write(': connected\n\n');
      const subscription = events.subscribe(auth, cursor, (event) =>
        stream.writeSSE({ id: event.id, event: 'auth', data: JSON.stringify(event) }),
      );
      stream.onAbort(() => subscription.close());
      const heartbeat = setInterval(() => void stream.write(': heartbeat\n\n'), HEARTBEAT_MS);
      try {
        await subscription.ended;
      } finally {
        clearInterval(heartbeat);
      }
    });
  });
}
