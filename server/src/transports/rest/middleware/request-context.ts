/**
 * Request id, query parsing and one log line per request. Only the method and path are logged: query strings and
 * bodies carry tokens and secrets.
 *
 * This runs on every request, so it stays cheap: the per-request child logger is built only when something logs
 * (pino computes a child's bindings, redaction included, when it is created), and plain query strings skip qs.
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
    const requestId = requestIdOf(c.req.header('x-request-id'));
    const log = lazyChild(logger, requestId);
    c.set('requestId', requestId);
    c.set('log', log);
    const rawUrl = c.req.url;
    const queryStart = rawUrl.indexOf('?');
    c.set('query', queryStart === -1 ? {} : parseQuery(rawUrl.slice(queryStart + 1)));
    c.header('X-Request-Id', requestId);
    await next();
    logRequest(logger, () => log, {
      method: c.req.method,
      path: () => c.req.path,
      status: c.res.status,
      started,
    });
  };
}

/** The caller's `X-Request-Id` when it is a sane token, else a new one. */
export function requestIdOf(incoming: string | undefined): string {
  return incoming !== undefined && REQUEST_ID_PATTERN.test(incoming) ? incoming : randomUUID();
}

/** The one log line per request, at a level by status; nothing is built when that level is off. */
export function logRequest(
  logger: Logger,
  log: () => Logger,
  request: { method: string; path: () => string; status: number; started: number },
): void {
  const { status } = request;
  const level = status >= 500 ? 'error' : status >= 400 ? 'info' : 'debug';
  if (!logger.isLevelEnabled(level)) return;
  const entry = {
    method: request.method,
    path: request.path(),
    status,
    ms: Math.round(performance.now() - request.started),
  };
  log()[level](entry, status >= 500 ? 'request failed' : status >= 400 ? 'request rejected' : 'request');
}

/**
 * The query string, qs-style (`params[k]=v` → objects, repeated keys → arrays, compat doc 1.3). Strings without
 * brackets mean the same to URLSearchParams, which is several times faster than qs.
 */
export function parseQuery(search: string): Record<string, unknown> {
  if (search.includes('[') || search.includes('%5B') || search.includes('%5b')) {
    return qs.parse(search, { arrayLimit: 100, depth: 5, parameterLimit: 1000 }) as Record<string, unknown>;
  }
  const result: Record<string, unknown> = {};
  let count = 0;
  for (const [key, value] of plainPairs(search)) {
    // qs drops parameters past its limit and keys that would overwrite Object.prototype members.
    if (++count > 1000) break;
    if (key === '' || key === '__proto__' || key in Object.prototype) continue;
    const existing = result[key];
    if (existing === undefined) result[key] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else result[key] = [existing, value];
  }
  return result;
}

/**
 * `key=value` pairs; a string with nothing encoded (no `%`, no `+`) is split by hand, the rest is left to
 * URLSearchParams, so every string reads as URLSearchParams reads it.
 */
function plainPairs(search: string): Iterable<[string, string]> {
  if (search.includes('%') || search.includes('+')) return new URLSearchParams(search);
  const pairs: [string, string][] = [];
  for (const part of search.split('&')) {
    if (part === '') continue;
    const equals = part.indexOf('=');
    pairs.push(equals === -1 ? [part, ''] : [part.slice(0, equals), part.slice(equals + 1)]);
  }
  return pairs;
}

/** A logger that becomes `logger.child({ requestId })` on first use. */
export function lazyChild(logger: Logger, requestId: string): Logger {
  let child: Logger | undefined;
  const real = () => {
    child ??= logger.child({ requestId });
    return child;
  };
  return new Proxy({} as Logger, {
    get(_target, property) {
      const target = real();
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
