/**
 * CORS as Nango answers it (compat doc 1.6): any origin, preflight cached 10 minutes. Headers are set before the
 * handler runs, so the response is built with them: setting them afterwards (as hono/cors does) makes
 * @hono/node-server rebuild every response and cost most of the throughput of a fast endpoint.
 */
import type { MiddlewareHandler } from 'hono';
import type { RestEnv } from '../rest-env';

export interface CorsOptions {
  allowHeaders: string[];
  exposeHeaders: string[];
  maxAgeSeconds: number;
}

const ALLOW_METHODS = 'GET,HEAD,PUT,POST,DELETE,PATCH';

/** What the REST API allows and exposes (the fast connection read sends the same). */
export const REST_CORS: CorsOptions = {
  maxAgeSeconds: 600,
  allowHeaders: [
    'Authorization',
    'Content-Type',
    'Accept',
    'Provider-Config-Key',
    'Connection-Id',
    'Nango-Is-Sync',
    'Nango-Is-Dry-Run',
    'Nango-Activity-Log-Id',
    'X-Request-Id',
  ],
  exposeHeaders: [
    'X-Request-Id',
    'X-Nango-Signature',
    'X-RateLimit-Limit',
    'X-RateLimit-Remaining',
    'X-RateLimit-Reset',
  ],
};

export function cors(options: CorsOptions): MiddlewareHandler<RestEnv> {
  const allowHeaders = options.allowHeaders.join(',');
  const exposeHeaders = options.exposeHeaders.join(',');
  const maxAge = String(options.maxAgeSeconds);
  return async (c, next) => {
    c.header('Access-Control-Allow-Origin', '*');
    if (c.req.method === 'OPTIONS' && c.req.header('access-control-request-method') !== undefined) {
      c.header('Access-Control-Allow-Methods', ALLOW_METHODS);
      c.header(
        'Access-Control-Allow-Headers',
        c.req.header('access-control-request-headers') ?? allowHeaders,
      );
      c.header('Access-Control-Max-Age', maxAge);
      c.header('Vary', 'Access-Control-Request-Headers');
      return c.body(null, 204);
    }
    c.header('Access-Control-Expose-Headers', exposeHeaders);
    await next();
  };
}
