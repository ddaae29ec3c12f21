/**
 * One connect session's auth events, for the holder of its token (the widget, the hosted page): the events its own
 * flows wrote, as a page or live. The widget listens while a flow is pending, so a result still arrives when the
 * popup could not post it back (COOP, a lost opener). A stream ends when the session expires.
 */
import type { ConnectSession } from '../connect-sessions/connect-session.service';
import type { Db } from '../platform/database/database';
import { latestAuthEventId, listAuthEventsAfter } from './auth-event.repository';
import { type AuthEventView, type EventPage, toView } from './event.service';
import type { EventBus, EventSubscription } from './event-bus';

/** setTimeout's ceiling; a session living longer than this is re-checked then (it never does at today's TTLs). */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface SessionEvents {
  listForSession(session: ConnectSession, options: { after: string; limit: number }): Promise<EventPage>;
  /** The cursor a session stream starts after: the one given, or the environment's newest event's when none is. */
  sessionStreamCursor(session: ConnectSession, after: string | undefined): Promise<string>;
  /**
   * This session's events with an id above `after` (or, when absent, written after this call), stored ones first,
   * then live ones. Ends when the session expires, when closed, or when `onEvent` throws.
   */
  subscribeForSession(
    session: ConnectSession,
    after: string | undefined,
    onEvent: (event: AuthEventView) => void | Promise<void>,
  ): EventSubscription;
}

export function createSessionEvents(deps: { db: Db; bus: EventBus }): SessionEvents {
  const { db, bus } = deps;
  const sessionStreamCursor = async (session: ConnectSession, after: string | undefined) =>
    after ?? (await latestAuthEventId(db, session.environment.id));
  return {
    async listForSession(session, { after, limit }) {
      const rows = await listAuthEventsAfter(db, { connectSessionId: session.id }, after, limit);
      return { data: rows.map(toView), next_cursor: rows.at(-1)?.id ?? after };
    },

    sessionStreamCursor,

    subscribeForSession(session, after, onEvent) {
      let inner: EventSubscription | undefined;
      let closed = false;
      let markEnded!: () => void;
      const ended = new Promise<void>((resolve) => (markEnded = resolve));
      const finish = () => {
        closed = true;
        clearTimeout(expiry);
        markEnded();
      };
      const close = () => {
        if (closed) return;
        if (inner === undefined) finish();
        else inner.close();
      };
      const expiry = setTimeout(close, Math.min(MAX_TIMER_MS, session.expiresAt.getTime() - Date.now()));
      expiry.unref();

      const start = (cursor: string) => {
        if (closed) return;
        // The bus reads the environment's outbox; only this session's rows go on.
        inner = bus.subscribe(session.environment.id, cursor, (row) =>
          row.connect_session_id === session.id ? onEvent(toView(row)) : undefined,
        );
        void inner.ended.then(finish);
      };
      if (after !== undefined) start(after);
      else sessionStreamCursor(session, undefined).then(start, finish);
      return { close, ended };
    },
  };
}
