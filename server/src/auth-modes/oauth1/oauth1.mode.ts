/**
 * OAUTH1: OAuth 1.0a (RFC 5849): temporary credentials, the user's authorization, token credentials; every request
 * to the provider is signed with the integration's consumer and the connection's token. Tokens do not expire.
 */
import { type Credentials, LatchkeyError } from '@latchkey/schema';
import { templateParams } from '../../provider-requests/provider-templates';
import type { AuthModeHandler } from '../auth-mode';
import { requireClient } from '../mode-helpers';
import { oauth1SignatureMethod } from './oauth1-flow';
import { completeOAuth1, startOAuth1 } from './oauth1-flow.steps';
import { signProxyRequest } from './oauth1-proxy-signing';

type OAuth1Credentials = Extract<Credentials, { type: 'OAUTH1' }>;

export const oauth1Mode: AuthModeHandler = {
  mode: 'OAUTH1',
  flow: {
    kind: 'redirect',
    needsClient: true,
    async start({
      provider,
      integration,
      connectionConfig,
      scopes,
      runtime,
      state,
      redirectUri,
      ...request
    }) {
      const { clientId, clientSecret } = requireClient(integration);
      const started = await startOAuth1(runtime.outbound, {
        provider,
        connectionConfig,
        consumerKey: clientId,
        consumerSecret: clientSecret,
        callbackUrl: `${redirectUri}${redirectUri.includes('?') ? '&' : '?'}state=${state}`,
        scopes,
        authorizationParams: {
          ...templateParams(provider.authorization_params, connectionConfig),
          ...request.authorizationParams,
        },
        allowHttp: runtime.allowPrivateUrls,
      });
      await runtime.note('request token obtained');
      return { target: started.authorizationUrl, secrets: started.secrets };
    },
    async complete({ provider, integration, connectionConfig, scopes, runtime, query, secrets }) {
      const { clientId, clientSecret } = requireClient(integration);
      const { credentials } = await completeOAuth1(runtime.outbound, {
        query,
        provider,
        connectionConfig,
        consumerKey: clientId,
        consumerSecret: clientSecret,
        secrets,
        allowHttp: runtime.allowPrivateUrls,
      });
      await runtime.note('access token obtained');
      return { credentials, expiresAt: null, scopes };
    },
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
