/**
 * CUSTOM (GitHub App with user authorization during installation, Nango's `github-app-oauth`): the end user
 * installs the app and authorizes it in one trip; GitHub comes back to the callback URL with a code and the
 * installation id. The connection holds both tokens: the installation token (sent to the provider, as in Nango's
 * proxy) and the user's OAuth token. A renewal re-mints the installation token and refreshes the user token when
 * it is due and refreshable.
 */
import type { Provider } from '@latchkey/providers';
import { type Credentials, LatchkeyError } from '@latchkey/schema';
import { type AppCredentials, obtainInstallationToken, requireApp } from '../app/installation-credentials';
import {
  installationConfig,
  installationUrl,
  readInstallationCallback,
  requireInstallation,
  startInstallation,
} from '../app/installation-redirect';
import type { AuthModeHandler, ModeIntegration, ModeRuntime } from '../auth-mode';
import { processAuthorizationCallback } from '../oauth2/callback-params';
import { exchangeUserCode, refreshUserToken, type UserCredentials } from './user-token';

type CustomCredentials = Extract<Credentials, { type: 'CUSTOM' }>;

/** Nango's default margin before expiry (compat doc 5), when the entry sets no `token_expiration_buffer`. */
const DEFAULT_BUFFER_SECONDS = 15 * 60;

export const githubAppOAuthMode: AuthModeHandler = {
  mode: 'CUSTOM',
  flow: {
    kind: 'redirect',
    needsClient: true,
    start: startInstallation,

    async complete({ provider, integration, connectionConfig, runtime, state, redirectUri, query }) {
      const { appLink } = requireApp(integration);
      // The installation page stands for the authorization endpoint: its origin is the expected issuer.
      const issuer = installationUrl({
        provider,
        appLink,
        connectionConfig,
        state,
        allowHttp: runtime.allowPrivateUrls,
      }).origin;
      const codeParam = provider.authorization_code_param_in_callback ?? 'code';
      // A refusal by the user is reported as such, before anything else is looked at.
      const code =
        (query.get(codeParam) ?? '') !== '' || query.has('error')
          ? processAuthorizationCallback(query, provider, issuer).code
          : undefined;
      const callback = readInstallationCallback(query);
      const installationId = requireInstallation(callback);
      // An update of an existing installation comes without a code (Nango: connected with the app token alone).
      if (code === undefined && callback.setupAction !== 'update') {
        throw new LatchkeyError('invalid_callback', 'The callback carries no authorization code.');
      }
      await runtime.note('installation received', {
        installation_id: installationId,
        setup_action: callback.setupAction ?? null,
        has_code: code !== undefined,
      });
      const added = installationConfig(integration, installationId);
      const context = { provider, integration, connectionConfig: { ...connectionConfig, ...added }, runtime };
      const user =
        code === undefined
          ? null
          : (await exchangeUserCode(context, { code, state, redirectUri })).credentials;
      const app = await obtainInstallationToken(context);
      return {
        credentials: customCredentials(app.credentials, user),
        expiresAt: connectionExpiry(app.expiresAt, user),
        connectionConfig: added,
      };
    },
  },

  async renew({ provider, integration, credentials, connectionConfig, runtime }) {
    const current = credentials as CustomCredentials;
    const context = { provider, integration, connectionConfig, runtime };
    const app = await obtainInstallationToken(context);
    const user = await renewedUser(current.user, context);
    return {
      credentials: customCredentials(app.credentials, user),
      expiresAt: connectionExpiry(app.expiresAt, user),
    };
  },
  canRenew: (credentials) => credentials.type === 'CUSTOM',
  authorize: ({ credentials }) => ({
    headers: { authorization: `Bearer ${(credentials as CustomCredentials).app.access_token}` },
  }),
  templateValues: (credentials) => {
    const { app } = credentials as CustomCredentials;
    return { ...credentials, access_token: app.access_token, accessToken: app.access_token };
  },
  currentToken: (credentials) => (credentials as CustomCredentials).app.access_token,
};

function customCredentials(app: AppCredentials, user: UserCredentials | null): CustomCredentials {
  return { type: 'CUSTOM', app, user, raw: app.raw };
}

/**
 * The user token is refreshed only when due and refreshable. When GitHub refuses the refresh the grant is gone:
 * the connection keeps working with the installation token, without a user (as Nango). When GitHub cannot be
 * reached, the user token is kept for the next renewal.
 */
async function renewedUser(
  user: UserCredentials | null,
  context: {
    provider: Provider;
    integration: ModeIntegration;
    connectionConfig: Record<string, string>;
    runtime: ModeRuntime;
  },
): Promise<UserCredentials | null> {
  if (user === null || user.refresh_token === undefined || !isDue(user.expires_at, context.provider))
    return user;
  try {
    return (await refreshUserToken(context, { ...user, refresh_token: user.refresh_token })).credentials;
  } catch (error) {
    if (!(error instanceof LatchkeyError)) throw error;
    const refused = error.code === 'token_exchange_failed' || error.code === 'unable_to_parse_token_response';
    await context.runtime.note(refused ? 'user token refused: dropped' : 'user token refresh failed: kept', {
      code: error.code,
    });
    return refused ? null : user;
  }
}

function isDue(expiresAt: string | undefined, provider: Provider, now = Date.now()): boolean {
  if (expiresAt === undefined) return false;
  const at = Date.parse(expiresAt);
  return !Number.isNaN(at) && at - now <= (provider.token_expiration_buffer ?? DEFAULT_BUFFER_SECONDS) * 1000;
}

/** The connection is due when either token is: the installation token, or a user token that can be refreshed. */
function connectionExpiry(app: Date | null, user: UserCredentials | null): Date | null {
  const userAt =
    user?.refresh_token !== undefined && user.expires_at !== undefined ? new Date(user.expires_at) : null;
  if (app === null || userAt === null) return app ?? userAt;
  return app.getTime() <= userAt.getTime() ? app : userAt;
}
