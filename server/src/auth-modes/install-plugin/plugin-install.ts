/**
 * What an INSTALL_PLUGIN flow needs before it can send anyone anywhere: the plugin's install page (the integration's
 * app link) and the credentials the installed plugin is used with (the integration's `custom` username and
 * password, of the kind the entry's `auth_type` names). Missing pieces are named, never papered over.
 */
import type { Provider } from '@latchkey/providers';
import { LatchkeyError } from '@latchkey/schema';
import type { ModeIntegration } from '../auth-mode';

export interface PluginInstall {
  appLink: URL;
  authType: 'BASIC';
  username: string;
  password: string;
}

/**
 * The integration's plugin settings: app link from its APP-style `app_link` or, failing that, `custom.app_link`;
 * username and password from `custom` (where Nango keeps them).
 * @throws LatchkeyError `unsupported_auth_mode` naming every missing or unusable piece.
 */
export function pluginInstallOf(provider: Provider, integration: ModeIntegration): PluginInstall {
  const link = integration.appLink || integration.custom.app_link;
  const appLink = parseLink(link);
  const { username, password } = integration.custom;
  const problems: Array<[field: string, text: string]> = [];
  if (provider.auth_type !== 'BASIC') problems.push(['auth_type', "the provider entry's auth_type (BASIC)"]);
  if (appLink === undefined) {
    problems.push([
      'app_link',
      link ? 'an http(s) app link (custom app_link)' : 'the app link (custom app_link)',
    ]);
  }
  if (!username) problems.push(['username', 'the username (custom username)']);
  if (!password) problems.push(['password', 'the password (custom password)']);
  if (problems.length > 0 || appLink === undefined || !username || !password) {
    throw new LatchkeyError(
      'unsupported_auth_mode',
      `INSTALL_PLUGIN cannot run for integration ${integration.uniqueKey}: missing ${problems.map(([, text]) => text).join(', ')}.`,
      { payload: { missing: problems.map(([field]) => field) } },
    );
  }
  return { appLink, authType: 'BASIC', username, password };
}

/**
 * The install page with the state as `payload`, the parameter Crisp-style plugin installs carry back to the
 * callback (Nango reads the state from `state`, `payload` or `customField`).
 */
export function installPageUrl(appLink: URL, state: string): URL {
  const target = new URL(appLink);
  target.searchParams.set('payload', state);
  return target;
}

function parseLink(link: string | null | undefined): URL | undefined {
  if (!link) return undefined;
  try {
    const url = new URL(link);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url : undefined;
  } catch {
    return undefined;
  }
}
