/**
 * INSTALL_PLUGIN (Crisp-style plugin installs): `/oauth/connect` sends the end user to the plugin's install page,
 * which comes back to the callback with the state and the values the entry's `redirect_uri_metadata` names (the
 * website the plugin was installed on). The connection then uses the plugin's own credentials, which the
 * integration holds, as the entry's `auth_type` says (BASIC); they never expire.
 */
import { callbackMetadata } from '../../provider-requests/connection-config';
import type { AuthModeHandler } from '../auth-mode';
import { basicMode } from '../basic/basic.mode';
import { installPageUrl, pluginInstallOf } from './plugin-install';

export const installPluginMode: AuthModeHandler = {
  mode: 'INSTALL_PLUGIN',
  flow: {
    kind: 'redirect',
    needsClient: false,
    verifiesCredentials: true,
    async start({ provider, integration, runtime, state }) {
      const { appLink } = pluginInstallOf(provider, integration);
      await runtime.note('sending the user to the plugin install page', { host: appLink.host });
      return { target: installPageUrl(appLink, state), secrets: {} };
    },
    async complete({ provider, integration, runtime, query }) {
      const plugin = pluginInstallOf(provider, integration);
      const connectionConfig = callbackMetadata(provider, query);
      await runtime.note('plugin installed', { metadata: Object.keys(connectionConfig) });
      return {
        credentials: { type: plugin.authType, username: plugin.username, password: plugin.password },
        expiresAt: null,
        connectionConfig,
      };
    },
  },
  // The stored credentials are BASIC ones: used exactly as the BASIC mode uses them.
  canRenew: () => false,
  authorize: (input) => basicMode.authorize(input),
  templateValues: (credentials) => basicMode.templateValues(credentials),
  currentToken: () => undefined,
};
