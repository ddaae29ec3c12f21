/**
 * APP (GitHub App): the end user installs the app; the installation id GitHub sends back to the setup URL
 * (`/app-auth/connect`) joins the connection config, and the connection holds an installation access token minted
 * with the app's JWT, re-minted when due and sent as a Bearer token.
 */
import type { AuthModeHandler } from '../auth-mode';
import { type AppCredentials, obtainInstallationToken } from './installation-credentials';
import {
  installationConfig,
  readInstallationCallback,
  requireInstallation,
  startInstallation,
} from './installation-redirect';

export const githubAppMode: AuthModeHandler = {
  mode: 'APP',
  flow: {
    kind: 'redirect',
    needsClient: false,
    start: startInstallation,

    async complete({ provider, integration, connectionConfig, runtime, query }) {
      const callback = readInstallationCallback(query);
      const installationId = requireInstallation(callback);
      await runtime.note('installation received', {
        installation_id: installationId,
        setup_action: callback.setupAction ?? null,
      });
      const added = installationConfig(integration, installationId);
      const obtained = await obtainInstallationToken({
        provider,
        integration,
        connectionConfig: { ...connectionConfig, ...added },
        runtime,
      });
      return { ...obtained, connectionConfig: added };
    },
  },

  renew: ({ provider, integration, connectionConfig, runtime }) =>
    obtainInstallationToken({ provider, integration, connectionConfig, runtime }),
  canRenew: (credentials) => credentials.type === 'APP',
  authorize: ({ credentials }) => ({
    headers: { authorization: `Bearer ${(credentials as AppCredentials).access_token}` },
  }),
  templateValues: (credentials) => ({
    ...credentials,
    accessToken: (credentials as AppCredentials).access_token,
  }),
  currentToken: (credentials) => (credentials as AppCredentials).access_token,
};
