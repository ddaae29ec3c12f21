/**
 * The second result channel: the session's auth events over SSE (`GET /connect/session/events`). Read with fetch
 * streaming because EventSource cannot send the Authorization header. When the opener is isolated by COOP the popup's
 * postMessage never arrives; the event that the connection was created still does.
 */

/** The fields of an auth event the widget looks at (the full event is Nango's auth webhook body plus `id`). */
export interface SessionAuthEvent {
  id: string;
  connectionId: string;
  providerConfigKey: string;
  operation: 'creation' | 'override' | 'refresh' | 'deletion';
  success: boolean;
  error?: { type: string; description: string };
}

const MAX_ATTEMPTS = 5;

/** Streams the session's events to `onEvent` until the returned function is called; reconnects after drops. */
export function subscribeSessionEvents(
  baseUrl: string,
  sessionToken: string,
  onEvent: (event: SessionAuthEvent) => void,
): () => void {
  const controller = new AbortController();
  let cursor: string | undefined;

  const readOnce = async (): Promise<boolean> => {
    const response = await fetch(
      `${baseUrl}/connect/session/events${cursor === undefined ? '' : `?after=${encodeURIComponent(cursor)}`}`,
      {
        headers: { authorization: `Bearer ${sessionToken}`, accept: 'text/event-stream' },
        // The binding cookie of a session bound to this browser, as every widget call to Latchkey (http.ts).
        credentials: 'include',
        signal: controller.signal,
      },
    );
    // No stream here (an older server, an expired session): the popup channel is all there is.
    if (!response.ok || response.body === null) return false;
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return true;
      buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const frame = parseFrame(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        if (frame.id !== undefined) cursor = frame.id;
        if (frame.data !== undefined) {
          try {
            onEvent(JSON.parse(frame.data) as SessionAuthEvent);
          } catch {
            // a frame that is not JSON is not an event
          }
        }
        end = buffer.indexOf('\n\n');
      }
    }
  };

  void (async () => {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS && !controller.signal.aborted; attempt++) {
      try {
        if (!(await readOnce())) return;
      } catch {
        if (controller.signal.aborted) return;
      }
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
  })();
  return () => controller.abort();
}

/** One SSE frame: `data:` lines joined by newlines, the last `id:`; comments (`: ping`) ignored. */
export function parseFrame(frame: string): { id?: string; data?: string } {
  const data: string[] = [];
  let id: string | undefined;
  for (const line of frame.split('\n')) {
    const colon = line.indexOf(':');
    if (colon === 0) continue;
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'data') data.push(value);
    else if (field === 'id') id = value;
  }
  return { ...(id === undefined ? {} : { id }), ...(data.length > 0 ? { data: data.join('\n') } : {}) };
}
