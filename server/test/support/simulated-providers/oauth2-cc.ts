/**
 * A provider on loopback that issues tokens by the client credentials grant, as fictional OAUTH2_CC entries declare:
 * - `POST /tokens/<auth>-<format>[-tenanted]`: `auth` is how the client must authenticate (`body`: client_id and
 *   client_secret in the body; `basic`: a Basic header with the raw id and secret, nothing in the body; `custom`:
 *   username and password in the body; `jwt`: an RS256 client assertion (RFC 7523) signed with the client's JWK,
 *   audience the token URL); `format` is where the parameters are (`form`, `json`, or `query` with no body).
 *   `tenanted` endpoints also want the end user's declared credentials: `audience` among the parameters and the
 *   tenant in the `x-tenant` header, both exactly the client's. Every request must say `grant_type=client_credentials`.
 * - `GET /api/*`: answers a fixed JSON body only to `Authorization: Bearer <the newest token>`.
 * Each token issued ends the previous one, and lives `expiresIn` seconds.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { exportJWK, generateKeyPair, type JWK, jwtVerify } from 'jose';
import { hex, JSON_UTF8, json, listen, parseJsonObject, readBody, send } from './http';

export interface CcClient {
  clientId: string;
  clientSecret: string;
  /** The declared credential `audience` a tenanted endpoint wants in the parameters. */
  audience: string;
  /** The declared credential `tenant` a tenanted endpoint wants in `x-tenant`. */
  tenant: string;
  /** The client's private RSA JWK (JSON) for `jwt` endpoints. */
  privateJwk: string;
}

export interface CcTokenRequest {
  path: string;
  status: number;
  /** Why the request was refused; undefined when a token was issued. */
  problem: string | undefined;
  contentType: string | undefined;
  authorization: string | undefined;
  /** The parameters as received (body or query). */
  params: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
}

export interface SimulatedClientCredentials extends AsyncDisposable {
  url: string;
  client: CcClient;
  /** Every token request, accepted or not. */
  tokenRequests: CcTokenRequest[];
  /** Tokens issued so far. */
  issued: number;
  /** The only token the API accepts. */
  currentToken: string | undefined;
  /** Lifetime of the next tokens, in seconds (`expires_in`). */
  expiresIn: number;
  /** Every API request, accepted or not. */
  apiRequests: Array<{ path: string; status: number; authorization: string | undefined }>;
  /** The body `GET /api/*` answers, byte for byte. */
  readonly apiBody: string;
  /** A token endpoint URL. */
  tokenUrl(
    auth: 'body' | 'basic' | 'custom' | 'jwt',
    format: 'form' | 'json' | 'query',
    tenanted?: boolean,
  ): string;
  close(): Promise<void>;
}

const API_BODY = '{"items":[{"id":1,"name":"Zoë ünïcode"}],"next":null,"note":"  spaced  "}';
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export async function startSimulatedClientCredentials(
  options: { client?: Partial<Omit<CcClient, 'privateJwk'>>; expiresIn?: number } = {},
): Promise<SimulatedClientCredentials> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = `kid-${hex(4)}`;
  const privateJwk: JWK = { ...(await exportJWK(privateKey)), kid, alg: 'RS256' };
  const client: CcClient = {
    // Characters Basic form-encoding would change: the provider wants the id and secret raw.
    clientId: `tenant-app@acme-${hex(3)}`,
    clientSecret: `s3cr3t+${hex(8)}`,
    audience: 'https://api.ledgerline.test/v2',
    tenant: 'acme-eu',
    privateJwk: JSON.stringify(privateJwk),
    ...options.client,
  };
  const state = {
    issued: 0,
    currentToken: undefined as string | undefined,
    expiresIn: options.expiresIn ?? 3600,
  };
  const tokenRequests: CcTokenRequest[] = [];
  const apiRequests: SimulatedClientCredentials['apiRequests'] = [];
  let url = '';

  async function tokenProblem(
    req: IncomingMessage,
    path: string,
    body: string,
  ): Promise<[number, string] | Params> {
    const match = /^\/tokens\/(body|basic|custom|jwt)-(form|json|query)(-tenanted)?$/.exec(path);
    if (match === null) return [404, 'no such token endpoint'];
    const [, auth, format, tenanted] = match;
    const contentType = req.headers['content-type'];
    let params: Params;
    if (format === 'query') {
      if (body !== '') return [400, 'query format: the body must be empty'];
      params = Object.fromEntries(new URL(req.url ?? '/', url).searchParams);
    } else if (format === 'json') {
      if (contentType !== 'application/json') return [400, `json format: content-type was ${contentType}`];
      const parsed = parseJsonObject(body);
      if (parsed === undefined || Object.values(parsed).some((value) => typeof value !== 'string')) {
        return [400, 'json format: the body must be an object of strings'];
      }
      params = parsed as Params;
    } else {
      if (contentType !== 'application/x-www-form-urlencoded')
        return [400, `form format: content-type was ${contentType}`];
      const form = new URLSearchParams(body);
      if (new Set(form.keys()).size !== [...form.keys()].length)
        return [400, 'form format: a parameter is repeated'];
      params = Object.fromEntries(form);
    }
    if (params.grant_type !== 'client_credentials') return [400, `grant_type was ${params.grant_type}`];

    const authorization = req.headers.authorization;
    const bodyHasClient = ['client_id', 'client_secret', 'username', 'password'].some((key) => key in params);
    if (auth === 'basic') {
      const expected = `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`;
      if (authorization !== expected) return [401, 'basic: wrong or missing Authorization header'];
      if (bodyHasClient) return [400, 'basic: the client must not be in the parameters'];
    } else {
      if (authorization !== undefined) return [400, `${auth}: unexpected Authorization header`];
      const problem = await clientProblem(auth!, params, `${url}${path}`);
      if (problem !== undefined) return problem;
    }

    if (tenanted !== undefined) {
      if (params.audience !== client.audience) return [400, `audience was ${params.audience}`];
      if (req.headers['x-tenant'] !== client.tenant) return [400, `x-tenant was ${req.headers['x-tenant']}`];
    }
    return params;
  }

  async function clientProblem(
    auth: string,
    params: Params,
    tokenUrl: string,
  ): Promise<[number, string] | undefined> {
    if (auth === 'body') {
      if (params.client_id !== client.clientId || params.client_secret !== client.clientSecret) {
        return [401, 'body: wrong client_id or client_secret'];
      }
      return undefined;
    }
    if (auth === 'custom') {
      if (params.username !== client.clientId || params.password !== client.clientSecret) {
        return [401, 'custom: wrong username or password'];
      }
      if ('client_id' in params || 'client_secret' in params)
        return [400, 'custom: client_id/client_secret sent'];
      return undefined;
    }
    if (params.client_id !== client.clientId) return [401, 'jwt: wrong client_id'];
    if ('client_secret' in params) return [400, 'jwt: a client_secret was sent'];
    if (params.client_assertion_type !== ASSERTION_TYPE) return [400, 'jwt: wrong client_assertion_type'];
    try {
      const { payload, protectedHeader } = await jwtVerify(params.client_assertion ?? '', publicKey, {
        algorithms: ['RS256'],
        issuer: client.clientId,
        subject: client.clientId,
        audience: tokenUrl,
      });
      if (protectedHeader.kid !== kid) return [401, 'jwt: wrong kid'];
      if (typeof payload.jti !== 'string' || payload.jti === '') return [401, 'jwt: no jti'];
      if (payload.exp === undefined || payload.iat === undefined || payload.exp - payload.iat !== 300) {
        return [401, 'jwt: the assertion must live 300 s'];
      }
    } catch (error) {
      return [401, `jwt: ${(error as Error).message}`];
    }
    return undefined;
  }

  async function token(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const body = await readBody(req);
    const outcome = await tokenProblem(req, path, body);
    const record = (status: number, problem: string | undefined, params: Params) =>
      tokenRequests.push({
        path,
        status,
        problem,
        contentType: req.headers['content-type'],
        authorization: req.headers.authorization,
        params,
        headers: { ...req.headers },
      });
    if (Array.isArray(outcome)) {
      const [status, problem] = outcome;
      record(status, problem, {});
      const error = status === 401 ? 'invalid_client' : 'invalid_request';
      json(res, status, { error, error_description: problem });
      return;
    }
    state.issued += 1;
    state.currentToken = `cc-${state.issued}-${hex(8)}`;
    record(200, undefined, outcome);
    json(res, 200, {
      access_token: state.currentToken,
      token_type: 'Bearer',
      expires_in: state.expiresIn,
      ...(outcome.scope === undefined ? {} : { scope: outcome.scope }),
      instance_url: `${url}/api`,
    });
  }

  function api(req: IncomingMessage, res: ServerResponse, path: string): void {
    const authorization = req.headers.authorization;
    const ok = state.currentToken !== undefined && authorization === `Bearer ${state.currentToken}`;
    apiRequests.push({ path, status: ok ? 200 : 401, authorization });
    if (!ok) {
      json(res, 401, { error: 'invalid_token' });
      return;
    }
    send(res, 200, API_BODY, JSON_UTF8);
  }

  const server = await listen(
    async (req, res) => {
      const path = new URL(req.url ?? '/', 'http://sim.invalid').pathname;
      if (req.method === 'POST' && path.startsWith('/tokens/')) await token(req, res, path);
      else if (req.method === 'GET' && path.startsWith('/api/')) api(req, res, path);
      else json(res, 404, { error: 'not_found' });
    },
    (res) => res.destroy(),
  );
  url = server.url;

  return {
    url,
    client,
    tokenRequests,
    get issued() {
      return state.issued;
    },
    get currentToken() {
      return state.currentToken;
    },
    get expiresIn() {
      return state.expiresIn;
    },
    set expiresIn(seconds: number) {
      state.expiresIn = seconds;
    },
    apiRequests,
    apiBody: API_BODY,
    tokenUrl: (auth, format, tenanted = false) =>
      `${url}/tokens/${auth}-${format}${tenanted ? '-tenanted' : ''}`,
    close: server.close,
    [Symbol.asyncDispose]: server.close,
  };
}

type Params = Record<string, string>;
