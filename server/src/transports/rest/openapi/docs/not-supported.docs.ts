/** Nango's sync/functions paths, which answer 404 `not_supported` (routes/not-supported.routes.ts). */
import { errorBodySchema } from '@latchkey/schema';
import { z } from 'zod';
import { NOT_SUPPORTED_ROUTES } from '../../routes/not-supported.routes';
import { toOpenApiPath } from '../openapi-paths';
import type { RouteDocs } from '../route-doc';

export const notSupportedDocs: RouteDocs = Object.fromEntries(
  NOT_SUPPORTED_ROUTES.flatMap((route) =>
    route.paths.map((path) => [
      `${route.method ?? 'ALL'} ${path}`,
      {
        summary: `Not supported: ${route.what}`,
        description:
          'Part of Nango’s sync/functions product, which Latchkey does not implement: always 404 `not_supported`.',
        tag: 'Platform' as const,
        security: 'secretKey' as const,
        params: Object.fromEntries(toOpenApiPath(path).params.map((name) => [name, z.string()])),
        responses: {
          404: { description: 'Not supported', content: { 'application/json': errorBodySchema } },
        },
      },
    ]),
  ),
);
