/**
 * The new-integration form, chosen by the provider's auth mode (integration-settings-spec.ts): OAuth takes the app's
 * client id, secret and scopes; TBA the consumer key and secret; an App its id, link and private key; CUSTOM both;
 * a plugin install its link and credentials; and any provider declaring `integration_config` (AWS SigV4) those
 * settings. Every other mode (API key, basic, client credentials, …) needs nothing but an ID, since end users bring
 * their own credentials.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { useTRPC } from '../../api/trpc';
import { Button } from '../ui/button';
import { FormError } from '../ui/error-state';
import { TextField } from '../ui/field';
import { integrationKeyProblem, MACHINE_VALUE } from './integration-input';
import { IntegrationSettingsFields } from './integration-settings-fields';
import {
  needsSettings,
  type SettingValues,
  settingErrors,
  settingsInput,
  settingsProblems,
} from './integration-settings-spec';
import { authModeOf, type ProviderOutput } from './provider-view';
import { fieldProblemsOf } from './server-errors';

/** The provider's name, or the first free `name-2`, `name-3`… so the default never collides. */
export function defaultIntegrationKey(providerName: string, taken: ReadonlySet<string>): string {
  if (!taken.has(providerName)) return providerName;
  for (let n = 2; ; n += 1) if (!taken.has(`${providerName}-${n}`)) return `${providerName}-${n}`;
}

export function IntegrationCreateForm({
  env,
  provider,
  takenKeys,
}: {
  env: string;
  provider: ProviderOutput;
  takenKeys: ReadonlySet<string>;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const authMode = authModeOf(provider);
  const [uniqueKey, setUniqueKey] = useState(() => defaultIntegrationKey(provider.name, takenKeys));
  const [displayName, setDisplayName] = useState('');
  const [settings, setSettings] = useState<SettingValues>({});
  const [touched, setTouched] = useState(false);

  const create = useMutation(
    trpc.integrations.create.mutationOptions({
      onSuccess: async (integration) => {
        await queryClient.invalidateQueries({ queryKey: trpc.integrations.list.queryKey() });
        await navigate({
          to: '/dashboard/$env/integrations/$key',
          params: { env, key: integration.unique_key },
        });
      },
    }),
  );

  const server = fieldProblemsOf(create.error);
  const keyConflict =
    (create.error?.data as { errorCode?: string } | undefined)?.errorCode === 'integration_already_exists'
      ? create.error?.message
      : undefined;
  const local: Record<string, string | null> = {
    uniqueKey: integrationKeyProblem(uniqueKey),
    ...settingsProblems(authMode, provider, settings),
  };
  // Until the first submit, only the server's problems show.
  const shown: Record<string, string | null> = touched ? local : {};
  const errors: Record<string, string | undefined> = {
    uniqueKey: shown.uniqueKey ?? server.unique_key ?? keyConflict,
    displayName: server.display_name,
    ...settingErrors(authMode, provider, shown, server),
  };
  const fieldErrorShown = Object.values(errors).some(Boolean);

  function submit(event: FormEvent) {
    event.preventDefault();
    setTouched(true);
    if (Object.values(local).some((problem) => problem !== null)) {
      // Focus the first field in error, so keyboard and screen-reader users land on it.
      const form = event.currentTarget as HTMLFormElement;
      window.setTimeout(() => form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
      return;
    }
    create.mutate({
      unique_key: uniqueKey,
      provider: provider.name,
      ...(displayName.trim() ? { display_name: displayName.trim() } : {}),
      // Scopes left empty are left out: the integration starts with the provider's default scopes.
      ...settingsInput(authMode, provider, settings),
    });
  }

  return (
    <form
      className="int-form"
      onSubmit={submit}
      noValidate
      aria-label={`New ${provider.display_name} integration`}
    >
      <TextField
        label="Integration ID"
        name="unique_key"
        value={uniqueKey}
        onChange={(event) => setUniqueKey(event.target.value)}
        required
        {...MACHINE_VALUE}
        hint="How your app names this integration in API calls. Letters, digits, spaces and ~ : . @ _ -"
        error={errors.uniqueKey}
      />
      <TextField
        label="Display name"
        name="display_name"
        value={displayName}
        onChange={(event) => setDisplayName(event.target.value)}
        autoComplete="off"
        placeholder={provider.display_name}
        hint="Optional. Shown to your end users when they connect."
        error={errors.displayName}
      />
      <IntegrationSettingsFields
        authMode={authMode}
        provider={provider}
        values={settings}
        onChange={(key, value) => setSettings((current) => ({ ...current, [key]: value }))}
        errors={errors}
      />
      {needsSettings(authMode, provider) ? null : (
        <p className="muted">
          Nothing else to set up: with this provider each end user brings their own credentials when they
          connect.
        </p>
      )}
      {create.isError && !fieldErrorShown ? <FormError error={create.error} /> : null}
      <div className="row">
        <Button type="submit" variant="primary" loading={create.isPending}>
          Create integration
        </Button>
      </div>
    </form>
  );
}
