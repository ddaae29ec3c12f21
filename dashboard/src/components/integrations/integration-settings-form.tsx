/**
 * An integration's settings: display name, and for OAuth the client id (changing it strands existing connections'
 * refresh tokens, which were issued to the old client), the client secret (write-only: replaced, never shown) and the
 * scopes. Only changed fields are sent; the server keeps the rest.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTRPC } from '../../api/trpc';
import { Button } from '../ui/button';
import { FormError } from '../ui/error-state';
import { TextField } from '../ui/field';
import { AlertIcon } from '../ui/icons';
import { useToast } from '../ui/toast';
import { joinScopes, MACHINE_VALUE, scopesProblem } from './integration-input';
import { defaultScopesOf, type IntegrationOutput, type ProviderOutput } from './provider-view';
import { fieldProblemsOf } from './server-errors';

type OAuthCredentials = Extract<NonNullable<IntegrationOutput['credentials']>, { client_id: string | null }>;

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
  const oauth = authMode === 'OAUTH1' || authMode === 'OAUTH2';
  const stored = oauthCredentials(integration);
  // Without the credentials scope the current values are unknown: the OAuth fields then only replace.
  const credentialsKnown = integration.credentials !== undefined;
  const initial = {
    displayName: integration.display_name,
    clientId: stored?.client_id ?? '',
    scopes: (stored?.scopes ?? '').split(',').filter(Boolean).join(', '),
  };
  const [displayName, setDisplayName] = useState(initial.displayName);
  const [clientId, setClientId] = useState(initial.clientId);
  const [clientSecret, setClientSecret] = useState('');
  const [scopes, setScopes] = useState(initial.scopes);

  const update = useMutation(
    trpc.integrations.update.mutationOptions({
      onSuccess: async () => {
        setClientSecret('');
        await queryClient.invalidateQueries({ queryKey: trpc.integrations.get.queryKey() });
        await queryClient.invalidateQueries({ queryKey: trpc.integrations.list.queryKey() });
        toast('Integration saved');
      },
    }),
  );

  const clientIdChanged = clientId.trim() !== initial.clientId;
  const scopesChanged = joinScopes(scopes) !== joinScopes(initial.scopes);
  const displayNameChanged = displayName.trim() !== initial.displayName && displayName.trim() !== '';
  const changed = displayNameChanged || (oauth && (clientIdChanged || scopesChanged || clientSecret !== ''));
  const server = fieldProblemsOf(update.error);
  const local = {
    clientId:
      oauth && credentialsKnown && clientIdChanged && clientId.trim() === ''
        ? 'The client ID cannot be empty.'
        : null,
    scopes: scopesProblem(scopes),
  };
  const errors = {
    displayName: server['patch.display_name'],
    clientId: local.clientId ?? server['patch.credentials.client_id'],
    clientSecret: server['patch.credentials.client_secret'],
    scopes: local.scopes ?? server['patch.credentials.scopes'],
  };
  const blocked = local.clientId !== null || local.scopes !== null;
  const fieldErrorShown = Object.values(errors).some(Boolean);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!changed || blocked) return;
    const credentials =
      oauth && (clientIdChanged || scopesChanged || clientSecret !== '')
        ? {
            type: authMode as 'OAUTH1' | 'OAUTH2',
            ...(clientIdChanged && clientId.trim() !== '' ? { client_id: clientId.trim() } : {}),
            ...(clientSecret !== '' ? { client_secret: clientSecret } : {}),
            ...(scopesChanged ? { scopes: joinScopes(scopes) } : {}),
          }
        : undefined;
    update.mutate({
      uniqueKey: integration.unique_key,
      patch: {
        ...(displayNameChanged ? { display_name: displayName.trim() } : {}),
        ...(credentials ? { credentials } : {}),
      },
    });
  }

  const defaults = provider ? defaultScopesOf(provider) : [];
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
      {oauth ? (
        <>
          <div className="stack-sm">
            <TextField
              label="Client ID"
              value={clientId}
              onChange={(event) => setClientId(event.target.value)}
              disabled={!canEdit}
              {...MACHINE_VALUE}
              placeholder={credentialsKnown ? undefined : 'Unchanged (not readable with your role)'}
              error={errors.clientId}
            />
            <p className="int-warning" role={clientIdChanged ? 'alert' : undefined}>
              <AlertIcon />
              <span>
                Changing the client ID breaks refresh of existing connections: their refresh tokens were
                issued to the old client. Affected users will need to reconnect.
              </span>
            </p>
          </div>
          <TextField
            label="Client secret"
            type="password"
            value={clientSecret}
            onChange={(event) => setClientSecret(event.target.value)}
            disabled={!canEdit}
            autoComplete="new-password"
            spellCheck={false}
            className="mono"
            placeholder={stored?.client_secret || !credentialsKnown ? '••••••••••••••••' : 'Not set'}
            hint="Stored encrypted and never shown. Type a new secret to replace it; leave empty to keep it."
            error={errors.clientSecret}
          />
          <TextField
            label="Scopes"
            value={scopes}
            onChange={(event) => setScopes(event.target.value)}
            disabled={!canEdit}
            {...MACHINE_VALUE}
            placeholder={credentialsKnown ? undefined : 'Unchanged (not readable with your role)'}
            hint={
              defaults.length > 0 ? (
                <>
                  Comma-separated. Provider defaults: <code>{defaults.join(', ')}</code>
                </>
              ) : (
                'Comma-separated.'
              )
            }
            error={errors.scopes}
          />
        </>
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

function oauthCredentials(integration: IntegrationOutput): OAuthCredentials | null {
  const credentials = integration.credentials;
  return credentials && 'client_id' in credentials ? credentials : null;
}
