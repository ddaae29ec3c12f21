/**
 * The new-integration form, chosen by the provider's auth mode: OAuth takes the app's client id, secret and scopes;
 * an App takes its id, link and private key; every other mode (API key, basic, client credentials, …) needs nothing
 * but an ID, since end users bring their own credentials.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { useTRPC } from '../../api/trpc';
import { Button } from '../ui/button';
import { FormError } from '../ui/error-state';
import { TextAreaField, TextField } from '../ui/field';
import { integrationKeyProblem, joinScopes, MACHINE_VALUE, scopesProblem } from './integration-input';
import { authModeOf, defaultScopesOf, type ProviderOutput, usesOAuthClient } from './provider-view';
import { fieldProblemsOf } from './server-errors';

/** The provider's name, or the first free `name-2`, `name-3`… so the default never collides. */
export function defaultIntegrationKey(providerName: string, taken: ReadonlySet<string>): string {
  if (!taken.has(providerName)) return providerName;
  for (let n = 2; ; n += 1) if (!taken.has(`${providerName}-${n}`)) return `${providerName}-${n}`;
}

interface Values {
  uniqueKey: string;
  displayName: string;
  clientId: string;
  clientSecret: string;
  scopes: string;
  appId: string;
  appLink: string;
  privateKey: string;
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
  const oauth = usesOAuthClient(authMode);
  const app = authMode === 'APP';
  const defaultScopes = defaultScopesOf(provider);
  const [values, setValues] = useState<Values>(() => ({
    uniqueKey: defaultIntegrationKey(provider.name, takenKeys),
    displayName: '',
    clientId: '',
    clientSecret: '',
    scopes: '',
    appId: '',
    appLink: '',
    privateKey: '',
  }));
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
  const local = {
    uniqueKey: integrationKeyProblem(values.uniqueKey),
    clientId: oauth && values.clientId.trim() === '' ? 'Required: the client ID of your OAuth app.' : null,
    clientSecret:
      oauth && values.clientSecret === '' ? 'Required: the client secret of your OAuth app.' : null,
    scopes: oauth ? scopesProblem(values.scopes) : null,
    appId: app && values.appId.trim() === '' ? 'Required.' : null,
    appLink: app && !/^https?:\/\/\S+$/.test(values.appLink) ? 'The app’s public URL.' : null,
    privateKey: app && values.privateKey.trim() === '' ? 'Required.' : null,
  };
  const show = (problem: string | null) => (touched ? (problem ?? undefined) : undefined);
  const errors = {
    uniqueKey: show(local.uniqueKey) ?? server.unique_key ?? keyConflict,
    displayName: server.display_name,
    clientId: show(local.clientId) ?? server['credentials.client_id'],
    clientSecret: show(local.clientSecret) ?? server['credentials.client_secret'],
    scopes: show(local.scopes) ?? server['credentials.scopes'],
    appId: show(local.appId) ?? server['credentials.app_id'],
    appLink: show(local.appLink) ?? server['credentials.app_link'],
    privateKey: show(local.privateKey) ?? server['credentials.private_key'],
  };
  const fieldErrorShown = Object.values(errors).some(Boolean);

  function set<K extends keyof Values>(key: K) {
    return (event: { target: { value: string } }) =>
      setValues((current) => ({ ...current, [key]: event.target.value }));
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    setTouched(true);
    if (Object.values(local).some((problem) => problem !== null)) {
      // Focus the first field in error, so keyboard and screen-reader users land on it.
      const form = event.currentTarget as HTMLFormElement;
      window.setTimeout(() => form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
      return;
    }
    const scopes = joinScopes(values.scopes);
    create.mutate({
      unique_key: values.uniqueKey,
      provider: provider.name,
      ...(values.displayName.trim() ? { display_name: values.displayName.trim() } : {}),
      ...(oauth
        ? {
            credentials: {
              type: authMode as 'OAUTH1' | 'OAUTH2',
              client_id: values.clientId.trim(),
              client_secret: values.clientSecret,
              // Left empty, the integration starts with the provider's default scopes.
              ...(scopes ? { scopes } : {}),
            },
          }
        : app
          ? {
              credentials: {
                type: 'APP' as const,
                app_id: values.appId.trim(),
                app_link: values.appLink.trim(),
                private_key: values.privateKey,
              },
            }
          : {}),
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
        value={values.uniqueKey}
        onChange={set('uniqueKey')}
        required
        {...MACHINE_VALUE}
        hint="How your app names this integration in API calls. Letters, digits, spaces and ~ : . @ _ -"
        error={errors.uniqueKey}
      />
      <TextField
        label="Display name"
        name="display_name"
        value={values.displayName}
        onChange={set('displayName')}
        autoComplete="off"
        placeholder={provider.display_name}
        hint="Optional. Shown to your end users when they connect."
        error={errors.displayName}
      />
      {oauth ? (
        <>
          <TextField
            label="Client ID"
            name="client_id"
            value={values.clientId}
            onChange={set('clientId')}
            required
            {...MACHINE_VALUE}
            error={errors.clientId}
          />
          <TextField
            label="Client secret"
            name="client_secret"
            type="password"
            value={values.clientSecret}
            onChange={set('clientSecret')}
            required
            autoComplete="new-password"
            spellCheck={false}
            className="mono"
            hint="Stored encrypted; never shown again in full."
            error={errors.clientSecret}
          />
          <TextField
            label="Scopes"
            name="scopes"
            value={values.scopes}
            onChange={set('scopes')}
            {...MACHINE_VALUE}
            placeholder={defaultScopes.join(',')}
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
            error={errors.scopes}
          />
        </>
      ) : null}
      {app ? (
        <>
          <TextField
            label="App ID"
            value={values.appId}
            onChange={set('appId')}
            required
            error={errors.appId}
          />
          <TextField
            label="App link"
            type="url"
            value={values.appLink}
            onChange={set('appLink')}
            required
            placeholder="https://github.com/apps/your-app"
            error={errors.appLink}
          />
          <TextAreaField
            label="Private key"
            value={values.privateKey}
            onChange={set('privateKey')}
            required
            rows={5}
            className="mono"
            spellCheck={false}
            error={errors.privateKey}
          />
        </>
      ) : null}
      {!oauth && !app ? (
        <p className="muted">
          Nothing else to set up: with this provider each end user brings their own credentials when they
          connect.
        </p>
      ) : null}
      {create.isError && !fieldErrorShown ? <FormError error={create.error} /> : null}
      <div className="row">
        <Button type="submit" variant="primary" loading={create.isPending}>
          Create integration
        </Button>
      </div>
    </form>
  );
}
