/**
 * Two JWT-authenticated APIs on loopback, each checking the token with `jose` as its real counterpart would:
 * - a CMS admin API (Ghost-like): `Authorization: Ghost <jwt>`, HS256 with the hex-decoded secret of the key whose
 *   id is the header's `kid`, `aud` `/admin/`, at most five minutes between `iat` and `exp`, and the API version in
 *   `accept-version`;
 * - a store API (App Store Connect-like): `Authorization: Bearer <jwt>`, ES256 with the public key named by `kid`,
 *   the key's issuer as `iss`, `aud` `sim-store-v1`, at most twenty minutes of life, `scope` (when sent) an array.
 * Anything else is refused with 401; every request is recorded with the verdict.
 */

import type { KeyObject } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { decodeProtectedHeader, type JWTPayload, jwtVerify } from 'jose';
import { JSON_UTF8, listen, send } from './http';

export const CMS_AUDIENCE = '/admin/';
export const STORE_AUDIENCE = 'sim-store-v1';
export const CMS_API_VERSION = 'v5.0';
/** What every successful posts / apps answer carries, byte for byte (the proxy must pass it through unchanged). */
export const CMS_POSTS_BODY =
  '{"posts":[{"id":"p1","title":"Grüße, \\"world\\""}],"meta":{"pagination":{"page":1}}}\n';
export const STORE_APPS_BODY = '{ "data": [ { "type": "apps", "id": "6447" } ] }';

export interface CmsAdminKey {
  id: string;
  /** Hex, as Ghost shows it. */
  secret: string;
}

export interface StoreKey {
  kid: string;
  issuer: string;
  publicKey: KeyObject;
}

export interface JwtRequestRecord {
  api: 'cms' | 'store';
  path: string;
  status: number;
  /** Why a request was refused. */
  reason?: string;
  token: string | undefined;
  header?: Record<string, unknown>;
  claims?: JWTPayload;
}

export interface SimulatedJwtApis extends AsyncDisposable {
  url: string;
  requests: JwtRequestRecord[];
  /** A fictional Ghost-like entry (`POST /providers` body) whose API is this server. */
  cmsEntry(name: string): Record<string, unknown>;
  /** A fictional App Store Connect-like entry; `token_expiration_buffer` keeps its tokens fresh for a while. */
  storeEntry(name: string, overrides?: Record<string, unknown>): Record<string, unknown>;
  close(): Promise<void>;
}

const DOCS = 'https://example.com/docs';

export async function startSimulatedJwtApis(options: {
  cmsKeys: CmsAdminKey[];
  storeKeys: StoreKey[];
}): Promise<SimulatedJwtApis> {
  const requests: JwtRequestRecord[] = [];

  async function verifyCms(req: IncomingMessage, path: string): Promise<JwtRequestRecord> {
    const token = scheme(req, 'Ghost');
    const record: JwtRequestRecord = { api: 'cms', path, status: 401, token };
    if (token === undefined) return { ...record, reason: 'no Ghost authorization' };
    if (req.headers['accept-version'] !== CMS_API_VERSION)
      return { ...record, reason: 'wrong accept-version' };
    const header = safeHeader(token);
    const key = options.cmsKeys.find((k) => k.id === header?.kid);
    if (key === undefined) return { ...record, header, reason: 'unknown kid' };
    try {
      const { payload, protectedHeader } = await jwtVerify(token, Buffer.from(key.secret, 'hex'), {
        algorithms: ['HS256'],
        audience: CMS_AUDIENCE,
        typ: 'JWT',
        requiredClaims: ['iat', 'exp'],
      });
      if (payload.exp! - payload.iat! > 5 * 60) return { ...record, header, reason: 'token lives too long' };
      return { ...record, status: 200, header: protectedHeader as Record<string, unknown>, claims: payload };
    } catch (error) {
      return { ...record, header, reason: (error as Error).message };
    }
  }

  async function verifyStore(req: IncomingMessage, path: string): Promise<JwtRequestRecord> {
    const token = scheme(req, 'Bearer');
    const record: JwtRequestRecord = { api: 'store', path, status: 401, token };
    if (token === undefined) return { ...record, reason: 'no Bearer authorization' };
    const header = safeHeader(token);
    const key = options.storeKeys.find((k) => k.kid === header?.kid);
    if (key === undefined) return { ...record, header, reason: 'unknown kid' };
    try {
      const { payload, protectedHeader } = await jwtVerify(token, key.publicKey, {
        algorithms: ['ES256'],
        audience: STORE_AUDIENCE,
        issuer: key.issuer,
        requiredClaims: ['iat', 'exp'],
      });
      if (payload.exp! - payload.iat! > 20 * 60) return { ...record, header, reason: 'token lives too long' };
      if (payload.scope !== undefined && !Array.isArray(payload.scope)) {
        return { ...record, header, reason: 'scope must be an array' };
      }
      return { ...record, status: 200, header: protectedHeader as Record<string, unknown>, claims: payload };
    } catch (error) {
      return { ...record, header, reason: (error as Error).message };
    }
  }

  async function answer(req: IncomingMessage): Promise<[number, string]> {
    // Base URLs and endpoints are joined by the caller; collapse doubled slashes as real servers do.
    const path = new URL(req.url ?? '/', 'http://jwt.invalid').pathname.replace(/\/{2,}/g, '/');
    const api = path.startsWith('/cms/admin/') ? 'cms' : path.startsWith('/store/v1/') ? 'store' : undefined;
    if (api === undefined || req.method !== 'GET') return [404, '{"error":"not found"}'];
    const record = api === 'cms' ? await verifyCms(req, path) : await verifyStore(req, path);
    requests.push(record);
    if (record.status !== 200) return [401, JSON.stringify({ errors: [{ message: 'Unauthorized' }] })];
    if (path === '/cms/admin/users/') return [200, '{"users":[{"id":"u1","role":"Owner"}]}'];
    if (path === '/cms/admin/posts/') return [200, CMS_POSTS_BODY];
    if (path === '/store/v1/apps') return [200, STORE_APPS_BODY];
    return [404, '{"error":"not found"}'];
  }

  const server = await listen(async (req, res) => {
    const [status, body] = await answer(req);
    send(res, status, body, JSON_UTF8);
  });
  const { url } = server;

  return {
    url,
    requests,
    cmsEntry: (name) => ({
      name,
      display_name: 'Simulated CMS (Admin API)',
      docs: DOCS,
      auth_mode: 'JWT',
      connection_config: {
        version: {
          type: 'string',
          title: 'API version',
          description: 'The Admin API version to call',
          pattern: '^v\\d+\\.\\d+$',
        },
      },
      credentials: {
        privateKey: {
          type: 'string',
          title: 'Admin API key',
          description: 'The key shown as id:secret',
          secret: true,
        },
      },
      proxy: {
        base_url: `${url}/cms/admin/`,
        headers: {
          accept: 'application/json',
          'accept-version': '${connectionConfig.version}',
          authorization: 'Ghost ${accessToken}',
        },
        verification: { method: 'GET', endpoints: ['/users/'] },
      },
      signature: { protocol: 'HMAC' },
      token: {
        expires_in_ms: 300_000,
        header: { alg: 'HS256', kid: '${credentials.privateKey.id}' },
        payload: { aud: CMS_AUDIENCE },
        signing_key: '${credentials.privateKey.secret}',
      },
    }),
    storeEntry: (name, overrides = {}) => ({
      name,
      display_name: 'Simulated Store (Connect API)',
      docs: DOCS,
      auth_mode: 'JWT',
      token_expiration_buffer: 60,
      connection_config: {
        scope: {
          type: 'string',
          title: 'Scope',
          description: 'Restricts the token to some requests',
          // A pattern that admits spaces: Latchkey refuses whitespace in a declared field without one.
          pattern: '^[A-Z]+ /\\S+(, ?[A-Z]+ /\\S+)*$',
          optional: true,
        },
      },
      credentials: {
        issuerId: { type: 'string', title: 'Issuer ID', description: 'Your issuer' },
        privateKeyId: { type: 'string', title: 'Key ID', description: 'Your key id' },
        privateKey: { type: 'string', title: 'Private key', description: 'Your .p8 key', secret: true },
      },
      proxy: { base_url: `${url}/store`, verification: { method: 'GET', endpoints: ['/v1/apps'] } },
      signature: { protocol: 'EC' },
      token: {
        expires_in_ms: 1_200_000,
        header: { alg: 'ES256', kid: '${credentials.privateKeyId}', typ: 'JWT' },
        payload: {
          iss: '${credentials.issuerId}',
          aud: STORE_AUDIENCE,
          scope: ['${connectionConfig.scope}'],
        },
        signing_key: '${credentials.privateKey}',
      },
      ...overrides,
    }),
    close: server.close,
    [Symbol.asyncDispose]: server.close,
  };
}

function scheme(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers.authorization;
  return value?.startsWith(`${name} `) ? value.slice(name.length + 1) : undefined;
}

function safeHeader(token: string): Record<string, unknown> | undefined {
  try {
    return decodeProtectedHeader(token) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
