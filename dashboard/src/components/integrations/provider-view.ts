/**
 * Typed reads of a provider as `providers.list`/`providers.get` return it: the output schema names only `name`,
 * `display_name`, `logo_url` and `custom`, and passes the rest of the definition through untyped.
 */
import type { inferRouterOutputs } from '@trpc/server';
import { credentialFields } from '../../../../widget/src/core/auth-modes';
import type { SessionIntegration } from '../../../../widget/src/core/types';
import { credentialsOf } from '../../../../widget/src/forms/form-fields';
import { en } from '../../../../widget/src/react/strings';
import type { AppRouter } from '../../api/trpc';

export type ProviderOutput = inferRouterOutputs<AppRouter>['providers']['get'];
export type IntegrationOutput = inferRouterOutputs<AppRouter>['integrations']['get'];

/** A form field a provider declares (`connection_config`, `credentials`, `integration_config`). */
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
  enum?: string[];
  format?: 'hostname' | 'uri' | 'uuid' | 'email';
  visible_when?: { field: string; equals: string };
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

/** Auth modes whose flow comes back to Latchkey's OAuth callback, which the provider must allow. */
export function usesCallbackUrl(authMode: string): boolean {
  return authMode === 'OAUTH2' || authMode === 'OAUTH1' || authMode === 'CUSTOM';
}

/** GitHub App modes: the app's setup URL must point at Latchkey (`/app-auth/connect`). */
export function usesAppSetupUrl(authMode: string): boolean {
  return authMode === 'APP' || authMode === 'CUSTOM';
}

/** The provider as the widget's session lists it: what the widget's auth-mode table reads. */
function asSessionIntegration(provider: ProviderOutput, authMode: string): SessionIntegration {
  const declared = provider.credentials;
  return {
    unique_key: provider.name,
    provider: provider.name,
    display_name: provider.display_name,
    logo: provider.logo_url,
    auth_mode: authMode,
    categories: [],
    docs_connect: null,
    connection_config: {},
    credentials:
      declared !== null && typeof declared === 'object'
        ? (declared as SessionIntegration['credentials'])
        : {},
  };
}

/**
 * Credentials an end user types for the one-request modes (API key, basic, client credentials, TWO_STEP, JWT, …),
 * as the widget asks them: the mode's usual fields with the provider's declarations on top, hidden and automated
 * ones left out, an empty title named as the widget names it.
 */
export function credentialFieldsOf(
  provider: ProviderOutput,
  authMode: string,
): Array<[string, DeclaredField]> {
  return Object.entries(credentialFields(asSessionIntegration(provider, authMode)))
    .filter(([, field]) => field.hidden !== true)
    .map(([name, field]) => [name, { ...field, title: field.title || en.fieldTitles[name] || name }]);
}

/** Whether the provider declares the inputs of a signed assertion (TWO_STEP `assertion_option`). */
export function declaresAssertion(provider: ProviderOutput): boolean {
  const declared = provider.assertion_option;
  return declared !== null && typeof declared === 'object' && Object.keys(declared).length > 0;
}

/** The typed credentials with the hidden fields' declared values, as the widget sends them. */
export function credentialsToSend(
  provider: ProviderOutput,
  authMode: string,
  typed: Record<string, string>,
): Record<string, string> {
  return credentialsOf(asSessionIntegration(provider, authMode), typed) as Record<string, string>;
}
