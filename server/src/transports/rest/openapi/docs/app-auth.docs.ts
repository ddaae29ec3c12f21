/** GitHub App setup URL (compat doc 3.3): where GitHub sends the browser after an installation. */
import { z } from 'zod';
import type { RouteDocs } from '../route-doc';
import { callbackResponses } from './auth-flows.docs';

export const appAuthDocs: RouteDocs = {
  'GET /app-auth/connect': {
    summary: 'GitHub App setup callback',
    description:
      'Set as the GitHub App’s setup URL. Ends the flow started at `/oauth/connect` for a GitHub App integration ' +
      '(the `state` names it): the installation’s access token is fetched and the connection stored. Answers like ' +
      '`/oauth/callback`: an HTML page that posts the result to the opener, or JSON when the request accepts only ' +
      '`application/json`. Without a `state` (an installation made on GitHub, or approved later by an organization ' +
      'owner) it answers 400.',
    tag: 'Auth flows',
    security: 'none',
    query: z
      .object({
        installation_id: z.string(),
        setup_action: z.enum(['install', 'update', 'request']),
        state: z.string(),
        code: z.string(),
      })
      .partial()
      .catchall(z.string()),
    responses: callbackResponses,
    errors: [400, 429],
  },
};
