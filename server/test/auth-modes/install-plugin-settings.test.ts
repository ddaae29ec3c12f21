/** INSTALL_PLUGIN's preconditions: every missing piece named, never a silent success. */
import type { Provider } from '@latchkey/providers';
import { describe, expect, it } from 'vitest';
import type { ModeIntegration } from '../../src/auth-modes/auth-mode';
import { installPageUrl, pluginInstallOf } from '../../src/auth-modes/install-plugin/plugin-install';
import { modeIntegration } from './auth-mode-fixtures';

const PROVIDER = {
  name: 'chat-plugin',
  display_name: 'Chat plugin',
  docs: 'https://example.com/docs',
  auth_mode: 'INSTALL_PLUGIN',
  auth_type: 'BASIC',
  redirect_uri_metadata: ['website_id'],
} as Provider;

const integration = (custom: Record<string, string>, appLink: string | null = null) =>
  modeIntegration({ id: 'i-1', uniqueKey: 'chat', appLink, custom });

/** The settings' refusal: always 400 unsupported_auth_mode, `payload.missing` naming the fields. */
function refusal(provider: Provider, of: ModeIntegration, missing: string[]) {
  expect(() => pluginInstallOf(provider, of)).toThrow(
    expect.objectContaining({ code: 'unsupported_auth_mode', status: 400, payload: { missing } }),
  );
}

describe('pluginInstallOf', () => {
  const complete = {
    app_link: 'https://market.example/install?plugin=7',
    username: 'id-1',
    password: 'key-1',
  };

  it('reads the app link and the plugin credentials from the integration', () => {
    const settings = pluginInstallOf(PROVIDER, integration(complete));
    expect(settings).toEqual({
      appLink: new URL(complete.app_link),
      authType: 'BASIC',
      username: 'id-1',
      password: 'key-1',
    });
    // The integration's own app link column wins over the custom map.
    const own = pluginInstallOf(PROVIDER, integration(complete, 'https://other.example/install'));
    expect(own.appLink.href).toBe('https://other.example/install');
  });

  it('answers unsupported_auth_mode naming every missing piece', () => {
    refusal(PROVIDER, integration({}), ['app_link', 'username', 'password']);
    expect(() => pluginInstallOf(PROVIDER, integration({}))).toThrow(/app link.*username.*password/);
    refusal(PROVIDER, integration({ ...complete, password: '' }), ['password']);
    // The refusal names fields, never a value the integration holds.
    expect(() => pluginInstallOf(PROVIDER, integration({ ...complete, username: '' }))).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('key-1') }),
    );
    refusal(PROVIDER, integration({ ...complete, app_link: 'javascript:alert(1)' }), ['app_link']);
  });

  it('needs the entry to say how the credentials are used (auth_type)', () => {
    const { auth_type: _omitted, ...entry } = PROVIDER;
    refusal(entry as Provider, integration(complete), ['auth_type']);
  });
});

describe('installPageUrl', () => {
  it('adds the state as payload and keeps the link’s own query', () => {
    const url = installPageUrl(new URL('https://market.example/install?plugin=7'), 'ab'.repeat(32));
    expect(url.searchParams.get('plugin')).toBe('7');
    expect(url.searchParams.get('payload')).toBe('ab'.repeat(32));
  });
});
