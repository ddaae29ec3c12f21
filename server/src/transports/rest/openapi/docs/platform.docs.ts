/** Health, provider logos, the proxy, the hosted connect page, and this reference itself. */
import { healthSchema } from '@latchkey/schema';
import { z } from 'zod';
import { hostedQuery } from '../../routes/hosted-connect.routes';
import { jsonResponse, type RouteDoc, type RouteDocs } from '../route-doc';

/** The proxy validates these headers; any `Nango-Proxy-<name>` header is forwarded to the provider as `<name>`. */
const proxyHeaders = z.object({
  'connection-id': z.string().min(1).max(255),
  'provider-config-key': z.string().min(1).max(255),
  'base-url-override': z.string().max(2048).optional(),
  retries: z.string().regex(/^\d*$/).optional(),
  'retry-on': z.string().optional().describe('Comma-separated status codes to retry on.'),
  decompress: z.enum(['true', 'false']).optional(),
  'forward-headers-on-redirect': z.enum(['true', 'false']).optional(),
});

const proxy = (path: string): RouteDoc => ({
  summary: 'Call the provider’s API with the connection’s credentials',
  description:
    `Any method; \`${path}\` maps onto the provider’s base URL. The body passes through untouched and the answer ` +
    'is the provider’s, unless Latchkey itself refuses or fails (then the error body).',
  tag: 'Proxy',
  security: 'secretKey',
  headers: proxyHeaders,
  body: { contentType: '*/*', schema: z.unknown(), required: false },
  responses: { 200: { description: 'The provider’s answer', content: { '*/*': z.unknown() } } },
  errors: [403, 404, 424],
});

const script = (summary: string): RouteDoc => ({
  summary,
  tag: 'Platform',
  security: 'none',
  responses: { 200: { description: 'JavaScript', content: { 'text/javascript': z.string() } } },
});

export const platformDocs: RouteDocs = {
  'GET /health': {
    summary: 'Health check',
    description:
      '200 `ok` when the database answers; 503 `degraded` (database `unreachable`) when it does not answer within a second. Recovers by itself.',
    tag: 'Platform',
    security: 'none',
    responses: {
      200: jsonResponse(healthSchema),
      503: jsonResponse(healthSchema, 'Degraded: the database is unreachable'),
    },
  },
  'GET /images/template-logos/:file': {
    summary: 'Provider logo',
    description: 'An SVG drawn from the provider’s display name (`<provider>.svg`).',
    tag: 'Platform',
    security: 'none',
    params: { file: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}(\.svg)?$/) },
    responses: { 200: { description: 'The logo', content: { 'image/svg+xml': z.string() } } },
    errors: [404],
  },
  'GET /connect': {
    summary: 'Hosted connect page',
    description:
      'The page a session’s `connect_link` opens, for email and cross-device flows: the Connect widget, full page. ' +
      'HTML; 503 `hosted_page_not_built` when the widget has not been built.',
    tag: 'Connect sessions',
    security: 'none',
    query: hostedQuery,
    responses: { 200: { description: 'The page', content: { 'text/html': z.string() } } },
    errors: [503],
  },
  'GET /connect/assets/:file': {
    summary: 'Hosted connect page asset',
    tag: 'Connect sessions',
    security: 'none',
    params: { file: z.string() },
    responses: { 200: { description: 'A script or stylesheet of the page', content: { '*/*': z.string() } } },
    errors: [404, 503],
  },
  'ALL /proxy': proxy('/proxy'),
  'ALL /proxy/*': proxy('/proxy/{path}'),
  'GET /openapi.json': {
    summary: 'This OpenAPI document',
    tag: 'Platform',
    security: 'none',
    responses: { 200: jsonResponse(z.record(z.string(), z.unknown()), 'OpenAPI 3.1 document') },
  },
  'GET /docs': {
    summary: 'API reference page',
    tag: 'Platform',
    security: 'none',
    responses: { 200: { description: 'HTML page', content: { 'text/html': z.string() } } },
  },
  'GET /docs/scalar.js': script('The API reference renderer (Scalar, served from this server)'),
  'GET /docs/init.js': script('Starts the renderer on the reference page'),
};
