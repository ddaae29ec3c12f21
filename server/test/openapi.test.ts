/**
 * The OpenAPI document (issue 6): every REST route the app serves has a documentation entry and every entry a
 * route, the generated document is well-formed OpenAPI 3.1, it and the reference page are served, and real answers
 * match the schemas the document gives for them.
 */
import { errorBodySchema } from '@latchkey/schema';
import type { Hono } from 'hono';
import { inspectRoutes } from 'hono/dev';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { openApiJson } from '../src/transports/rest/openapi/openapi.routes';
import { toOpenApiPath } from '../src/transports/rest/openapi/openapi-paths';
import { ROUTE_DOCS } from '../src/transports/rest/openapi/route-docs';
import type { RestEnv } from '../src/transports/rest/rest-env';
import { type ServedLatchkey, serveTestLatchkey } from './support/served-latchkey';
import { databaseKinds } from './support/test-database';

/**
 * Mounts on the same app that are not REST routes, so have no entry here: GraphQL (Yoga; its contract is
 * `schema/schema.graphql`) and tRPC (typed by its router). Add static asset mounts here too: the dashboard's pages
 * (`/`, `/setup`, `/dashboard/*`, dashboard.routes.ts) are HTML for browsers, not API, and so are the operators'
 * OpenID Connect sign-in redirects (`/operator-auth/oidc/*`).
 */
const NON_REST_MOUNTS = ['/graphql', '/trpc', '/dashboard', '/setup', '/', '/operator-auth'];

/** `METHOD /path` of every route handler, as Hono registered it. */
function restRouteKeys(app: Hono<RestEnv>): string[] {
  const keys = new Set<string>();
  // `inspectRoutes` unwraps handlers Hono composed when mounting sub-apps and tells middleware, which takes
  // `(c, next)`, from handlers: middleware-only entries such as `ALL /integrations/*` are not routes.
  for (const route of inspectRoutes(app)) {
    if (route.isMiddleware) continue;
    if (NON_REST_MOUNTS.some((mount) => route.path === mount || route.path.startsWith(`${mount}/`))) continue;
    keys.add(`${route.method} ${route.path}`);
  }
  return [...keys].sort();
}

type Json = Record<string, unknown>;

function resolvePointer(document: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let node = document;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
    if (node === null || typeof node !== 'object' || !(key in node)) return undefined;
    node = (node as Json)[key];
  }
  return node;
}

function collectRefs(value: unknown, into: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) collectRefs(item, into);
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key === '$ref' && typeof item === 'string') into.push(item);
      else collectRefs(item, into);
    }
  }
  return into;
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

describe('the OpenAPI document', () => {
  const document = JSON.parse(openApiJson()) as {
    openapi: string;
    tags: Array<{ name: string }>;
    paths: Record<string, Record<string, Json>>;
    components: { schemas: Record<string, Json>; securitySchemes: Record<string, Json> };
  };

  it('is OpenAPI 3.1 and every $ref resolves inside it', () => {
    expect(document.openapi).toMatch(/^3\.1\.\d+$/);
    const refs = collectRefs(document);
    expect(refs.length).toBeGreaterThan(50);
    const dangling = [...new Set(refs)].filter((ref) => resolvePointer(document, ref) === undefined);
    expect(dangling).toEqual([]);
  });

  it('gives every operation an id, a tag, known security, its path parameters and its answers', () => {
    const problems: string[] = [];
    const operationIds = new Set<string>();
    const tags = new Set(document.tags.map((tag) => tag.name));
    for (const [path, item] of Object.entries(document.paths)) {
      const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
      for (const [method, operation] of Object.entries(item)) {
        const where = `${method.toUpperCase()} ${path}`;
        if (!HTTP_METHODS.includes(method)) problems.push(`${where}: not an HTTP method`);
        const id = operation.operationId as string;
        if (operationIds.has(id)) problems.push(`${where}: duplicate operationId ${id}`);
        operationIds.add(id);
        for (const tag of operation.tags as string[])
          if (!tags.has(tag)) problems.push(`${where}: unknown tag ${tag}`);
        for (const requirement of operation.security as Json[]) {
          for (const scheme of Object.keys(requirement)) {
            if (!(scheme in document.components.securitySchemes))
              problems.push(`${where}: no scheme ${scheme}`);
          }
        }
        const parameters = (operation.parameters as Json[] | undefined) ?? [];
        const inPath = parameters.filter((p) => p.in === 'path').map((p) => p.name);
        if (JSON.stringify(inPath.sort()) !== JSON.stringify([...templated].sort())) {
          problems.push(`${where}: path parameters ${inPath} do not match the template`);
        }
        for (const parameter of parameters) {
          if (parameter.schema === undefined)
            problems.push(`${where}: parameter ${parameter.name} has no schema`);
        }
        const statuses = Object.keys((operation.responses as Json | undefined) ?? {});
        // Some operations only ever refuse (Nango's sync paths answer 404 not_supported), so any status will do.
        if (!statuses.some((status) => /^[1-5]\d\d$/.test(status)))
          problems.push(`${where}: no answer status`);
        for (const status of statuses) {
          const answer = (operation.responses as Record<string, Json>)[status]!;
          if (typeof answer.description !== 'string') problems.push(`${where} ${status}: no description`);
          const schema = (answer.content as Record<string, Json> | undefined)?.['application/json']?.schema;
          if (/^[45]\d\d$/.test(status) && schema === undefined)
            problems.push(`${where} ${status}: no JSON body`);
          if (
            status === 'default' &&
            (schema as Json | undefined)?.$ref !== '#/components/schemas/ErrorBody'
          ) {
            problems.push(`${where} default: not the error body`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
    expect(operationIds.size).toBeGreaterThanOrEqual(Object.keys(ROUTE_DOCS).length);
  });

  it('takes its schemas from zod: named components, with the error body among them', () => {
    const { ErrorBody, Integration, CreateIntegrationInput } = document.components.schemas;
    expect(ErrorBody).toMatchObject({ type: 'object', required: ['error'] });
    expect(Integration?.properties).toHaveProperty('unique_key');
    // The input side of the credentials' `scopes` transform: a comma-separated string.
    expect(JSON.stringify(CreateIntegrationInput)).toContain(
      '"$ref":"#/components/schemas/IntegrationCredentialsInput"',
    );
    expect(document.paths['/connections/{connectionId}']?.get?.responses).toMatchObject({
      200: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Connection' } } } },
    });
  });
});

describe.each(databaseKinds())('REST routes against their documentation (%s)', (kind) => {
  let served: ServedLatchkey;
  const request = (path: string, init?: Parameters<ServedLatchkey['t']['request']>[1]) =>
    served.t.request(path, init);

  beforeAll(async () => {
    served = await serveTestLatchkey(kind);
  });
  afterAll(() => served?.[Symbol.asyncDispose]());

  it('documents every REST route the app serves', () => {
    const undocumented = restRouteKeys(served.t.latchkey.app).filter((key) => ROUTE_DOCS[key] === undefined);
    expect(
      undocumented,
      `REST routes without an entry in server/src/transports/rest/openapi/docs/:\n  ${undocumented.join('\n  ')}\n`,
    ).toEqual([]);
  });

  it('has no documentation entry without a route', () => {
    const routes = new Set(restRouteKeys(served.t.latchkey.app));
    const stale = Object.keys(ROUTE_DOCS).filter((key) => !routes.has(key));
    expect(stale, `documentation entries that match no route:\n  ${stale.join('\n  ')}\n`).toEqual([]);
  });

  it('serves the document and the reference page over HTTP, without a key, from this server only', async () => {
    const spec = await fetch(`${served.url}/openapi.json`);
    expect(spec.status).toBe(200);
    expect(spec.headers.get('content-type')).toMatch(/^application\/json/);
    expect(spec.headers.get('access-control-allow-origin')).toBe('*');
    expect(await spec.json()).toEqual(JSON.parse(openApiJson()));

    const page = await fetch(`${served.url}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    const html = await page.text();
    expect(html).toContain('<script src="/docs/scalar.js"></script>');
    expect(html).not.toMatch(/https?:\/\//);

    const init = await fetch(`${served.url}/docs/init.js`);
    expect(init.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await init.text()).toContain('"url":"/openapi.json"');

    const bundle = await fetch(`${served.url}/docs/scalar.js`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(bundle.headers.get('cache-control')).toMatch(/max-age=\d+/);
    // fetch asks for gzip and unpacks it: what arrives is the whole bundle.
    expect(bundle.headers.get('content-encoding')).toBe('gzip');
    const source = await bundle.text();
    expect(source.length).toBeGreaterThan(1_000_000);
    expect(source).toContain('createApiReference');

    const etag = bundle.headers.get('etag');
    expect(etag).toMatch(/^"scalar-/);
    const again = await fetch(`${served.url}/docs/scalar.js`, { headers: { 'if-none-match': etag! } });
    expect(again.status).toBe(304);
  });

  describe('real answers parse with their documented schemas', () => {
    /** The documented schema of an answer; zod drops keys a schema does not name, so equality means none is missing. */
    async function expectDocumented(key: string, status: number, response: Response): Promise<Json> {
      const body = (await response.json()) as Json;
      expect(response.status, `${key}: ${JSON.stringify(body)}`).toBe(status);
      const doc = ROUTE_DOCS[key];
      expect(doc, `${key} is documented`).toBeDefined();
      const schema: z.ZodType | undefined =
        response.status >= 400
          ? errorBodySchema
          : doc!.responses[response.status]?.content?.['application/json'];
      expect(
        schema,
        `${key} documents a ${response.status} JSON answer (got ${JSON.stringify(body)})`,
      ).toBeDefined();
      if (response.status >= 400) {
        const [method, path] = key.split(' ') as [string, string];
        // The error body is one schema for every route; what is checked per route is that it lists this status.
        const operation = JSON.parse(openApiJson()).paths[toOpenApiPath(path).path][method.toLowerCase()];
        expect(Object.keys(operation.responses), `${key} documents ${response.status}`).toContain(
          String(response.status),
        );
      }
      const parsed = schema!.safeParse(body);
      expect(parsed.error, `${key} ${response.status}`).toBeUndefined();
      expect(parsed.data).toEqual(body);
      return body;
    }

    it('providers, integrations, connect sessions, a flow, connections, environment, events, health', async () => {
      const check = async (key: string, status: number, path: string, init?: Parameters<typeof request>[1]) =>
        expectDocumented(key, status, await request(path, init));

      await check('POST /providers', 201, '/providers', {
        method: 'POST',
        json: {
          name: 'doc-api',
          display_name: 'Doc API',
          docs: 'https://example.com/docs',
          auth_mode: 'API_KEY',
          credentials: {
            apiKey: { type: 'string', title: 'API key', description: 'Your key', secret: true },
          },
          proxy: { base_url: 'https://api.example.com', headers: { 'x-api-key': '${apiKey}' } },
        },
      });
      await check('GET /providers', 200, '/providers?search=doc');
      await check('GET /providers/:name', 200, '/providers/github');
      await check('POST /integrations', 200, '/integrations', {
        method: 'POST',
        json: { unique_key: 'docs', provider: 'doc-api' },
      });
      await check('POST /integrations', 200, '/integrations', {
        method: 'POST',
        json: {
          unique_key: 'gh',
          provider: 'github',
          credentials: { type: 'OAUTH2', client_id: 'id-1', client_secret: 'secret-1', scopes: 'repo,user' },
        },
      });
      await check('GET /integrations', 200, '/integrations');
      await check('GET /integrations/:uniqueKey', 200, '/integrations/gh?include=credentials,webhook');

      const session = await check('POST /connect/sessions', 201, '/connect/sessions', {
        method: 'POST',
        json: { end_user: { id: 'u-1', email: 'ada@example.com' }, tags: { team: 'docs' } },
      });
      const token = (session.data as { token: string }).token;
      await check('GET /connect/session', 200, '/connect/session', { key: token });
      const flow = await check(
        'POST /api-auth/api-key/:integration',
        200,
        `/api-auth/api-key/docs?connect_session_token=${token}`,
        { method: 'POST', json: { apiKey: 'k-docs' }, key: null },
      );
      await check('GET /connect/session/events', 200, '/connect/session/events', { key: token });

      await check('GET /connections', 200, '/connections?integrationId=docs');
      await check(
        'GET /connections/:connectionId',
        200,
        `/connections/${flow.connectionId}?provider_config_key=docs`,
      );
      await check('GET /connections/:connectionId', 404, '/connections/missing?provider_config_key=docs');
      await check('GET /environment', 200, '/environment');
      await check('GET /events', 200, '/events');
      await check('GET /logs', 200, '/logs');
      await check('GET /health', 200, '/health');
      await check('GET /integrations', 401, '/integrations', { key: 'not-a-key' });
    });
  });
});
