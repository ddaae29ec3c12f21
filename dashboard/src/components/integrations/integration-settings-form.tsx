/**
 * An integration's settings: display name, and what its auth mode holds (integration-settings-spec.ts). Plain values
 * (client id, app id and link, scopes) are shown and edited; secrets (client secret, private key) are write-only:
 * replaced when typed, kept when left empty. Changing a client id strands existing connections' refresh tokens,
 * which were issued to the old client, so it carries a warning. Settings Latchkey does not return (a plugin's
 * credentials, the provider's `integration_config`) are replaced as a whole when any of them is typed. Only changed
 * fields are sent; the server keeps the rest.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTRPC } from '../../api/trpc';
import { Button } from '../ui/button';
import { FormError } from '../ui/error-state';
import { TextField } from '../ui/field';
import { AlertIcon } from '../ui/icons';
import { useToast } from '../ui/toast';
import { joinScopes } from './integration-input';
import { IntegrationSettingsFields } from './integration-settings-fields';
import {
  integrationConfigFieldsOf,
  modeSettingsOf,
  type SettingValues,
  settingErrors,
  settingsInput,
  settingsProblems,
} from './integration-settings-spec';
import type { IntegrationOutput, ProviderOutput } from './provider-view';
import { fieldProblemsOf } from './server-errors';

export function IntegrationSettingsForm({
  integration,
  provider,
  authMode,
  canEdit,
}: {
  integration: IntegrationOutput;
  provider: ProviderOutput | undefined;
  authMode: string;
  canEdit: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const mode = modeSettingsOf(authMode);
  // Without the credentials scope the current values are unknown: the fields then only replace.
  const credentialsKnown = integration.credentials !== undefined;
  const initial = storedValues(integration);
  const [displayName, setDisplayName] = useState(integration.display_name);
  const [values, setValues] = useState<SettingValues>(initial);

  const update = useMutation(
    trpc.integrations.update.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.integrations.get.queryKey() });
        await queryClient.invalidateQueries({ queryKey: trpc.integrations.list.queryKey() });
        toast('Integration saved');
      },
    }),
  );

  const changedKeys = Object.keys(values).filter((key) => (values[key] ?? '') !== (initial[key] ?? ''));
  const displayNameChanged = displayName.trim() !== integration.display_name && displayName.trim() !== '';
  const changed = displayNameChanged || changedKeys.length > 0;
  const clientIdChanged = changedKeys.includes('client_id');
  const server = fieldProblemsOf(update.error);
  // Settings Latchkey does not return are replaced as a whole: once one is typed, the required ones are required.
  const isUnread = (key: string) => key.startsWith('config.') || mode?.into === 'custom';
  const replacesUnreadSettings = changedKeys.some(isUnread);
  const partial = provider ? settingsProblems(authMode, provider, values, { partial: true }) : {};
  const full = provider && replacesUnreadSettings ? settingsProblems(authMode, provider, values) : {};
  const local: Record<string, string | null> = Object.fromEntries(
    Object.entries(partial).map(([key, problem]) => [key, isUnread(key) ? (full[key] ?? problem) : problem]),
  );
  if (credentialsKnown && clientIdChanged && (values.client_id ?? '').trim() === '') {
    local.client_id = 'The client ID cannot be empty.';
  }
  const errors: Record<string, string | undefined> = {
    displayName: server['patch.display_name'],
    ...settingErrors(authMode, provider, local, server, 'patch.'),
  };
  const blocked = Object.values(local).some((problem) => problem !== null && problem !== undefined);
  const fieldErrorShown = Object.values(errors).some(Boolean);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!changed || blocked || provider === undefined) return;
    // Only the changed mode fields travel; unread settings go whole when any of them changed.
    const changedOnly = Object.fromEntries(changedKeys.map((key) => [key, values[key] ?? '']));
    const modeInput = settingsInput(authMode, provider, changedOnly);
    const unread = replacesUnreadSettings ? settingsInput(authMode, provider, values) : {};
    // Scopes emptied on purpose are sent empty (the integration then asks for none).
    const scopes = changedKeys.includes('scopes') ? { scopes: joinScopes(values.scopes ?? '') } : {};
    const credentials =
      modeInput.credentials && (Object.keys(modeInput.credentials).length > 1 || 'scopes' in scopes)
        ? { ...modeInput.credentials, ...scopes }
        : undefined;
    update.mutate({
      uniqueKey: integration.unique_key,
      patch: {
        ...(displayNameChanged ? { display_name: displayName.trim() } : {}),
        ...(credentials ? { credentials } : {}),
        ...(unread.custom ? { custom: unread.custom } : {}),
        ...(unread.integration_config ? { integration_config: unread.integration_config } : {}),
      },
    });
  }

  const hasUnreadSettings =
    mode?.into === 'custom' || (provider !== undefined && integrationConfigFieldsOf(provider).length > 0);
  return (
    <form className="int-form" onSubmit={submit} noValidate aria-label="Integration settings">
      <TextField
        label="Display name"
        value={displayName}
        onChange={(event) => setDisplayName(event.target.value)}
        disabled={!canEdit}
        autoComplete="off"
        error={errors.displayName}
      />
      {provider ? (
        <IntegrationSettingsFields
          authMode={authMode}
          provider={provider}
          values={values}
          onChange={(key, value) => setValues((current) => ({ ...current, [key]: value }))}
          errors={errors}
          disabled={!canEdit}
          editing={{
            secretPlaceholder: '••••••••••••••••',
            placeholder: (field) =>
              credentialsKnown || mode?.into === 'custom' || field.kind === 'secret' || field.kind === 'key'
                ? undefined
                : 'Unchanged (not readable with your role)',
          }}
          after={(field) =>
            field.name === 'client_id' && mode?.into !== 'custom' ? (
              <p className="int-warning" role={clientIdChanged ? 'alert' : undefined}>
                <AlertIcon />
                <span>
                  Changing the client ID breaks refresh of existing connections: their tokens were issued to
                  the old client. Affected users will need to reconnect.
                </span>
              </p>
            ) : null
          }
        />
      ) : null}
      {hasUnreadSettings ? (
        <p className="subtle">
          Latchkey does not show these settings once saved. Typing any of them replaces all of them: fill in
          every one you use.
        </p>
      ) : null}
      {update.isError && !fieldErrorShown ? <FormError error={update.error} /> : null}
      {canEdit ? (
        <div className="row">
          <Button type="submit" variant="primary" loading={update.isPending} disabled={!changed || blocked}>
            Save changes
          </Button>
        </div>
      ) : (
        <p className="subtle">Your role can read this integration but not change it.</p>
      )}
    </form>
  );
}

/** The plain values the integration's credentials show (secrets stay write-only: empty in the form). */
function storedValues(integration: IntegrationOutput): SettingValues {
  const credentials = integration.credentials;
  if (!credentials) return {};
  const values: SettingValues = {};
  for (const name of ['client_id', 'app_id', 'app_link'] as const) {
    const value = (credentials as Partial<Record<typeof name, string | null>>)[name];
    if (typeof value === 'string') values[name] = value;
  }
  if ('scopes' in credentials && typeof credentials.scopes === 'string') {
    values.scopes = credentials.scopes.split(',').filter(Boolean).join(', ');
  }
  return values;
}
