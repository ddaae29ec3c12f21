/**
 * What a widget holding a connect session token sends to start a flow through a typed API: the integration, the end
 * user's connection configuration, and the credentials of the direct modes (REST takes the same in its flow query).
 */
import { z } from 'zod';
import { apiKeyAuthInputSchema, basicAuthInputSchema } from './credentials';
import { uniqueKeySchema } from './integrations';

const stringMap = z.record(z.string().max(255), z.string().max(4000));

const sessionFlowBase = z.object({
  integration: uniqueKeySchema,
  /** Connection configuration (subdomain, region…), as `params[k]=v` on the REST flow endpoints. */
  params: stringMap.optional(),
});

export const startOAuthFlowInputSchema = sessionFlowBase
  .extend({
    authorizationParams: stringMap.optional(),
    userScope: z.string().max(4000).optional(),
    /** The page that will open the authorization URL; the callback page posts its result there. */
    openerOrigin: z.url().max(2048).optional(),
  })
  .strict();

export const apiKeyFlowInputSchema = sessionFlowBase.extend(apiKeyAuthInputSchema.shape).strict();
export const basicFlowInputSchema = sessionFlowBase.extend(basicAuthInputSchema.shape).strict();

/**
 * Any one-request mode (API_KEY, BASIC, OAUTH2_CC, TWO_STEP, JWT, SIGNATURE, BILL, TBA, AWS_SIGV4, NONE): the
 * credentials are the body Nango's endpoint for that mode takes, checked with that mode's schema.
 */
export const credentialsFlowInputSchema = sessionFlowBase
  .extend({
    authMode: z.string().min(1).max(32),
    credentials: z.record(z.string().max(255), z.unknown()).optional(),
  })
  .strict();

export const startedOAuthFlowSchema = z.object({
  /** Where to send the user's browser: the provider's authorization page. */
  url: z.string(),
});
