/**
 * What an operator gives an integration, per auth mode, in one table: the app's own OAuth client (OAUTH1, OAUTH2),
 * NetSuite's consumer key and secret (TBA), a GitHub App (APP) or both (CUSTOM), a plugin's install link and
 * credentials (INSTALL_PLUGIN, kept in the sealed `custom` map where the flow reads them); plus, for any mode, the
 * settings the provider declares in `integration_config` (AWS SigV4's service and STS keys): secret ones go to
 * `custom` (sealed), the others to `integration_config`, which is where the server's modes look for them. Pure, so
 * the forms and their tests share it.
 */
import type { inferRouterInputs } from '@trpc/server';
import type { AppRouter } from '../../api/trpc';
import { joinScopes, scopesProblem } from './integration-input';
import type { DeclaredField, ProviderOutput } from './provider-view';

/** One value of the mode's own settings. */
export interface SettingField {
  name: string;
  label: string;
  /** `secret`: write-only, a password input; `key`: a multi-line secret (PEM); `url`: an http(s) link. */
  kind?: 'secret' | 'key' | 'url' | 'scopes';
  hint?: string;
  placeholder?: string;
  /** Shown when a required value is missing. */
  required?: string;
}

export type CredentialsType = 'OAUTH1' | 'OAUTH2' | 'TBA' | 'APP' | 'CUSTOM';

interface ModeSettings {
  /** `credentials` (with this type) or the sealed `custom` map. */
  into: { credentials: CredentialsType } | 'custom';
  fields: SettingField[];
  /** The new-integration page's one-line description. */
  summary: string;
}

const CLIENT_ID: SettingField = {
  name: 'client_id',
  label: 'Client ID',
  required: 'Required: the client ID of your OAuth app.',
};
const CLIENT_SECRET: SettingField = {
  name: 'client_secret',
  label: 'Client secret',
  kind: 'secret',
  hint: 'Stored encrypted; never shown again in full.',
  required: 'Required: the client secret of your OAuth app.',
};
const SCOPES: SettingField = { name: 'scopes', label: 'Scopes', kind: 'scopes' };
const APP_ID: SettingField = { name: 'app_id', label: 'App ID', required: 'Required.' };
const APP_LINK: SettingField = {
  name: 'app_link',
  label: 'App link',
  kind: 'url',
  placeholder: 'https://github.com/apps/your-app',
  required: 'The app’s public URL.',
};
const PRIVATE_KEY: SettingField = {
  name: 'private_key',
  label: 'Private key',
  kind: 'key',
  hint: 'The app’s PEM private key. Stored encrypted.',
  required: 'Required.',
};

const oauthClient = (type: 'OAUTH1' | 'OAUTH2'): ModeSettings => ({
  into: { credentials: type },
  fields: [CLIENT_ID, CLIENT_SECRET, SCOPES],
  summary: 'Register the callback URL with the provider, then paste your OAuth app’s client ID and secret.',
});

const MODES: Record<string, ModeSettings> = {
  OAUTH2: oauthClient('OAUTH2'),
  OAUTH1: oauthClient('OAUTH1'),
  TBA: {
    into: { credentials: 'TBA' },
    fields: [
      {
        ...CLIENT_ID,
        label: 'Consumer key',
        required: 'Required: the consumer key of your integration record.',
      },
      {
        ...CLIENT_SECRET,
        label: 'Consumer secret',
        required: 'Required: the consumer secret of your integration record.',
      },
    ],
    summary:
      'Paste the consumer key and secret of your token-based integration record; end users bring their own tokens.',
  },
  APP: {
    into: { credentials: 'APP' },
    fields: [APP_ID, APP_LINK, PRIVATE_KEY],
    summary: 'Give your app’s ID, public link and private key; set its setup URL to the one shown here.',
  },
  CUSTOM: {
    into: { credentials: 'CUSTOM' },
    fields: [CLIENT_ID, CLIENT_SECRET, APP_ID, APP_LINK, PRIVATE_KEY, SCOPES],
    summary:
      'Give your app’s OAuth client and the app itself; register the callback URL and set its setup URL to the ones shown here.',
  },
  INSTALL_PLUGIN: {
    into: 'custom',
    fields: [
      { name: 'app_link', label: 'Install link', kind: 'url', required: 'The plugin’s install page URL.' },
      { name: 'username', label: 'Username', required: 'Required: the plugin’s identifier.' },
      { name: 'password', label: 'Password', kind: 'secret', required: 'Required: the plugin’s key.' },
    ],
    summary: 'Give the plugin’s install link and the credentials its API calls use.',
  },
};

const NOTHING = 'End users of this provider bring their own credentials; the integration only needs an ID.';

export function modeSettingsOf(authMode: string): ModeSettings | undefined {
  return Object.hasOwn(MODES, authMode) ? MODES[authMode] : undefined;
}

/** Whether an integration of this mode and provider holds anything besides its ID. */
export function needsSettings(authMode: string, provider: ProviderOutput): boolean {
  return modeSettingsOf(authMode) !== undefined || integrationConfigFieldsOf(provider).length > 0;
}

/** The new-integration page's description for the mode. */
export function settingsSummary(authMode: string, provider: ProviderOutput): string {
  const summary = modeSettingsOf(authMode)?.summary;
  if (summary !== undefined) return summary;
  return integrationConfigFieldsOf(provider).length > 0
    ? 'Give the settings the provider asks of the integration; end users bring their own credentials.'
    : NOTHING;
}

/** The provider's `integration_config` declarations, in display order (`order`, then declaration order). */
export function integrationConfigFieldsOf(provider: ProviderOutput): Array<[string, DeclaredField]> {
  return Object.entries(declaredConfig(provider))
    .filter(([, field]) => field.automated !== true)
    .map((entry, index) => ({ entry, rank: entry[1].order ?? 1000 + index }))
    .sort((a, b) => a.rank - b.rank)
    .map(({ entry }) => entry);
}

/** Form values: the mode's fields by name, the declared settings under `config.<name>`. */
export type SettingValues = Record<string, string>;
export const configKey = (name: string) => `config.${name}`;

/** A declared setting's value as the form holds it: typed, else its default. */
export function configValue(values: SettingValues, name: string, field: DeclaredField): string {
  return values[configKey(name)] ?? field.default_value ?? '';
}

/**
 * Whether a declared setting is shown, given the others (`visible_when` names a sibling, whose default counts while
 * the operator leaves it alone: AWS's STS keys show for the default `stsMode`).
 */
export function configFieldVisible(
  provider: ProviderOutput,
  values: SettingValues,
  field: DeclaredField,
): boolean {
  const when = field.visible_when;
  if (when === undefined) return true;
  const sibling = declaredConfig(provider)[when.field];
  const value =
    sibling === undefined ? (values[configKey(when.field)] ?? '') : configValue(values, when.field, sibling);
  return value === when.equals;
}

function declaredConfig(provider: ProviderOutput): Record<string, DeclaredField> {
  const fields = provider.integration_config;
  return fields !== null && typeof fields === 'object' ? (fields as Record<string, DeclaredField>) : {};
}

/**
 * Problems of a new integration's values, by form key (null when fine). `partial`: editing, where a secret left
 * empty keeps the stored one, so only what is typed is checked.
 */
export function settingsProblems(
  authMode: string,
  provider: ProviderOutput,
  values: SettingValues,
  options: { partial?: boolean } = {},
): Record<string, string | null> {
  const problems: Record<string, string | null> = {};
  for (const field of modeSettingsOf(authMode)?.fields ?? []) {
    const value = values[field.name] ?? '';
    const empty = value.trim() === '';
    if (field.kind === 'scopes') problems[field.name] = scopesProblem(value);
    else if (empty) problems[field.name] = options.partial ? null : (field.required ?? null);
    else if (field.kind === 'url' && !/^https?:\/\/\S+$/.test(value.trim()))
      problems[field.name] = 'An http(s) URL.';
    else problems[field.name] = null;
  }
  for (const [name, field] of integrationConfigFieldsOf(provider)) {
    const value = configValue(values, name, field).trim();
    const key = configKey(name);
    if (!configFieldVisible(provider, values, field) || field.hidden === true) problems[key] = null;
    else if (value === '') problems[key] = options.partial || field.optional === true ? null : 'Required.';
    else if (field.enum && !field.enum.includes(value)) problems[key] = 'Choose one of the listed values.';
    else if (field.pattern !== undefined && !safeTest(field.pattern, value))
      problems[key] = 'Not in the expected format.';
    else problems[key] = null;
  }
  return problems;
}

/**
 * The message each setting shows: the form's own problem first, else the server's for the field where
 * `settingsInput` put it in the body (`at` the body's own place in the call: `patch.` for an update).
 */
export function settingErrors(
  authMode: string,
  provider: ProviderOutput | undefined,
  own: Readonly<Record<string, string | null | undefined>>,
  server: Readonly<Record<string, string>>,
  at = '',
): Record<string, string | undefined> {
  const errors: Record<string, string | undefined> = {};
  const mode = modeSettingsOf(authMode);
  const into = mode?.into === 'custom' ? 'custom' : 'credentials';
  for (const field of mode?.fields ?? []) {
    errors[field.name] = own[field.name] ?? server[`${at}${into}.${field.name}`];
  }
  for (const [name] of provider ? integrationConfigFieldsOf(provider) : []) {
    const key = configKey(name);
    errors[key] = own[key] ?? server[`${at}integration_config.${name}`] ?? server[`${at}custom.${name}`];
  }
  return errors;
}

/**
 * The credentials are typed as the create input's: `settingsProblems` holds the required ones back before this is
 * sent (and a PATCH takes any subset).
 */
export type IntegrationSettingsInput = Pick<CreateInput, 'credentials' | 'custom' | 'integration_config'>;
type CreateInput = inferRouterInputs<AppRouter>['integrations']['create'];

/**
 * The `credentials`, `custom` and `integration_config` of `integrations.create` (or a PATCH): the mode's fields as
 * typed (ids and links trimmed, secrets as they are, scopes normalised), the declared settings split by secrecy.
 * Empty values are left out: on a PATCH, an omitted credential keeps its stored value.
 */
export function settingsInput(
  authMode: string,
  provider: ProviderOutput,
  values: SettingValues,
): IntegrationSettingsInput {
  const input: IntegrationSettingsInput = {};
  const mode = modeSettingsOf(authMode);
  if (mode !== undefined) {
    const picked: Record<string, string> = {};
    for (const field of mode.fields) {
      const raw = values[field.name] ?? '';
      const value =
        field.kind === 'scopes'
          ? joinScopes(raw)
          : field.kind === 'secret' || field.kind === 'key'
            ? raw
            : raw.trim();
      if (value !== '') picked[field.name] = value;
    }
    if (mode.into === 'custom') {
      if (Object.keys(picked).length > 0) input.custom = picked;
    } else {
      input.credentials = { type: mode.into.credentials, ...picked } as CreateInput['credentials'];
    }
  }
  for (const [name, field] of integrationConfigFieldsOf(provider)) {
    if (!configFieldVisible(provider, values, field)) continue;
    const raw = configValue(values, name, field);
    const value = field.secret === true ? raw : raw.trim();
    if (value === '') continue;
    const target = field.secret === true ? 'custom' : 'integration_config';
    input[target] = { ...input[target], [name]: value };
  }
  return input;
}

function safeTest(pattern: string, value: string): boolean {
  try {
    return new RegExp(pattern).test(value);
  } catch {
    return true; // a pattern this browser cannot compile is left to the server
  }
}
