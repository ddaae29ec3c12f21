/**
 * `GET /connections/:id` (and the legacy `/connection/:id`) answered directly on node:http, ahead of Hono.
 *
 * Apps read a connection before every call they make to a provider, so this one route carries most of the traffic.
 * Through the general stack each read paid for web-standard Request/Headers objects and per-response header
 * rebuilding, which cost more CPU than the read itself (measured: about 2.5x a bare server). This path does the same
 * things the stack does for this route — request id, CORS by environment, bearer auth, the same zod schemas, the same
 * service call, the same error bodies and log line — with plain Node objects.
 *
 * It takes only requests it can answer exactly as the Hono route would; anything else (a body, a content type the
 * JSON middleware would refuse, another method) returns false and goes through Hono unchanged. A test compares both
 * paths response by response.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { CONNECT_SESSION_TOKEN_PATTERN } from '@latchkey/schema';
import { parseBearerHeader } from '../../auth/bearer-token';
import { bindingCookieFrom } from '../../connect-sessions/browser-binding';
import type { Logger } from '../../platform/logging/logger';
import type { Services } from '../../services';
import { crossSiteOrigin, grantHeaders, REST_CORS, safely } from './middleware/cors';
import { errorAnswer } from './middleware/error-handler';
import { logRequest, parseQuery, requestIdOf } from './middleware/request-context';
import { authenticateBearer } from './middleware/secret-key-auth';
import { decodeSegment, refuseUnstorableUrl } from './middleware/storable-input';
import { validate } from './request-input';
import { connectionIdSchema, getConnectionQuery } from './routes/connections.routes';

export type NodeRoute = (request: IncomingMessage, response: ServerResponse) => boolean;

const PATH = /^\/connections?\/([^/]+)\/?$/;
const JSON_TYPE = /^application\/json\b/i;
const EXPOSE_HEADERS = REST_CORS.exposeHeaders.join(',');

export function createFastConnectionRead(deps: { services: Services; logger: Logger }): NodeRoute {
  const { services, logger } = deps;
  const publicOrigin = new URL(services.operators.publicUrl).origin;

  async function answer(
    request: IncomingMessage,
    response: ServerResponse,
    url: { path: string; segment: string; search: string },
  ) {
    const { segment, search } = url;
    const started = performance.now();
    const requestId = requestIdOf(header(request, 'x-request-id'));
    let child: Logger | undefined;
    const log = () => {
      child ??= logger.child({ requestId });
      return child;
    };
    // As the CORS middleware decides: only a page of another site that the key's environment allows reads this.
    const origin = crossSiteOrigin(header(request, 'origin'), publicOrigin, () => ownOrigin(request));
    let cors: Record<string, string> | undefined;
    let status = 200;
    let body: string;
    try {
      // In the order the Hono stack checks: the URL's strings before authentication.
      const parsedQuery = search === '' ? {} : parseQuery(search);
      refuseUnstorableUrl(url.path, parsedQuery);
      const token = parseBearerHeader(header(request, 'authorization'));
      const auth = await authenticateBearer(services.apiKeys, services.connectSessions, token, 'GET', {
        cookie: bindingCookieFrom(header(request, 'cookie')),
      });
      if (
        origin !== undefined &&
        (await safely(services.allowedOrigins.originAllowed(auth.environment.id, origin)))
      ) {
        cors = grantHeaders(origin, CONNECT_SESSION_TOKEN_PATTERN.test(token), EXPOSE_HEADERS);
      }
      const connectionId = validate('invalid_uri_params', connectionIdSchema, decodeSegment(segment));
      const query = validate('invalid_query_params', getConnectionQuery, parsedQuery);
      const connection = await services.connections.get(auth, connectionId, query.provider_config_key, {
        forceRefresh: query.force_refresh === true,
        includeRefreshToken: query.refresh_token === true,
        refreshGithubAppJwtToken: query.refresh_github_app_jwt_token === true,
      });
      body = JSON.stringify(connection);
    } catch (error) {
      const answer = errorAnswer(error, log);
      status = answer.status;
      body = JSON.stringify(answer.body);
    }
    if (!response.destroyed) {
      const headers: OutgoingHttpHeaders = {
        'content-type': 'application/json',
        'x-request-id': requestId,
        'content-length': Buffer.byteLength(body),
      };
      if (origin !== undefined) Object.assign(headers, { vary: 'Origin' }, cors);
      response.writeHead(status, headers);
      response.end(body);
    }
    const path = () => (request.url ?? '').split('?', 1)[0]!;
    logRequest(logger, log, { method: 'GET', path, status, started });
  }

  return (request, response) => {
    if (request.method !== 'GET' || request.url === undefined) return false;
    const queryStart = request.url.indexOf('?');
    const path = queryStart === -1 ? request.url : request.url.slice(0, queryStart);
    const match = PATH.exec(path);
    if (match === null) return false;
    // A body, or a content type the JSON middleware answers with 415: leave it to the full stack.
    if (request.headers['transfer-encoding'] !== undefined) return false;
    const length = request.headers['content-length'];
    if (length !== undefined && length !== '0') return false;
    const type = request.headers['content-type'];
    if (type !== undefined && type.trim() !== '' && !JSON_TYPE.test(type.trim())) return false;
    const search = queryStart === -1 ? '' : request.url.slice(queryStart + 1);
    answer(request, response, { path, segment: match[1]!, search }).catch((error: unknown) => {
      logger.error({ err: error }, 'connection read failed');
      if (!response.headersSent) response.writeHead(500).end();
    });
    return true;
  };
}

/** The origin this request was addressed to, as Hono builds its URL. */
function ownOrigin(request: IncomingMessage): string {
  return `${(request.socket as TLSSocket).encrypted === true ? 'https' : 'http'}://${request.headers.host ?? ''}`;
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}
