/**
 * TBA (NetSuite token-based authentication): the integration holds the consumer key and secret, the end user brings a
 * token id and secret (and may override the consumer), and every request is signed OAuth 1.0a HMAC-SHA256 with the
 * account id as realm. Tokens do not expire; the provider's `proxy.verification` checks them before they are stored.
 */
import { type Credentials, LatchkeyError } from '@latchkey/schema';
import { z } from 'zod';
import type { AuthModeHandler, ModeIntegration } from '../auth-mode';
import { signTbaRequest, tbaRealm } from './tba-signing';

type TbaCredentials = Extract<Credentials, { type: 'TBA' }>;

/** Nango's body of `POST /auth/tba/:key`. */
export const tbaAuthInputSchema = z
  .object({
    token_id: z.string().min(1).max(1024),
    token_secret: z.string().min(1).max(4096),
    oauth_client_id_override: z.string().max(1024).optional(),
    oauth_client_secret_override: z.string().max(4096).optional(),
  })
  .strict();

/** The consumer that signs: each half of the connection's override when set, else the integration's (as Nango). */
export function tbaConsumer(
  credentials: TbaCredentials,
  integration: ModeIntegration,
): { consumerKey: string; consumerSecret: string } {
  const consumerKey = credentials.config_override?.client_id || integration.clientId;
  const consumerSecret = credentials.config_override?.client_secret || integration.clientSecret;
  if (!consumerKey || !consumerSecret) {
    throw new LatchkeyError(
      'integration_not_configured',
      `Integration ${integration.uniqueKey} has no consumer key and secret (TBA client_id and client_secret).`,
    );
  }
  return { consumerKey, consumerSecret };
}

export const tbaMode: AuthModeHandler = {
  mode: 'TBA',
  flow: {
    kind: 'direct',
    paths: ['/auth/tba'],
    input: tbaAuthInputSchema,
    async connect({ integration, connectionConfig, runtime, input }) {
      const override = {
        ...(input.oauth_client_id_override ? { client_id: input.oauth_client_id_override } : {}),
        ...(input.oauth_client_secret_override ? { client_secret: input.oauth_client_secret_override } : {}),
      };
      const credentials: TbaCredentials = {
        type: 'TBA',
        token_id: input.token_id,
        token_secret: input.token_secret,
        ...(Object.keys(override).length === 0 ? {} : { config_override: override }),
      };
      // Fail before the verification request when nothing could be signed.
      tbaRealm(connectionConfig.accountId);
      tbaConsumer(credentials, integration);
      await runtime.note('token received', { consumer_override: Object.keys(override) });
      return { credentials, expiresAt: null };
    },
  },
  canRenew: () => false,
  /** A new nonce and timestamp on every call: each retry and redirect hop is signed again. */
  authorize({ integration, credentials, connectionConfig, request }) {
    const token = credentials as TbaCredentials;
    return {
      headers: {
        authorization: signTbaRequest({
          method: request.method,
          url: request.url,
          ...tbaConsumer(token, integration),
          tokenId: token.token_id,
          tokenSecret: token.token_secret,
          accountId: connectionConfig.accountId,
          ...(request.formBody === undefined ? {} : { formBody: request.formBody }),
        }),
      },
    };
  },
  authorizeUsesIntegration: true,
  signsBody: 'form',
  templateValues: (credentials) => ({ ...credentials }),
  currentToken: (credentials) => (credentials as TbaCredentials).token_id,
};
