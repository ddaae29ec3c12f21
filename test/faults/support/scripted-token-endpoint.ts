/**
 * OAuth 2.0 token endpoints on loopback whose answers a drill scripts per path: `/<name>/token` answers a refresh grant
 * at once, after a delay, never (the request is held until the client gives up), or refuses it. Every request is
 * recorded with when it arrived and how it ended, so a drill can tell "cut by the client's timeout" from "answered".
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** `refuse`: 400 `invalid_request` at once (a refresh failure that is not a revoked grant). */
export type TokenBehaviour = 'answer' | 'hang' | 'refuse' | { delayMs: number };

export interface RecordedTokenRequest {
  /** The `<name>` of `/<name>/token`. */
  endpoint: string;
  form: URLSearchParams;
  receivedAt: number;
  /** Set when the request ended: answered by us, or closed by the client (its timeout). */
  endedAt: number | undefined;
  outcome: 'pending' | 'answered' | 'refused' | 'client_gone';
  /** The access token answered, when answered. */
  accessToken: string | undefined;
}

export interface ScriptedTokenEndpoints extends AsyncDisposable {
  url: string;
  /** The token URL of endpoint `name`. */
  tokenUrl(name: string): string;
  /** How endpoint `name` answers from now on (default `answer`). */
  script(name: string, behaviour: TokenBehaviour): void;
  requests: RecordedTokenRequest[];
  /** Requests of one endpoint. */
  requestsTo(name: string): RecordedTokenRequest[];
  /**
   * Resolves once `predicate` holds for the recorded requests (checked on every arrival and ending); fails after
   * `timeoutMs` (default 30 s) with the requests so far.
   */
  until(predicate: (requests: RecordedTokenRequest[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** Seconds the answered access tokens live. */
const EXPIRES_IN = 3600;

export async function startScriptedTokenEndpoints(): Promise<ScriptedTokenEndpoints> {
  const behaviours = new Map<string, TokenBehaviour>();
  const watchers = new Set<() => void>();
  let issued = 0;
  const changed = () => {
    for (const watcher of [...watchers]) watcher();
  };

  function answer(request: RecordedTokenRequest, res: ServerResponse): void {
    if (request.outcome !== 'pending') return;
    issued += 1;
    request.outcome = 'answered';
    request.endedAt = Date.now();
    request.accessToken = `at-${request.endpoint}-${issued}`;
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(
      JSON.stringify({
        access_token: request.accessToken,
        refresh_token: request.form.get('refresh_token') ?? `rt-${issued}`,
        token_type: 'Bearer',
        expires_in: EXPIRES_IN,
      }),
    );
    changed();
  }

  function refuse(request: RecordedTokenRequest, res: ServerResponse): void {
    request.outcome = 'refused';
    request.endedAt = Date.now();
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: 'invalid_request', error_description: 'scripted refusal' }));
    changed();
  }

  function handle(req: IncomingMessage, res: ServerResponse, body: string): void {
    const match = /^\/([\w-]+)\/token$/.exec(new URL(req.url ?? '/', 'http://x').pathname);
    if (req.method !== 'POST' || match === null) {
      res.writeHead(404).end();
      return;
    }
    const request: RecordedTokenRequest = {
      endpoint: match[1]!,
      form: new URLSearchParams(body),
      receivedAt: Date.now(),
      endedAt: undefined,
      outcome: 'pending',
      accessToken: undefined,
    };
    endpoints.requests.push(request);
    res.once('close', () => {
      if (request.outcome !== 'pending') return;
      request.outcome = 'client_gone';
      request.endedAt = Date.now();
      changed();
    });
    changed();
    const behaviour = behaviours.get(request.endpoint) ?? 'answer';
    if (behaviour === 'answer') answer(request, res);
    else if (behaviour === 'refuse') refuse(request, res);
    else if (behaviour !== 'hang') setTimeout(() => answer(request, res), behaviour.delayMs);
  }

  const http = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= new Promise<void>((resolve) => {
      http.close(() => resolve());
      // Held requests included.
      http.closeAllConnections();
    });
    return closing;
  };
  const endpoints: ScriptedTokenEndpoints = {
    url,
    tokenUrl: (name) => `${url}/${name}/token`,
    script: (name, behaviour) => behaviours.set(name, behaviour),
    requests: [],
    requestsTo: (name) => endpoints.requests.filter((request) => request.endpoint === name),
    until: (predicate, timeoutMs = 30_000) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          watchers.delete(check);
          const seen = endpoints.requests.map((r) => `${r.endpoint}:${r.outcome}`).join(', ');
          reject(new Error(`token requests did not reach the expected state in ${timeoutMs} ms: ${seen}`));
        }, timeoutMs);
        const check = () => {
          if (!predicate(endpoints.requests)) return;
          watchers.delete(check);
          clearTimeout(timer);
          resolve();
        };
        watchers.add(check);
        check();
      }),
    close,
    [Symbol.asyncDispose]: close,
  };
  return endpoints;
}
