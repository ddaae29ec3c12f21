/**
 * `GET /connect/session/events`: the auth events of the flows of one connect session, for the holder of its token
 * (Bearer). A JSON page, or a Server-Sent Events stream when asked for `text/event-stream` — the widget's second
 * channel, read with fetch streaming since EventSource cannot send the header. A stream without a cursor starts with
 * the events written after it opened.
 */
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import type { Services } from '../../../services';
import { bearerToken } from '../middleware/secret-key-auth';
import { readQuery, validate } from '../request-input';
import type { RestEnv } from '../rest-env';
import { sessionBrowser } from '../session-browser';
import { cursorSchema } from './events.routes';

const sessionEventsQuery = z
  .object({
    after: cursorSchema.optional(),
    limit: z.coerce.number().int().min(1).max(100).optional(),
  })
  .strict();

/** Proxies close silent connections; the widget's contract says a ping comment every 15 s. */
const PING_MS = 15_000;

export function connectSessionEventRoutes(services: Services) {
  const { connectSessions, events } = services;
  return new Hono<RestEnv>({ strict: false }).get('/connect/session/events', async (c) => {
    const session = await connectSessions.authenticate(bearerToken(c), sessionBrowser(c));
    const query = readQuery(c, sessionEventsQuery);
    if (!(c.req.header('accept') ?? '').includes('text/event-stream')) {
      return c.json(
        await events.listForSession(session, { after: query.after ?? '0', limit: query.limit ?? 100 }),
      );
    }
    const lastEventId = c.req.header('last-event-id');
    const resumeFrom =
      lastEventId === undefined ? query.after : validate('invalid_headers', cursorSchema, lastEventId.trim());
    // Fixed before the response starts: events committed while it opens are not lost.
    const cursor = await events.sessionStreamCursor(session, resumeFrom);
    return streamSSE(c, async (stream) => {
      await stream.write(': connected\n\n');
      const subscription = events.subscribeForSession(session, cursor, (event) =>
        stream.writeSSE({ id: event.id, event: 'auth', data: JSON.stringify(event) }),
      );
      stream.onAbort(() => subscription.close());
      const ping = setInterval(() => void stream.write(': ping\n\n'), PING_MS);
      try {
        await subscription.ended;
      } finally {
        clearInterval(ping);
      }
    });
  });
}
