/**
 * The browser side of a GitHub App installation (compat doc 3.3): the end user is sent to the app's installation
 * page with the flow's state; GitHub sends them back to the app's setup URL (`/app-auth/connect`) or, when the app
 * asks for user authorization during installation, to its callback URL, with `installation_id` and `setup_action`.
 */
import type { Provider } from '@latchkey/providers';
import { LatchkeyError } from '@latchkey/schema';
import { buildProviderUrl } from '../../provider-requests/provider-url';
import type { ModeIntegration, RedirectFlow } from '../auth-mode';
import { requireApp } from './installation-credentials';

/** What Nango's GitHub App entries declare; used when an entry of these modes leaves `authorization_url` out. */
const DEFAULT_INSTALLATION_URL = '${connectionConfig.appPublicLink}/installations/new';

/**
 * The entry's `authorization_url` filled with `appPublicLink` = the integration's app link (as Nango does), and
 * `state`, which GitHub passes on to the setup or callback URL.
 */
export function installationUrl(input: {
  provider: Provider;
  appLink: string;
  connectionConfig: Record<string, string>;
  state: string;
  allowHttp: boolean;
}): URL {
  const config = { ...input.connectionConfig, appPublicLink: input.appLink.replace(/\/+$/, '') };
  const url = buildProviderUrl(input.provider.authorization_url ?? DEFAULT_INSTALLATION_URL, config, {
    allowHttp: input.allowHttp,
    fields: input.provider.connection_config,
  });
  url.searchParams.set('state', input.state);
  return url;
}

/** The start of both GitHub App flows (APP, CUSTOM): off to the installation page, nothing to keep. */
export const startInstallation: RedirectFlow['start'] = async ({
  provider,
  integration,
  connectionConfig,
  runtime,
  state,
}) => {
  const { appLink } = requireApp(integration);
  const target = installationUrl({
    provider,
    appLink,
    connectionConfig,
    state,
    allowHttp: runtime.allowPrivateUrls,
  });
  return { target, secrets: {} };
};

/** What an installation adds to the connection config (Nango's keys); the installation token URL uses it. */
export function installationConfig(
  integration: ModeIntegration,
  installationId: string,
): Record<string, string> {
  const { appId, appLink } = requireApp(integration);
  return { appPublicLink: appLink.replace(/\/+$/, ''), installation_id: installationId, app_id: appId };
}

export type SetupAction = 'install' | 'update' | 'request';

export interface InstallationCallback {
  installationId: string | undefined;
  setupAction: SetupAction | undefined;
}

/** GitHub's ids are numbers; anything else in a URL path would be an attempt to reach another endpoint. */
const INSTALLATION_ID = /^[0-9]{1,20}$/;

export function readInstallationCallback(query: URLSearchParams): InstallationCallback {
  const id = query.get('installation_id');
  if (id !== null && id !== '' && !INSTALLATION_ID.test(id)) {
    throw new LatchkeyError('invalid_callback', 'The callback carries an invalid installation_id.');
  }
  const action = query.get('setup_action');
  return {
    installationId: id === null || id === '' ? undefined : id,
    setupAction: action === 'install' || action === 'update' || action === 'request' ? action : undefined,
  };
}

/**
 * The installation this callback made or changed. `setup_action=request` means a member asked an organization owner
 * to install the app: nothing is installed yet, so there is nothing to connect.
 */
export function requireInstallation(callback: InstallationCallback): string {
  if (callback.setupAction === 'request') {
    throw new LatchkeyError(
      'invalid_callback',
      'The installation was requested, not made: it awaits approval by an organization owner.',
    );
  }
  if (callback.installationId === undefined) {
    throw new LatchkeyError('invalid_callback', 'The callback carries no installation_id.');
  }
  return callback.installationId;
}
