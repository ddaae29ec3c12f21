/** A minimal Server-Sent Events client over fetch, for stream tests: collects events as they arrive. */

export interface SseEvent {
  id: string | undefined;
  event: string | undefined;
  data: string;
}

export interface SseStream {
  status: number;
  contentType: string | null;
  events: SseEvent[];
  /** Comment lines seen (`: …`), heartbeats included. */
  comments: string[];
  /** Settles when the server ends the stream or `close` is called. */
  ended: Promise<void>;
  close(): void;
}

export async function openSse(url: string, headers: Record<string, string>): Promise<SseStream> {
  const controller = new AbortController();
  const response = await fetch(url, {
    headers: { accept: 'text/event-stream', ...headers },
    signal: controller.signal,
  });
  const stream: SseStream = {
    status: response.status,
    contentType: response.headers.get('content-type'),
    events: [],
    comments: [],
    ended: Promise.resolve(),
    close: () => controller.abort(),
  };
  if (response.body === null) return stream;
  stream.ended = read(response.body, stream).catch(() => {});
  return stream;
}

async function read(body: ReadableStream<Uint8Array>, stream: SseStream): Promise<void> {
  const decoder = new TextDecoder();
  let buffer = '';
  // A reader loop rather than `for await`: with the DOM library in the program (pulled in by browser-facing
  // packages), ReadableStream is typed without an async iterator.
  const reader = body.getReader();
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    buffer += decoder.decode(next.value, { stream: true });
    for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      parseBlock(block, stream);
    }
  }
}

function parseBlock(block: string, stream: SseStream): void {
  const event: SseEvent = { id: undefined, event: undefined, data: '' };
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) {
      stream.comments.push(line.slice(1).trim());
      continue;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') event.id = value;
    else if (field === 'event') event.event = value;
    else if (field === 'data') data.push(value);
  }
  if (data.length > 0) stream.events.push({ ...event, data: data.join('\n') });
}
