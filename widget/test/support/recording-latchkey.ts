/**
 * A loopback HTTP server that answers the widget's session calls as Latchkey does (`GET /connect/session` with the
 * integrations a test declares; a one-request flow endpoint with `{connectionId, providerConfigKey}`), and records
 * every flow request exactly as it arrived: path, query and JSON body. It refuses a wrong session token and a body
 * that is not JSON, so a test fails when the widget sends those. For the per-mode request shapes, which the real
 * Latchkey of the global setup cannot show (it answers, it does not tell what it received).
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ConnectSessionInfo, SessionIntegration } from '../../src/core/types';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** The parsed JSON body; undefined when none was sent. */
  body: unknown;
  contentType: string | undefined;
}

export interface RecordingLatchkey extends AsyncDisposable {
  url: string;
  token: string;
  /** Flow requests (everything but the session read and its events), in arrival order. */
  requests: RecordedRequest[];
}

const TOKEN = `nango_connect_session_${'a'.repeat(64)}`;

export async function startRecordingLatchkey(
  integrations: SessionIntegration[],
  session: Partial<Omit<ConnectSessionInfo, 'integrations'>> = {},
): Promise<RecordingLatchkey> {
  const requests: RecordedRequest[] = [];
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/connect/session/events') return reply(404, { error: { code: 'not_found' } });
    if (url.pathname === '/connect/session') {
      if (req.headers.authorization !== `Bearer ${TOKEN}`)
        return reply(401, { error: { code: 'unauthorized' } });
      return reply(200, {
        data: {
          endUser: { id: 'user-1' },
          integrations,
          expires_at: new Date(Date.now() + 60_000).toISOString(),
          ...session,
        },
      });
    }
    const text = await readBody(req);
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      return reply(400, { error: { code: 'invalid_body', message: 'not JSON' } });
    }
    requests.push({
      method: req.method ?? '',
      path: url.pathname,
      query: url.searchParams,
      body,
      contentType: req.headers['content-type'],
    });
    if (url.searchParams.get('connect_session_token') !== TOKEN) {
      return reply(401, { error: { code: 'unauthorized', message: 'bad session token' } });
    }
    const key = decodeURIComponent(url.pathname.split('/').pop() ?? '');
    return reply(200, { connectionId: `conn-${requests.length}`, providerConfigKey: key });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token: TOKEN,
    requests,
    async [Symbol.asyncDispose]() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** An integration as `GET /connect/session` lists it, for a fictional provider of the given mode. */
export function sessionIntegration(
  key: string,
  authMode: string,
  fields: Partial<
    Pick<SessionIntegration, 'connection_config' | 'credentials' | 'assertion_option' | 'docs_connect'>
  > = {},
): SessionIntegration {
  return {
    unique_key: key,
    provider: `${key}-provider`,
    display_name: `${key} service`,
    logo: '',
    auth_mode: authMode,
    categories: [],
    docs_connect: null,
    connection_config: {},
    credentials: {},
    ...fields,
  };
}
