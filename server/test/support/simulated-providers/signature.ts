/**
 * A WSSE-authenticated API on loopback (Emarsys-like): every `GET /api/v2/*` must carry `X-WSSE: UsernameToken
 * Username="…", PasswordDigest="…", Nonce="…", Created="…"` for a known user, with the digest recomputed here
 * (base64 of the hex SHA-1 of nonce + created + password), `Created` within the last five minutes (and not ahead),
 * and a nonce never seen before. Anything else is refused with 401; every request is recorded with the verdict.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { listen, send } from './http';

export const WSSE_CONTACTS_BODY =
  '{"replyCode":0,"replyText":"OK","data":{"contacts":[{"id":"77","3":"ada@example.com"}]}}';
const MAX_AGE_MS = 5 * 60_000;
const MAX_SKEW_MS = 60_000;

export interface WsseUser {
  username: string;
  password: string;
}

export interface WsseRequestRecord {
  path: string;
  status: number;
  reason?: string;
  wsse: string | undefined;
  username?: string;
  nonce?: string;
  created?: string;
}

export interface SimulatedWsseApi extends AsyncDisposable {
  url: string;
  requests: WsseRequestRecord[];
  /** A fictional Emarsys-like entry (`POST /providers` body) whose API is this server. */
  entry(name: string): Record<string, unknown>;
  close(): Promise<void>;
}

export async function startSimulatedWsseApi(options: { users: WsseUser[] }): Promise<SimulatedWsseApi> {
  const requests: WsseRequestRecord[] = [];
  const seenNonces = new Set<string>();

  function verify(req: IncomingMessage, path: string): WsseRequestRecord {
    const wsse = typeof req.headers['x-wsse'] === 'string' ? req.headers['x-wsse'] : undefined;
    const record: WsseRequestRecord = { path, status: 401, wsse };
    const parts = wsse === undefined ? undefined : parseUsernameToken(wsse);
    if (parts === undefined) return { ...record, reason: 'no UsernameToken' };
    const { Username: username, PasswordDigest: digest, Nonce: nonce, Created: created } = parts;
    const seen = { ...record, username, nonce, created };
    const user = options.users.find((u) => u.username === username);
    if (user === undefined) return { ...seen, reason: 'unknown user' };
    const expected = Buffer.from(
      createHash('sha1').update(`${nonce}${created}${user.password}`).digest('hex'),
    ).toString('base64');
    if (digest.length !== expected.length || !timingSafeEqual(Buffer.from(digest), Buffer.from(expected))) {
      return { ...seen, reason: 'wrong digest' };
    }
    const age = Date.now() - Date.parse(created);
    if (Number.isNaN(age) || age > MAX_AGE_MS || age < -MAX_SKEW_MS)
      return { ...seen, reason: 'stale Created' };
    if (seenNonces.has(nonce)) return { ...seen, reason: 'replayed nonce' };
    seenNonces.add(nonce);
    return { ...seen, status: 200 };
  }

  function answer(req: IncomingMessage): [number, string] {
    const path = new URL(req.url ?? '/', 'http://wsse.invalid').pathname.replace(/\/{2,}/g, '/');
    if (req.method !== 'GET' || !path.startsWith('/api/v2/')) return [404, '{"error":"not found"}'];
    const record = verify(req, path);
    requests.push(record);
    if (record.status !== 200) return [401, '{"replyCode":1,"replyText":"Unauthorized"}'];
    if (path === '/api/v2/settings') return [200, '{"replyCode":0,"data":{"id":1}}'];
    if (path === '/api/v2/contacts') return [200, WSSE_CONTACTS_BODY];
    return [404, '{"replyCode":1,"replyText":"Not found"}'];
  }

  const server = await listen((req, res) => send(res, ...answer(req)));
  const { url } = server;
  return {
    url,
    requests,
    entry: (name) => ({
      name,
      display_name: 'Simulated Marketing API (WSSE)',
      docs: 'https://example.com/docs',
      auth_mode: 'SIGNATURE',
      credentials: {
        username: { type: 'string', title: 'User', description: 'Your WSSE user name' },
        password: { type: 'string', title: 'Secret', description: 'Your WSSE secret', secret: true },
      },
      proxy: {
        base_url: url,
        headers: { 'content-type': 'application/json', 'x-wsse': '${accessToken}' },
        verification: { method: 'GET', endpoints: ['/api/v2/settings'] },
      },
      signature: { protocol: 'WSSE' },
      token: { expires_in_ms: 300_000 },
    }),
    close: server.close,
    [Symbol.asyncDispose]: server.close,
  };
}

/** `UsernameToken A="…", B="…"` → `{ A, B }`; undefined unless all four parts are there. */
function parseUsernameToken(
  value: string,
): { Username: string; PasswordDigest: string; Nonce: string; Created: string } | undefined {
  if (!value.startsWith('UsernameToken ')) return undefined;
  const parts: Record<string, string> = {};
  for (const match of value.slice('UsernameToken '.length).matchAll(/(\w+)="([^"]*)"/g)) {
    parts[match[1]!] = match[2]!;
  }
  const { Username, PasswordDigest, Nonce, Created } = parts;
  if (
    Username === undefined ||
    PasswordDigest === undefined ||
    Nonce === undefined ||
    Created === undefined
  ) {
    return undefined;
  }
  return { Username, PasswordDigest, Nonce, Created };
}
