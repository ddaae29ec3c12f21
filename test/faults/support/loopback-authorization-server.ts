/**
 * A minimal OAuth 2.0 authorization server on loopback whose token endpoint a drill controls: `/authorize` hands back
 * a one-time code at once (no login), and `/token` either answers or holds the request open until released or until
 * the client goes away, which makes "killed during the token exchange" a moment the drill chooses.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface TokenRequest {
  form: URLSearchParams;
  /** How it ended: answered with tokens, refused (a spent or unknown code), or the client went away while held. */
  outcome: 'pending' | 'answered' | 'refused' | 'client_gone';
}

export interface LoopbackAuthorizationServer extends AsyncDisposable {
  url: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  /** Every token request received, in order. */
  tokenRequests: TokenRequest[];
  /** While true, token requests are held open (not answered) until `releaseHeld()`. */
  holdTokenRequests: boolean;
  /** Resolves when the next token request arrives (held or not). */
  nextTokenRequest(): Promise<TokenRequest>;
  /** Answers every held request now. */
  releaseHeld(): void;
  /** The access token this server issues for a code. */
  accessTokenFor(code: string): string;
  close(): Promise<void>;
}

export async function startLoopbackAuthorizationServer(): Promise<LoopbackAuthorizationServer> {
  const issued = new Set<string>();
  const spent = new Set<string>();
  const held: Array<() => void> = [];
  const waiters: Array<(request: TokenRequest) => void> = [];
  const sockets = new Set<Socket>();

  const accessTokenFor = (code: string) => `at-${code}`;

  function answerToken(request: TokenRequest, res: ServerResponse): void {
    if (request.outcome !== 'pending') return;
    const code = request.form.get('code') ?? '';
    if (request.form.get('grant_type') !== 'authorization_code' || !issued.has(code) || spent.has(code)) {
      request.outcome = 'refused';
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'invalid_grant', error_description: 'unknown or spent code' }));
      return;
    }
    spent.add(code);
    request.outcome = 'answered';
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(
      JSON.stringify({
        access_token: accessTokenFor(code),
        refresh_token: `rt-${code}`,
        token_type: 'Bearer',
        expires_in: 3600,
      }),
    );
  }

  function handle(req: IncomingMessage, res: ServerResponse, body: string): void {
    const url = new URL(req.url ?? '/', server.url);
    if (req.method === 'GET' && url.pathname === '/authorize') {
      const redirectUri = url.searchParams.get('redirect_uri');
      const state = url.searchParams.get('state');
      if (!redirectUri || !state) {
        res.writeHead(400).end('redirect_uri and state are required');
        return;
      }
      const code = randomBytes(16).toString('hex');
      issued.add(code);
      const back = new URL(redirectUri);
      back.searchParams.set('code', code);
      back.searchParams.set('state', state);
      res.writeHead(302, { location: back.href }).end();
      return;
    }
    if (req.method === 'POST' && url.pathname === '/token') {
      const request: TokenRequest = { form: new URLSearchParams(body), outcome: 'pending' };
      server.tokenRequests.push(request);
      for (const wake of waiters.splice(0)) wake(request);
      if (!server.holdTokenRequests) {
        answerToken(request, res);
        return;
      }
      res.once('close', () => {
        if (request.outcome === 'pending') request.outcome = 'client_gone';
      });
      held.push(() => answerToken(request, res));
      return;
    }
    res.writeHead(404).end();
  }

  const http = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  http.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      http.close(() => resolve());
    });
    return closing;
  };
  const server: LoopbackAuthorizationServer = {
    url,
    authorizationEndpoint: `${url}/authorize`,
    tokenEndpoint: `${url}/token`,
    tokenRequests: [],
    holdTokenRequests: false,
    nextTokenRequest: () => new Promise((resolve) => waiters.push(resolve)),
    releaseHeld() {
      for (const answer of held.splice(0)) answer();
    },
    accessTokenFor,
    close,
    [Symbol.asyncDispose]: close,
  };
  return server;
}
