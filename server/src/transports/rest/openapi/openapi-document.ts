/**
 * Builds the OpenAPI 3.1 document from the route documentation. Pure: the same docs give the same document; the
 * server builds it once at start.
 */
import { z } from 'zod';
import { ERROR_BODY_COMPONENT, REQUEST_COMPONENTS, RESPONSE_COMPONENTS } from './components';
import { operationIdOf, toOpenApiPath, WILDCARD_PARAM } from './openapi-paths';
import { ROUTE_TAGS, type RouteDoc, type RouteDocs, type RouteSecurity } from './route-doc';
import { COMPONENT_REF_PREFIX, type JsonSchema, SchemaSet } from './schema-set';

export type OpenApiDocument = {
  openapi: string;
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, JsonSchema>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, JsonSchema> };
} & JsonSchema;

/** What `ALL` routes are documented as. */
const ALL_METHODS = ['get', 'post', 'put', 'patch', 'delete'];

const SECURITY: Record<RouteSecurity, Record<string, string[]>[]> = {
  secretKey: [{ secretKey: [] }],
  secretKeyOrSessionToken: [{ secretKey: [] }, { connectSessionToken: [] }],
  sessionToken: [{ connectSessionToken: [] }],
  flowCredential: [{ connectSessionTokenQuery: [] }, { publicKey: [] }],
  none: [],
};

const SECURITY_SCHEMES: Record<string, JsonSchema> = {
  secretKey: {
    type: 'http',
    scheme: 'bearer',
    description:
      'A secret key of the environment (`Authorization: Bearer <key>`), as the Nango Node SDK sends it.',
  },
  connectSessionToken: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'nango_connect_session_<64 hex>',
    description: 'A connect session token (`POST /connect/sessions`), as the Connect UI sends it.',
  },
  connectSessionTokenQuery: {
    type: 'apiKey',
    in: 'query',
    name: 'connect_session_token',
    description: 'A connect session token, as the frontend SDK sends it to the flow endpoints.',
  },
  publicKey: {
    type: 'apiKey',
    in: 'query',
    name: 'public_key',
    description:
      'The environment’s public key (the frontend SDK’s legacy flows). Refused with 403 `public_key_flows_disabled` ' +
      'unless the environment sets `public_key_flows_enabled`; then `hmac` is required unless HMAC is turned off.',
  },
};

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'The request is invalid (`errors[]` lists each problem)',
  401: 'Missing or invalid credentials',
  403: 'The key lacks a scope this needs',
  404: 'Not found',
  409: 'Conflicts with an existing resource',
  424: 'The connection’s credentials could not be refreshed',
  429: 'Too many requests (`rate_limited`): wait the seconds `Retry-After` gives',
};

export interface DocumentInfo {
  title: string;
  version: string;
  description?: string;
}

export function buildOpenApiDocument(docs: RouteDocs, info: DocumentInfo): OpenApiDocument {
  const requests = new SchemaSet('input', REQUEST_COMPONENTS);
  const responses = new SchemaSet('output', RESPONSE_COMPONENTS);
  for (const name of Object.keys(REQUEST_COMPONENTS)) {
    if (name in RESPONSE_COMPONENTS)
      throw new Error(`Component ${name} is both a request and a response schema`);
  }
  // Two passes over the same walk: the first registers every schema, the second reads their JSON Schema.
  const walk = (schemaOf: (set: SchemaSet, schema: z.ZodType) => JsonSchema) =>
    buildPaths(docs, {
      request: (schema) => schemaOf(requests, schema),
      response: (schema) => schemaOf(responses, schema),
    });
  walk((set, schema) => {
    set.use(schema);
    return { type: 'object', properties: {} };
  });
  requests.convert();
  responses.convert();
  const paths = walk((set, schema) => set.jsonOf(schema));

  return {
    openapi: '3.1.1',
    info,
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    // Relative: the API answers where this document is served.
    servers: [{ url: '/' }],
    tags: ROUTE_TAGS.map((name) => ({ name })),
    paths,
    components: {
      schemas: { ...requests.componentSchemas(), ...responses.componentSchemas() },
      securitySchemes: SECURITY_SCHEMES,
    },
  };
}

interface SchemaLookup {
  request(schema: z.ZodType): JsonSchema;
  response(schema: z.ZodType): JsonSchema;
}

function buildPaths(docs: RouteDocs, lookup: SchemaLookup): OpenApiDocument['paths'] {
  const paths: OpenApiDocument['paths'] = {};
  const operationIds = new Set<string>();
  for (const [key, doc] of Object.entries(docs)) {
    const [method, honoPath] = splitRouteKey(key);
    const { path, params } = toOpenApiPath(honoPath);
    const methods = method === 'ALL' ? ALL_METHODS : [method.toLowerCase()];
    for (const verb of methods) {
      paths[path] ??= {};
      const item = paths[path];
      if (item[verb] !== undefined)
        throw new Error(`${key}: ${verb.toUpperCase()} ${path} is documented twice`);
      const operationId = operationIdOf(verb, path);
      if (operationIds.has(operationId)) throw new Error(`${key}: operation id ${operationId} is taken`);
      operationIds.add(operationId);
      item[verb] = operation(key, doc, params, operationId, lookup);
    }
  }
  return paths;
}

export function splitRouteKey(key: string): [string, string] {
  const match = /^([A-Z]+) (\/\S*)$/.exec(key);
  if (match === null) throw new Error(`Route key "${key}" is not "METHOD /path"`);
  return [match[1]!, match[2]!];
}

function operation(
  key: string,
  doc: RouteDoc,
  pathParams: string[],
  operationId: string,
  lookup: SchemaLookup,
): JsonSchema {
  const parameters: JsonSchema[] = [];
  const documented = Object.keys(doc.params ?? {});
  for (const name of documented) {
    if (!pathParams.includes(name))
      throw new Error(`${key}: documents :${name}, which its path does not have`);
  }
  for (const name of pathParams) {
    const schema = doc.params?.[name];
    if (schema === undefined && name !== WILDCARD_PARAM) {
      throw new Error(`${key}: no schema for the path parameter :${name}`);
    }
    parameters.push({
      name,
      in: 'path',
      required: true,
      ...(schema === undefined
        ? { description: 'The rest of the path, slashes included.', schema: { type: 'string' } }
        : { schema: lookup.request(schema) }),
    });
  }
  if (doc.query !== undefined) parameters.push(...objectParameters(key, 'query', lookup.request(doc.query)));
  if (doc.headers !== undefined)
    parameters.push(...objectParameters(key, 'header', lookup.request(doc.headers)));

  const result: JsonSchema = {
    operationId,
    summary: doc.summary,
    ...(doc.description === undefined ? {} : { description: doc.description }),
    tags: [doc.tag],
    ...(doc.deprecated === true ? { deprecated: true } : {}),
    security: SECURITY[doc.security],
    ...(parameters.length > 0 ? { parameters } : {}),
  };
  if (doc.body !== undefined) {
    const body =
      doc.body instanceof z.ZodType ? { contentType: 'application/json', schema: doc.body } : doc.body;
    result.requestBody = {
      // An optional zod body is an optional request body.
      required: body.required ?? !body.schema.safeParse(undefined).success,
      content: Object.fromEntries(
        [body.contentType].flat().map((type) => [type, { schema: lookup.request(body.schema) }]),
      ),
    };
  }

  const answers: JsonSchema = {};
  for (const [status, response] of Object.entries(doc.responses)) {
    answers[status] = {
      description: response.description,
      ...(response.headers === undefined
        ? {}
        : {
            headers: Object.fromEntries(
              Object.entries(response.headers).map(([name, header]) => [
                name,
                { description: header.description, schema: lookup.response(header.schema) },
              ]),
            ),
          }),
      ...(response.content === undefined
        ? {}
        : {
            content: Object.fromEntries(
              Object.entries(response.content).map(([type, schema]) => [
                type,
                { schema: lookup.response(schema) },
              ]),
            ),
          }),
    };
  }
  const errorStatuses = new Set(doc.errors ?? []);
  const takesInput = [doc.params, doc.query, doc.headers, doc.body].some((part) => part !== undefined);
  if (takesInput) errorStatuses.add(400);
  if (doc.security !== 'none') errorStatuses.add(401);
  const errorBody = {
    'application/json': { schema: { $ref: `${COMPONENT_REF_PREFIX}${ERROR_BODY_COMPONENT}` } },
  };
  for (const status of [...errorStatuses].sort()) {
    answers[String(status)] ??= { description: ERROR_DESCRIPTIONS[status] ?? 'Error', content: errorBody };
  }
  answers.default = { description: 'Unexpected error', content: errorBody };
  result.responses = answers;
  return result;
}

/** An object schema's properties as query or header parameters; objects in a query travel as `k[sub]=v`. */
function objectParameters(key: string, location: 'query' | 'header', json: JsonSchema): JsonSchema[] {
  const properties = json.properties as Record<string, JsonSchema> | undefined;
  if (properties === undefined) throw new Error(`${key}: the ${location} schema must be an object schema`);
  const required = new Set((json.required as string[] | undefined) ?? []);
  return Object.entries(properties).map(([name, schema]) => ({
    name,
    in: location,
    required: required.has(name),
    ...(typeof schema.description === 'string' ? { description: schema.description } : {}),
    ...(location === 'query' && isObjectSchema(schema) ? { style: 'deepObject', explode: true } : {}),
    schema,
  }));
}

function isObjectSchema(schema: JsonSchema): boolean {
  return schema.type === 'object' || (Array.isArray(schema.type) && schema.type.includes('object'));
}
