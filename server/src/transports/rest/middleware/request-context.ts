/**
 * Request id, query parsing and one log line per request. Only the method and path are logged: query strings and
 * bodies carry tokens and secrets.
 */
import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import qs from 'qs';
import type { Logger } from '../../../platform/logging/logger';
import type { RestEnv } from '../rest-env';

const REQUEST_ID_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;

export function requestContext(logger: Logger): MiddlewareHandler<RestEnv> {
  return async (c, next) => {
    const started = performance.now();
    const incoming = c.req.header('x-request-id');
    const requestId = incoming !== undefined && REQUEST_ID_PATTERN.test(incoming) ? incoming : randomUUID();
    const log = logger.child({ requestId });
    c.set('requestId', requestId);
    c.set('log', log);
    const rawUrl = c.req.url;
    const queryStart = rawUrl.indexOf('?');
    c.set(
      'query',
      queryStart === -1
        ? {}
        : (qs.parse(rawUrl.slice(queryStart + 1), {
            arrayLimit: 100,
            depth: 5,
            parameterLimit: 1000,
          }) as Record<string, unknown>),
    );
    c.header('X-Request-Id', requestId);
    await next();
    const status = c.res.status;
    const entry = {
      method: c.req.method,
      path: c.req.path,
      status,
      ms: Math.round(performance.now() - started),
    };
    if (status >= 500) log.error(entry, 'request failed');
    else if (status >= 400) log.info(entry, 'request rejected');
    else log.debug(entry, 'request');
  };
}
