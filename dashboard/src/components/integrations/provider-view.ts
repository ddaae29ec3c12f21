/**
 * Typed reads of a provider as `providers.list`/`providers.get` return it: the output schema names only `name`,
 * `display_name`, `logo_url` and `custom`, and passes the rest of the definition through untyped.
 */
import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '../../api/trpc';

export type ProviderOutput = inferRouterOutputs<AppRouter>['providers']['get'];
export type IntegrationOutput = inferRouterOutputs<AppRouter>['integrations']['get'];

/** A form field a provider declares (`connection_config`), as the widget reads it. */
export interface DeclaredField {
  type: 'string';
  title: string;
  description: string;
  example?: string;
  pattern?: string;
  optional?: boolean;
  hidden?: boolean;
  automated?: boolean;
  default_value?: string;
  order?: number;
  prefix?: string;
  suffix?: string;
  secret?: boolean;
}

export function authModeOf(provider: ProviderOutput): string {
  return typeof provider.auth_mode === 'string' ? provider.auth_mode : 'OAUTH2';
}

export function categoriesOf(provider: ProviderOutput): string[] {
  return Array.isArray(provider.categories) ? provider.categories.filter((c) => typeof c === 'string') : [];
}

export function docsOf(provider: ProviderOutput): string | null {
  return typeof provider.docs === 'string' ? provider.docs : null;
}

export function setupGuideOf(provider: ProviderOutput): string | null {
  return typeof provider.setup_guide_url === 'string' ? provider.setup_guide_url : null;
}

export function defaultScopesOf(provider: ProviderOutput): string[] {
  return Array.isArray(provider.default_scopes)
    ? provider.default_scopes.filter((s) => typeof s === 'string')
    : [];
}

/** Connection-config fields a person fills in (hidden and automated ones are the server's business). */
export function connectionConfigFieldsOf(provider: ProviderOutput): Array<[string, DeclaredField]> {
  const fields = provider.connection_config;
  if (fields === null || typeof fields !== 'object') return [];
  return Object.entries(fields as Record<string, DeclaredField>)
    .filter(([, field]) => field.hidden !== true && field.automated !== true)
    .map((entry, index) => ({ entry, rank: entry[1].order ?? 1000 + index }))
    .sort((a, b) => a.rank - b.rank)
    .map(({ entry }) => entry);
}

/** Auth modes whose integration holds an OAuth client (id, secret, scopes) and uses the callback URL. */
export function usesOAuthClient(authMode: string): boolean {
  return authMode === 'OAUTH2' || authMode === 'OAUTH1';
}

const DEFAULT_CREDENTIAL_FIELDS: Record<string, Array<[string, DeclaredField]>> = {
  API_KEY: [
    ['apiKey', { type: 'string', title: 'API key', description: 'The key to test with.', secret: true }],
  ],
  BASIC: [
    ['username', { type: 'string', title: 'Username', description: 'The user name to test with.' }],
    ['password', { type: 'string', title: 'Password', description: 'Its password.', secret: true }],
  ],
};

/**
 * Credentials an end user types for the one-request modes (API key, basic, client credentials): the provider's
 * declarations, else the mode's usual fields.
 */
export function credentialFieldsOf(
  provider: ProviderOutput,
  authMode: string,
): Array<[string, DeclaredField]> {
  if (!['API_KEY', 'BASIC', 'OAUTH2_CC'].includes(authMode)) return [];
  const declared = provider.credentials;
  if (declared !== null && typeof declared === 'object' && Object.keys(declared).length > 0) {
    return Object.entries(declared as Record<string, DeclaredField>).filter(
      ([, field]) => field.hidden !== true,
    );
  }
  return DEFAULT_CREDENTIAL_FIELDS[authMode] ?? [];
}
