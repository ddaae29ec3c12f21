/**
 * CORS by environment (issue 14): a page on another site reads an answer only when its origin is in the
 * `allowed_origins` of the environment the request acts for; same-origin calls (the dashboard, the hosted page) and
 * calls without an Origin (servers) get no CORS headers at all. Preflights carry no credentials, so they are allowed
 * when any environment allows the origin; the request that follows is decided for its own environment.
 *
 * Headers are set before the handler runs, so the response is built with them: setting them afterwards (as hono/cors
 * does) makes @hono/node-server rebuild every response and cost most of the throughput of a fast endpoint.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { AllowedOrigins } from '../../../environments/allowed-origins';
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

/**
 * For whom a request acts, as far as CORS cares: an environment (and whether the caller is a browser credential — a
 * connect session token or a public key — whose requests may carry cookies), `any` when a browser credential was
 * given but is unknown or expired (the error answer holds nothing of an environment, and the widget must be able to
 * read it), or undefined: no grant.
 */
export type CorsSubject = { environmentId: string; credentials: boolean } | 'any' | undefined;

export type CorsSubjectOf = (c: Context<RestEnv>) => CorsSubject | Promise<CorsSubject>;

export interface Cors {
  /** First in the chain: answers preflights, and leaves other requests to the grants of their routes. */
  preflight: MiddlewareHandler<RestEnv>;
  /** Before a route's handler (after its authentication): grants the response to an allowed origin. */
  grant(subjectOf: CorsSubjectOf): MiddlewareHandler<RestEnv>;
}

/**
 * The request's Origin when a page of another site made it; undefined for same-origin and non-browser callers. The
 * request's own origin (a second public name in front of the same instance) is same-origin too.
 */
export function crossSiteOrigin(
  origin: string | undefined,
  publicOrigin: string,
  requestOrigin: () => string,
): string | undefined {
  if (origin === undefined || origin === '' || origin === publicOrigin) return undefined;
  return origin === requestOrigin() ? undefined : origin;
}

/** The headers that let `origin` read a response (the fast connection read sends the same ones). */
export function grantHeaders(
  origin: string,
  credentials: boolean,
  exposeHeaders: string,
): Record<string, string> {
  return {
    'access-control-allow-origin': origin,
    ...(credentials ? { 'access-control-allow-credentials': 'true' } : {}),
    'access-control-expose-headers': exposeHeaders,
  };
}

/** False when the cache cannot be read (the database is down): no grant, and the route answers as it will. */
export function safely(check: Promise<boolean>): Promise<boolean> {
  return check.catch(() => false);
}

export function createCors(options: CorsOptions, deps: { origins: AllowedOrigins; publicUrl: string }): Cors {
  const allowHeaders = options.allowHeaders.join(',');
  const exposeHeaders = options.exposeHeaders.join(',');
  const maxAge = String(options.maxAgeSeconds);
  const publicOrigin = new URL(deps.publicUrl).origin;
  const originOf = (c: Context<RestEnv>) =>
    crossSiteOrigin(c.req.header('origin'), publicOrigin, () => new URL(c.req.url).origin);

  return {
    preflight: async (c, next) => {
      const origin = originOf(c);
      if (origin === undefined) return next();
      c.header('Vary', 'Origin');
      if (c.req.method !== 'OPTIONS' || c.req.header('access-control-request-method') === undefined) {
        return next();
      }
      c.header('Vary', 'Origin, Access-Control-Request-Headers');
      if (await safely(deps.origins.allowedByAnyEnvironment(origin))) {
        c.header('Access-Control-Allow-Origin', origin);
        c.header('Access-Control-Allow-Credentials', 'true');
        c.header('Access-Control-Allow-Methods', ALLOW_METHODS);
        c.header(
          'Access-Control-Allow-Headers',
          c.req.header('access-control-request-headers') ?? allowHeaders,
        );
        c.header('Access-Control-Max-Age', maxAge);
      }
      return c.body(null, 204);
    },

    grant(subjectOf) {
      return async (c, next) => {
        const origin = originOf(c);
        // An origin no environment lists is refused from the cache, before any credential is looked up.
        if (origin === undefined || !(await safely(deps.origins.allowedByAnyEnvironment(origin)))) {
          return next();
        }
        let subject: CorsSubject;
        try {
          subject = await subjectOf(c);
        } catch {
          subject = undefined;
        }
        const allowed =
          subject === 'any' ||
          (subject !== undefined &&
            (await safely(deps.origins.originAllowed(subject.environmentId, origin))));
        if (allowed) {
          const credentials = subject === 'any' || subject?.credentials === true;
          for (const [name, value] of Object.entries(grantHeaders(origin, credentials, exposeHeaders))) {
            c.header(name, value);
          }
        }
        return next();
      };
    },
  };
}
