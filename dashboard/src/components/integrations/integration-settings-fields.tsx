/**
 * The inputs of an integration's settings, drawn from integration-settings-spec.ts: the auth mode's own values (OAuth
 * client, TBA consumer, GitHub App, plugin) and the provider's declared `integration_config` settings (text, select
 * or secret; shown per `visible_when`). Shared by the new-integration form and the settings form.
 */
import type { ReactNode } from 'react';
import { SelectField, TextAreaField, TextField } from '../ui/field';
import { MACHINE_VALUE } from './integration-input';
import {
  configFieldVisible,
  configKey,
  configValue,
  integrationConfigFieldsOf,
  modeSettingsOf,
  type SettingField,
  type SettingValues,
} from './integration-settings-spec';
import { defaultScopesOf, type ProviderOutput } from './provider-view';

/** A write-only secret: hidden as typed, never filled in by the browser. */
const SECRET_INPUT = {
  type: 'password',
  autoComplete: 'new-password',
  spellCheck: false,
  className: 'mono',
} as const;

export function IntegrationSettingsFields(props: {
  authMode: string;
  provider: ProviderOutput;
  values: SettingValues;
  onChange(key: string, value: string): void;
  errors: Record<string, string | undefined>;
  disabled?: boolean;
  /** Editing: secrets are write-only (left empty, the stored one stays); per-field placeholders and hints. */
  editing?: { secretPlaceholder: string; placeholder?: (field: SettingField) => string | undefined };
  /** Rendered right after a mode field (the client-ID warning of the settings form). */
  after?: (field: SettingField) => ReactNode;
}) {
  const { authMode, provider, values, onChange, errors, disabled, editing } = props;
  const defaultScopes = defaultScopesOf(provider);
  const set = (key: string) => (event: { target: { value: string } }) => onChange(key, event.target.value);

  const modeField = (field: SettingField) => {
    const common = {
      label: field.label,
      name: field.name,
      value: values[field.name] ?? '',
      onChange: set(field.name),
      disabled,
      required: field.required !== undefined && editing === undefined,
      error: errors[field.name],
      placeholder: editing?.placeholder?.(field) ?? field.placeholder,
    };
    if (field.kind === 'key') {
      return (
        <TextAreaField
          {...common}
          rows={5}
          className="mono"
          spellCheck={false}
          placeholder={editing ? editing.secretPlaceholder : common.placeholder}
          hint={editing ? 'Stored encrypted and never shown. Paste a new key to replace it.' : field.hint}
        />
      );
    }
    if (field.kind === 'secret') {
      return (
        <TextField
          {...common}
          {...SECRET_INPUT}
          placeholder={editing ? editing.secretPlaceholder : common.placeholder}
          hint={
            editing
              ? 'Stored encrypted and never shown. Type a new secret to replace it; leave empty to keep it.'
              : field.hint
          }
        />
      );
    }
    if (field.kind === 'scopes') {
      return (
        <TextField
          {...common}
          {...MACHINE_VALUE}
          placeholder={common.placeholder ?? defaultScopes.join(',')}
          hint={
            defaultScopes.length > 0 ? (
              <>
                Comma-separated. Left empty, the provider’s defaults apply:{' '}
                <code>{defaultScopes.join(', ')}</code>
              </>
            ) : (
              'Comma-separated, for example read,write.'
            )
          }
        />
      );
    }
    return (
      <TextField
        {...common}
        {...MACHINE_VALUE}
        type={field.kind === 'url' ? 'url' : 'text'}
        hint={field.hint}
      />
    );
  };

  return (
    <>
      {(modeSettingsOf(authMode)?.fields ?? []).map((field) => (
        <div key={field.name} className="stack-sm">
          {modeField(field)}
          {props.after?.(field)}
        </div>
      ))}
      {integrationConfigFieldsOf(provider).map(([name, field]) => {
        if (field.hidden === true || !configFieldVisible(provider, values, field)) return null;
        const key = configKey(name);
        const label = `${field.title || name}${field.optional === true ? ' (optional)' : ''}`;
        const common = {
          label,
          name: key,
          value: configValue(values, name, field),
          onChange: set(key),
          disabled,
          required: field.optional !== true && editing === undefined,
          hint: field.description || undefined,
          error: errors[key],
        };
        if (field.enum) {
          return (
            <SelectField key={key} {...common}>
              {field.optional === true || field.default_value === undefined ? <option value="" /> : null}
              {field.enum.map((option) => (
                <option key={option} value={option}>
                  {option}
                </option>
              ))}
            </SelectField>
          );
        }
        return field.secret === true ? (
          <TextField
            key={key}
            {...common}
            {...SECRET_INPUT}
            placeholder={editing ? editing.secretPlaceholder : field.example}
          />
        ) : (
          <TextField key={key} {...common} {...MACHINE_VALUE} placeholder={field.example} />
        );
      })}
    </>
  );
}
