/**
 * What the OpenAPI document says about one REST route, keyed by `METHOD /hono/path` exactly as Hono registers it.
 * Every schema is a zod schema; the document generator turns them into JSON Schema.
 */
import type { z } from 'zod';

/**
 * How a caller authenticates. `secretKeyOrSessionToken`: reads the Connect UI makes with a connect session token in
 * place of the secret key. `flowCredential`: the public flow endpoints, which take a session token or the
 * environment's public key in the query.
 */
export type RouteSecurity =
  | 'secretKey'
  | 'secretKeyOrSessionToken'
  | 'sessionToken'
  | 'flowCredential'
  | 'none';

export const ROUTE_TAGS = [
  'Integrations',
  'Providers',
  'Connections',
  'Connect sessions',
  'Auth flows',
  'Environment',
  'Activity',
  'Proxy',
  'Platform',
] as const;
export type RouteTag = (typeof ROUTE_TAGS)[number];

export interface ResponseDoc {
  description: string;
  /** Body schema by content type; absent for answers without a body (204, 302). */
  content?: Record<string, z.ZodType>;
  headers?: Record<string, { description: string; schema: z.ZodType }>;
}

export interface RouteDoc {
  summary: string;
  description?: string;
  tag: RouteTag;
  security: RouteSecurity;
  deprecated?: boolean;
  /** One schema per `:param` of the path (`*` is documented as the `path` parameter). */
  params?: Record<string, z.ZodType>;
  /** An object schema; each property becomes a query parameter. */
  query?: z.ZodType;
  /** An object schema of request headers (lower-case names). */
  headers?: z.ZodType;
  /** A JSON body, or a body of other content types (the same schema under each). */
  body?: z.ZodType | { contentType: string | readonly string[]; schema: z.ZodType; required?: boolean };
  responses: Record<number, ResponseDoc>;
  /**
   * Statuses answered with the error body beyond those every route gets: 400 when it takes input, 401 when it is
   * authenticated, and a default.
   */
  errors?: number[];
}

/** Documentation of a group of routes: `{'GET /integrations': {...}}`. */
export type RouteDocs = Record<string, RouteDoc>;

/** A JSON answer. */
export function jsonResponse(schema: z.ZodType, description = 'OK'): ResponseDoc {
  return { description, content: { 'application/json': schema } };
}

/** The same operation under Nango's legacy singular path (compat doc 1.4). */
export function legacyAlias(doc: RouteDoc, canonical: string): RouteDoc {
  return {
    ...doc,
    summary: `${doc.summary} (legacy path)`,
    deprecated: true,
    description: `Legacy alias of \`${canonical}\`, still routed for older SDKs.`,
  };
}
