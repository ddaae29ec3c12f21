/**
 * The public flow endpoints the frontend SDK and the Connect UI call (compat doc 3.4, 4.1): authenticated by a
 * connect session token or the environment's public key in the query, never by the secret key.
 */
import { authSuccessSchema, uniqueKeySchema } from '@latchkey/schema';
import { z } from 'zod';
import { flowQuerySchema } from '../../../../auth-flows/flow-request';
import { directEndpoints } from '../../../../auth-modes/registry';
import { jsonResponse, type RouteDoc, type RouteDocs } from '../route-doc';

const integration = { integration: uniqueKeySchema };

const directFlow = (summary: string, body: z.ZodType | undefined): RouteDoc => ({
  summary,
  tag: 'Auth flows',
  security: 'flowCredential',
  params: integration,
  query: flowQuerySchema,
  ...(body === undefined ? {} : { body }),
  responses: { 200: jsonResponse(authSuccessSchema, 'Connected') },
  errors: [403, 404, 429],
});

/** What a callback answers: the page that posts the result to the opener, or JSON when only JSON is accepted. */
export const callbackResponses: RouteDoc['responses'] = {
  200: {
    description: 'The flow completed',
    content: { 'text/html': z.string(), 'application/json': authSuccessSchema },
  },
};

export const authFlowDocs: RouteDocs = {
  'GET /oauth/connect/:integration': {
    summary: 'Start an OAuth flow',
    description:
      'Redirects the browser to the provider’s authorization page. Errors answer an HTML page that posts the result ' +
      'to the opener (or JSON when the request accepts only `application/json`), never a redirect.',
    tag: 'Auth flows',
    security: 'flowCredential',
    params: integration,
    query: flowQuerySchema,
    responses: {
      302: {
        description: 'Redirect to the provider',
        headers: { Location: { description: 'The authorization URL', schema: z.string() } },
      },
    },
    errors: [403, 404, 429],
  },
  'GET /oauth/callback': {
    summary: 'OAuth callback',
    description:
      'Where providers send the browser back. Answers an HTML page that posts the result to the opener, or JSON ' +
      'when the request accepts only `application/json`.',
    tag: 'Auth flows',
    security: 'none',
    query: z
      .object({
        state: z.string(),
        code: z.string(),
        error: z.string(),
        error_description: z.string(),
        oauth_token: z.string(),
        oauth_verifier: z.string(),
      })
      .partial()
      .catchall(z.string()),
    responses: callbackResponses,
    errors: [400, 429],
  },
  // One per auth mode that completes in one request, as the registry routes them.
  ...Object.fromEntries(
    directEndpoints().map(({ path, mode }) => [
      `POST ${path}/:integration`,
      directFlow(mode.flow.summary ?? `Connect a ${mode.mode} integration`, mode.flow.input),
    ]),
  ),
};
