/**
 * A webhook receiver on loopback for delivery tests. It records every request with the answer it gave, and answers
 * as `behaviour` says: a status (with headers), or `hang` (never answer, to make the sender time out). By default,
 * `/status/<code>` answers that code and anything else 200.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ReceivedWebhook {
  path: string;
  /** Lower-case names, as Node gives them. */
  headers: Record<string, string>;
  /** The raw body, exactly as sent. */
  body: string;
  /** The status answered; 0 when the request was left hanging. */
  status: number;
  receivedAt: number;
}

export type ReceiverAnswer = { status: number; headers?: Record<string, string>; delayMs?: number } | 'hang';

export interface WebhookReceiver extends AsyncDisposable {
  url: string;
  requests: ReceivedWebhook[];
  /** Requests answered 2xx. */
  accepted(): ReceivedWebhook[];
  behaviour: (request: ReceivedWebhook, index: number) => ReceiverAnswer;
  close(): Promise<void>;
}

export function defaultAnswer(request: ReceivedWebhook): ReceiverAnswer {
  const match = /^\/status\/(\d{3})/.exec(request.path);
  return { status: match ? Number(match[1]) : 200 };
}

/** `port`: listen there (a receiver brought back after an outage keeps its URL); default: a free port. */
export async function startWebhookReceiver(options: { port?: number } = {}): Promise<WebhookReceiver> {
  const sockets = new Set<Socket>();
  const receiver: WebhookReceiver = {
    url: '',
    requests: [],
    accepted: () => receiver.requests.filter((request) => request.status >= 200 && request.status < 300),
    behaviour: defaultAnswer,
    close: () => stop(),
    [Symbol.asyncDispose]: () => stop(),
  };

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: ReceivedWebhook = {
        path: req.url ?? '/',
        headers: Object.fromEntries(
          Object.entries(req.headers).map(([name, value]) => [
            name,
            Array.isArray(value) ? value.join(', ') : (value ?? ''),
          ]),
        ),
        body: Buffer.concat(chunks).toString('utf8'),
        status: 0,
        receivedAt: Date.now(),
      };
      const index = receiver.requests.push(request) - 1;
      const answer = receiver.behaviour(request, index);
      if (answer === 'hang') return;
      const respond = () => {
        request.status = answer.status;
        res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
        res.end(answer.status < 300 ? 'ok' : 'not now');
      };
      if (answer.delayMs === undefined) respond();
      else setTimeout(respond, answer.delayMs);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  let stopping: Promise<void> | undefined;
  function stop(): Promise<void> {
    stopping ??= new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
    return stopping;
  }
  return receiver;
}
