/**
 * A GitHub-like provider on loopback for the GitHub App modes (APP, CUSTOM):
 * - `GET /apps/:slug/installations/new?state=`: installs the app (a new installation, or the last one for
 *   `update`) and sends the browser where GitHub would: the setup URL with `installation_id`, `setup_action` and
 *   `state`, or, when the app asks for user authorization during installation, the callback URL with a `code` too;
 * - `POST /app/installations/:id/access_tokens`: verifies the app JWT (RS256, with the app's public key, via jose:
 *   issuer, `iat` in the past, `exp` at most ten minutes ahead) and answers 201 `{token, expires_at, …}`;
 * - `POST /login/oauth/access_token`: the user token (code exchange and refresh, client id and secret checked,
 *   codes single-use, redirect URI matched, refresh tokens rotated), answering 200 with an `error` as GitHub does;
 * - `GET /installation/repositories` (installation token) and `GET /user` (user token): only the newest token of
 *   each kind is accepted, so a stale one is caught.
 */
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { decodeJwt, type JWTPayload, jwtVerify } from 'jose';
import { completeConnection, proxiedText, readConnection } from '../auth-mode-steps';
import { driveAuthorization } from '../browser-driver';
import type { FlowHarness } from '../flow-harness';
import { json as answerJson, hex, JSON_UTF8, listen, readBody, send } from './http';

export interface GitHubAppSimOptions {
  appId: string;
  slug?: string;
  /** The app's public key (PEM or KeyObject): what it verifies app JWTs with. */
  publicKey: string | KeyObject;
  /** The app's OAuth client (CUSTOM). */
  clientId?: string;
  clientSecret?: string;
}

export interface GitHubAppSimSettings {
  /** The app's setup URL (Latchkey's `/app-auth/connect`). */
  setupUrl: string;
  /** Set: the app requests user authorization during installation, and GitHub goes to this callback URL instead. */
  callbackUrl: string | undefined;
  /** What the next visit to the installation page does. */
  setupAction: 'install' | 'update' | 'request';
  /** Lifetime of the installation tokens issued from now on. */
  tokenLifetimeSeconds: number;
  /** Lifetime of the user tokens issued from now on (GitHub: eight hours). */
  userTokenLifetimeSeconds: number;
}

export interface GitHubAppSim extends AsyncDisposable {
  url: string;
  appId: string;
  clientId: string;
  clientSecret: string;
  /** The app's public link (`app_link` of the integration). */
  appLink: string;
  settings: GitHubAppSimSettings;
  /** Requests per endpoint, accepted or not. */
  requests: {
    installPage: number;
    accessTokens: number;
    userToken: number;
    userRefresh: number;
    repositories: number;
    user: number;
  };
  /** Every refusal, in order (`jwt_invalid: …`, `bad_verification_code`, `bad_credentials`, …). */
  problems: string[];
  /** Claims of the last app JWT received, verified or not. */
  lastAppJwt: JWTPayload | undefined;
  /** Headers of the last access-token request. */
  lastAccessTokenHeaders: Record<string, string | string[] | undefined> | undefined;
  /** The body of the last repositories answer, byte for byte. */
  lastRepositoriesBody: string | undefined;
  installations: Map<string, { token: string | undefined; expiresAt: string | undefined }>;
  /** The only user token and refresh token accepted now. */
  currentUserToken: string | undefined;
  currentRefreshToken: string | undefined;
  close(): Promise<void>;
}

/** GitHub's limit on an app JWT's `exp`, from the time it is received. */
const MAX_JWT_AHEAD_SECONDS = 600;

export async function startGitHubAppSim(options: GitHubAppSimOptions): Promise<GitHubAppSim> {
  const slug = options.slug ?? 'latchkey-sim';
  const publicKey =
    typeof options.publicKey === 'string' ? createPublicKey(options.publicKey) : options.publicKey;
  const codes = new Map<string, { redirectUri: string; used: boolean }>();
  let nextInstallation = 41_000_001;
  let lastInstallation: string | undefined;

  const sim: Omit<GitHubAppSim, 'url' | 'appLink' | 'close' | typeof Symbol.asyncDispose> = {
    appId: options.appId,
    clientId: options.clientId ?? 'Iv1.simclient0001',
    clientSecret: options.clientSecret ?? `sim-secret-${hex(12)}`,
    settings: {
      setupUrl: 'http://127.0.0.1:9/unset',
      callbackUrl: undefined,
      setupAction: 'install',
      tokenLifetimeSeconds: 3600,
      userTokenLifetimeSeconds: 8 * 3600,
    },
    requests: { installPage: 0, accessTokens: 0, userToken: 0, userRefresh: 0, repositories: 0, user: 0 },
    problems: [],
    lastAppJwt: undefined,
    lastAccessTokenHeaders: undefined,
    lastRepositoriesBody: undefined,
    installations: new Map(),
    currentUserToken: undefined,
    currentRefreshToken: undefined,
  };

  function installPage(url: URL, res: ServerResponse): void {
    sim.requests.installPage++;
    const { setupAction, callbackUrl, setupUrl } = sim.settings;
    const state = url.searchParams.get('state');
    const back = new URL(callbackUrl ?? setupUrl);
    if (setupAction !== 'request') {
      let id = lastInstallation;
      if (setupAction === 'install' || id === undefined) {
        id = String(nextInstallation++);
        sim.installations.set(id, { token: undefined, expiresAt: undefined });
        lastInstallation = id;
      }
      back.searchParams.set('installation_id', id);
      // GitHub asks for user authorization on a new installation, not when its settings are changed.
      if (callbackUrl !== undefined && setupAction === 'install') {
        const code = hex(10);
        codes.set(code, { redirectUri: callbackUrl, used: false });
        back.searchParams.set('code', code);
      }
    }
    back.searchParams.set('setup_action', setupAction);
    if (state !== null) back.searchParams.set('state', state);
    res.writeHead(302, { location: back.href }).end();
  }

  async function accessTokens(installationId: string, req: IncomingMessage, res: ServerResponse) {
    sim.requests.accessTokens++;
    sim.lastAccessTokenHeaders = { ...req.headers };
    const refuse = (status: number, problem: string, message: string) => {
      sim.problems.push(problem);
      json(res, status, { message, documentation_url: 'https://docs.example/rest' });
    };
    const match = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
    if (match === null) return refuse(401, 'jwt_missing', 'A JSON web token could not be decoded');
    try {
      sim.lastAppJwt = decodeJwt(match[1]!);
    } catch {
      return refuse(401, 'jwt_invalid: undecodable', 'A JSON web token could not be decoded');
    }
    const now = Math.floor(Date.now() / 1000);
    try {
      const { payload } = await jwtVerify(match[1]!, publicKey, {
        algorithms: ['RS256'],
        issuer: options.appId,
      });
      if (typeof payload.iat !== 'number' || payload.iat > now) throw new Error("'iat' must be in the past");
      if (typeof payload.exp !== 'number' || payload.exp > now + MAX_JWT_AHEAD_SECONDS)
        throw new Error("'exp' is too far into the future");
    } catch (error) {
      return refuse(401, `jwt_invalid: ${(error as Error).message}`, 'A JSON web token could not be decoded');
    }
    const installation = sim.installations.get(installationId);
    if (installation === undefined) return refuse(404, 'installation_unknown', 'Not Found');
    installation.token = `ghs_${hex(18)}`;
    installation.expiresAt = new Date(Date.now() + sim.settings.tokenLifetimeSeconds * 1000)
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z');
    json(res, 201, {
      token: installation.token,
      expires_at: installation.expiresAt,
      permissions: { contents: 'read', metadata: 'read' },
      repository_selection: 'all',
    });
  }

  async function userToken(req: IncomingMessage, res: ServerResponse) {
    const params = parseBody(req.headers['content-type'], await readBody(req));
    const basic = /^Basic (\S+)$/.exec(req.headers.authorization ?? '');
    if (basic !== null) {
      const [id, secret] = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':');
      params.client_id ??= decodeURIComponent(id ?? '');
      params.client_secret ??= decodeURIComponent(secret ?? '');
    }
    const wantsJson = /json/.test(req.headers.accept ?? '');
    const answer = (body: Record<string, string | number>) => {
      if (wantsJson) return json(res, 200, body);
      const form = new URLSearchParams(Object.entries(body).map(([k, v]) => [k, String(v)]));
      send(res, 200, form.toString(), 'application/x-www-form-urlencoded');
    };
    // GitHub answers 200 with an error body.
    const refuse = (error: string) => {
      sim.problems.push(error);
      answer({ error, error_description: `sim: ${error}` });
    };
    if (params.grant_type === 'refresh_token') sim.requests.userRefresh++;
    else sim.requests.userToken++;
    if (params.client_id !== sim.clientId || params.client_secret !== sim.clientSecret) {
      return refuse('incorrect_client_credentials');
    }
    if (params.grant_type === 'refresh_token') {
      if (params.refresh_token === undefined || params.refresh_token !== sim.currentRefreshToken)
        return refuse('bad_refresh_token');
    } else {
      const code = params.code === undefined ? undefined : codes.get(params.code);
      if (code === undefined || code.used) return refuse('bad_verification_code');
      if (params.redirect_uri !== undefined && params.redirect_uri !== code.redirectUri)
        return refuse('redirect_uri_mismatch');
      code.used = true;
    }
    sim.currentUserToken = `ghu_${hex(18)}`;
    sim.currentRefreshToken = `ghr_${hex(30)}`;
    answer({
      access_token: sim.currentUserToken,
      expires_in: sim.settings.userTokenLifetimeSeconds,
      refresh_token: sim.currentRefreshToken,
      refresh_token_expires_in: 15_897_600,
      scope: '',
      token_type: 'bearer',
    });
  }

  function bearer(req: IncomingMessage): string | undefined {
    return /^(?:Bearer|token) (\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  }

  function repositories(req: IncomingMessage, res: ServerResponse) {
    sim.requests.repositories++;
    const token = bearer(req);
    const entry = [...sim.installations.entries()].find(([, i]) => token !== undefined && i.token === token);
    if (entry === undefined) {
      sim.problems.push('bad_credentials');
      return json(res, 401, { message: 'Bad credentials' });
    }
    // Spacing and key order a JSON round trip would change, so an unchanged pass-through shows.
    sim.lastRepositoriesBody = `{"total_count":1,  "installation":"${entry[0]}","repositories":[{"id":7,"name":"hello-world"}]}`;
    send(res, 200, sim.lastRepositoriesBody);
  }

  function user(req: IncomingMessage, res: ServerResponse) {
    sim.requests.user++;
    const token = bearer(req);
    if (token === undefined || token !== sim.currentUserToken) {
      sim.problems.push('bad_credentials');
      return json(res, 401, { message: 'Bad credentials' });
    }
    json(res, 200, { login: 'octo-tester', id: 583231 });
  }

  const server = await listen(
    (req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const tokens = /^\/app\/installations\/([^/]+)\/access_tokens$/.exec(url.pathname);
      if (req.method === 'GET' && url.pathname === `/apps/${slug}/installations/new`)
        return installPage(url, res);
      if (req.method === 'POST' && tokens !== null)
        return accessTokens(decodeURIComponent(tokens[1]!), req, res);
      if (req.method === 'POST' && url.pathname === '/login/oauth/access_token') return userToken(req, res);
      if (req.method === 'GET' && url.pathname === '/installation/repositories')
        return repositories(req, res);
      if (req.method === 'GET' && url.pathname === '/user') return user(req, res);
      json(res, 404, { message: 'Not Found' });
    },
    (res) => res.destroy(),
  );
  return Object.assign(sim, {
    url: server.url,
    appLink: `${server.url}/apps/${slug}`,
    close: server.close,
    [Symbol.asyncDispose]: server.close,
  });
}

/** A new app key pair, the private key as GitHub hands it out (PKCS#1 PEM). */
export function githubAppKeys(): { publicKey: KeyObject; privatePem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { publicKey, privatePem: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString() };
}

/** A fictional entry shaped like Nango's GitHub App entry, pointing at the simulated provider. */
export function githubAppEntry(name: string, sim: GitHubAppSim, mode: 'APP' | 'CUSTOM') {
  const installationTokenUrl = `${sim.url}/app/installations/\${connectionConfig.installation_id}/access_tokens`;
  return {
    name,
    display_name: `Simulated GitHub (${mode})`,
    categories: ['dev-tools'],
    auth_mode: mode,
    authorization_url: '${connectionConfig.appPublicLink}/installations/new',
    token_url:
      mode === 'APP'
        ? installationTokenUrl
        : { OAUTH2: `${sim.url}/login/oauth/access_token`, APP: installationTokenUrl },
    docs: 'https://example.com/docs/sim-github',
    connection_config: {
      appPublicLink: {
        type: 'string',
        title: 'App Public Link',
        description: 'The public link of the app',
        format: 'uri',
        pattern: '^https?://.*$',
        automated: true,
      },
      installation_id: {
        type: 'string',
        title: 'Installation ID',
        description: 'The installation of the app',
        example: '12345',
        automated: true,
      },
    },
    proxy: { base_url: sim.url },
  };
}

/**
 * Flow steps a GitHub App test repeats, for one integration. `of` is called at each step, as a test starts its
 * harness and simulated GitHub in `beforeAll`, after the steps are declared.
 */
export function githubAppFlows<Body extends { connection_config: Record<string, string> }>(
  of: () => { h: FlowHarness; sim: GitHubAppSim },
  key: string,
) {
  /** `/oauth/connect` through a connect session, then the installation page; stops where GitHub sends the browser. */
  async function install(integrationKey = key): Promise<URL> {
    const { h, sim } = of();
    const token = await h.createSession();
    const { callbackUrl } = await driveAuthorization(
      `${h.url}/oauth/connect/${integrationKey}?connect_session_token=${token}`,
      { issuer: sim.url },
    );
    return callbackUrl;
  }
  /** Completes a callback expected to connect; its connection id. */
  const complete = (callbackUrl: URL) => completeConnection(of().h, callbackUrl, key);
  return {
    install,
    complete,
    /** A whole flow; its connection id. */
    connect: async (): Promise<string> => complete(await install()),
    read: (connectionId: string, query?: string) => readConnection<Body>(of().h, key, connectionId, query),
    /** A proxied call expected to answer 200; its body as text. */
    proxied: (connectionId: string, path = '/installation/repositories') =>
      proxiedText(of().h, key, connectionId, path),
    /** The simulated installation a connection read names. */
    installationOf: (body: Body) => of().sim.installations.get(body.connection_config.installation_id ?? ''),
  };
}

/** GitHub answers JSON with an explicit charset. */
function json(res: ServerResponse, status: number, body: unknown): void {
  answerJson(res, status, body, JSON_UTF8);
}

function parseBody(contentType: string | undefined, body: string): Record<string, string | undefined> {
  if (/json/.test(contentType ?? '')) {
    const parsed = JSON.parse(body || '{}') as Record<string, unknown>;
    return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
  }
  return Object.fromEntries(new URLSearchParams(body));
}
