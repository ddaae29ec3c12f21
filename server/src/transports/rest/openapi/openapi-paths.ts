/** Hono route paths in OpenAPI's notation, and the operation ids derived from them. */

export interface OpenApiPath {
  /** `/connections/{connectionId}`; a `*` segment becomes `{path}`. */
  path: string;
  /** The path parameters, in order. */
  params: string[];
}

/** The parameter a trailing `*` of a Hono path is documented as. */
export const WILDCARD_PARAM = 'path';

export function toOpenApiPath(honoPath: string): OpenApiPath {
  const params: string[] = [];
  const path = honoPath
    .split('/')
    .map((segment) => {
      if (segment === '*') {
        params.push(WILDCARD_PARAM);
        return `{${WILDCARD_PARAM}}`;
      }
      // `:name`, `:name{regex}` or `:name?`
      const match = /^:([A-Za-z0-9_]+)(\{.*\})?\??$/.exec(segment);
      if (match === null) return segment;
      params.push(match[1]!);
      return `{${match[1]}}`;
    })
    .join('/');
  return { path, params };
}

/** `get /connections/{connectionId}/metadata` → `getConnectionsByConnectionIdMetadata`. */
export function operationIdOf(method: string, path: string): string {
  const words = path
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => {
      const param = /^\{(.+)\}$/.exec(segment);
      return param === null ? pascal(segment) : `By${pascal(param[1]!)}`;
    });
  return method.toLowerCase() + words.join('');
}

function pascal(text: string): string {
  return text
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join('');
}
