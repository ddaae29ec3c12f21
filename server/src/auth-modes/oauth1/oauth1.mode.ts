/**
 * OAUTH1: OAuth 1.0a (RFC 5849): temporary credentials, the user's authorization, token credentials; every request
 * to the provider is signed with the integration's consumer and the connection's token. Tokens do not expire.
 */
import { type Credentials, LatchkeyError } from '@latchkey/schema';
import type { AuthModeHandler } from '../auth-mode';
import { oauth1SignatureMethod } from './oauth1-flow';
import { completeOAuth1, startOAuth1 } from './oauth1-flow.steps';
import { signProxyRequest } from './oauth1-proxy-signing';

type OAuth1Credentials = Extract<Credentials, { type: 'OAUTH1' }>;

export const oauth1Mode: AuthModeHandler = {
  mode: 'OAUTH1',
  flow: {
    kind: 'redirect',
    needsClient: true,
    start: startOAuth1,
    complete: completeOAuth1,
  },
  canRenew: () => false,
  /** A new nonce and timestamp on every call: each retry and redirect hop is signed again. */
  authorize({ provider, integration, credentials, request }) {
    const token = credentials as OAuth1Credentials;
    if (integration.clientId === null || integration.clientSecret === null) {
      throw new LatchkeyError('integration_not_configured');
    }
    return {
      headers: {
        authorization: signProxyRequest({
          method: request.method,
          url: request.url,
          consumerKey: integration.clientId,
          consumerSecret: integration.clientSecret,
          accessToken: token.oauth_token,
          accessTokenSecret: token.oauth_token_secret,
          signatureMethod: oauth1SignatureMethod(provider),
          ...(request.formBody === undefined ? {} : { formBody: request.formBody }),
        }),
      },
    };
  },
  signsBody: 'form',
  authorizeUsesIntegration: true,
  templateValues: (credentials) => ({ ...credentials }),
  currentToken: (credentials) => (credentials as OAuth1Credentials).oauth_token,
};
