/**
 * Auth events for API callers: a page after a cursor (`GET /events`), or a live stream that starts after one (SSE
 * today, GraphQL and tRPC subscriptions later). Both read the outbox; the stream adds the event bus's wake-ups.
 */
import { type AuthContext, requireScope } from '../auth/auth-context';
import type { Db } from '../platform/database/database';
import { latestAuthEventId, listAuthEventsAfter } from './auth-event.repository';
import type { AuthEventPayload, AuthEventRow } from './auth-event.table';
import type { EventBus, EventSubscription } from './event-bus';
import { createSessionEvents, type SessionEvents } from './session-events';

/** Nango's webhook body, with our cursor (`id`) and the commit time. */
export type AuthEventView = { id: string; created_at: string } & AuthEventPayload;

export interface EventPage {
  data: AuthEventView[];
  /** Pass back as `after` to continue; equals the given cursor when the page is empty. */
  next_cursor: string;
}

/** Also a connect session's own events (`session-events.ts`), for the widget and the hosted page. */
export interface EventService extends SessionEvents {
  list(auth: AuthContext, options: { after: string; limit: number }): Promise<EventPage>;
  /** The cursor a stream starts after: the one given, or the newest event's (live events only) when none is. */
  streamCursor(auth: AuthContext, after: string | undefined): Promise<string>;
  subscribe(
    auth: AuthContext,
    after: string,
    onEvent: (event: AuthEventView) => void | Promise<void>,
  ): EventSubscription;
}

export function createEventService(deps: { db: Db; bus: EventBus }): EventService {
  const { db, bus } = deps;
  return {
    ...createSessionEvents(deps),

    async list(auth, { after, limit }) {
      requireScope(auth, 'environment:connections:read');
      const rows = await listAuthEventsAfter(db, { environmentId: auth.environment.id }, after, limit);
      return { data: rows.map(toView), next_cursor: rows.at(-1)?.id ?? after };
    },

    async streamCursor(auth, after) {
      requireScope(auth, 'environment:connections:read');
      return after ?? (await latestAuthEventId(db, auth.environment.id));
    },

    subscribe(auth, after, onEvent) {
      requireScope(auth, 'environment:connections:read');
      return bus.subscribe(auth.environment.id, after, (row) => onEvent(toView(row)));
    },
  };
}

export function toView(row: AuthEventRow): AuthEventView {
  return { id: String(row.id), created_at: row.created_at.toISOString(), ...row.payload };
}
