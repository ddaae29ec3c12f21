/**
 * The URL's part of input hygiene (the body's is in json-body.ts): a path segment or query value that decodes to a
 * string PostgreSQL cannot store (`%00`) is refused with 400 before any route sees it. Headers need no check: Node's
 * parser refuses NUL in them and decodes them as Latin-1, which holds no surrogate.
 *
 * Not for `/proxy` (its path and query go upstream as sent, percent-encoded) nor for `/trpc` and `/graphql`, which
 * check their own input and answer in their own shape.
 */
import type { MiddlewareHandler } from 'hono';
import { refuseUnstorableStrings } from '../../../platform/database/storable-strings';
import type { RestEnv } from '../rest-env';

const OWN_CHECKS = /^\/(proxy|trpc|graphql)(\/|$)/;

export function storableInput(): MiddlewareHandler<RestEnv> {
  return async (c, next) => {
    const url = c.req.url;
    const pathStart = url.indexOf('/', url.indexOf('//') + 2);
    const queryStart = url.indexOf('?', pathStart);
    const path = url.slice(pathStart, queryStart === -1 ? undefined : queryStart);
    if (!OWN_CHECKS.test(path)) refuseUnstorableUrl(path, c.get('query'));
    await next();
  };
}

/** The check itself, shared with the connection read served on node:http. `path` is raw, `query` parsed. */
export function refuseUnstorableUrl(path: string, query: Record<string, unknown>): void {
  if (path.includes('%')) {
    refuseUnstorableStrings('invalid_uri_params', path.split('/').map(decodeSegment).join('/'));
  }
  refuseUnstorableStrings('invalid_query_params', query);
}

/** As routes decode parameters: percent-decoded, or left as sent when the encoding is malformed. */
export function decodeSegment(segment: string): string {
  if (!segment.includes('%')) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
