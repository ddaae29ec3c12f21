/** Webhooks: where auth events go, which ones, and the key that signs them (rotation takes effect at once). */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTRPC } from '../../api/trpc';
import { Button } from '../ui/button';
import { CopyField } from '../ui/copy-button';
import { ConfirmDialog } from '../ui/dialog';
import { FormError } from '../ui/error-state';
import { CheckboxField, TextField } from '../ui/field';
import { useToast } from '../ui/toast';
import { type EnvironmentSettings, SettingsSection } from './settings-section';
import { useUpdateEnvironmentSettings } from './use-environment-settings';

export function WebhookSettings() {
  return (
    <>
      <SettingsSection
        title="Webhook URLs"
        description="Latchkey POSTs auth events here, signed with the key below."
      >
        {(settings) => <WebhookForm settings={settings} />}
      </SettingsSection>
      <SettingsSection
        title="Signing key"
        description="Verify X-Nango-Hmac-Sha256 (or the Standard Webhooks webhook-signature) with it."
      >
        {() => <SigningKey />}
      </SettingsSection>
    </>
  );
}

function WebhookForm({ settings }: { settings: EnvironmentSettings }) {
  const [primary, setPrimary] = useState(settings.webhook_url ?? '');
  const [secondary, setSecondary] = useState(settings.webhook_secondary_url ?? '');
  const [onCreation, setOnCreation] = useState(settings.webhook_on_auth_creation);
  const [onRefreshError, setOnRefreshError] = useState(settings.webhook_on_auth_refresh_error);
  const update = useUpdateEnvironmentSettings('Webhook settings saved');

  function submit(event: FormEvent) {
    event.preventDefault();
    update.mutate({
      webhook_url: primary.trim() || null,
      webhook_secondary_url: secondary.trim() || null,
      webhook_on_auth_creation: onCreation,
      webhook_on_auth_refresh_error: onRefreshError,
    });
  }

  return (
    <form className="stack form-narrow" onSubmit={submit}>
      <TextField
        label="Primary URL"
        type="url"
        placeholder="https://api.example.com/webhooks/latchkey"
        value={primary}
        onChange={(event) => setPrimary(event.target.value)}
      />
      <TextField
        label="Secondary URL"
        type="url"
        value={secondary}
        onChange={(event) => setSecondary(event.target.value)}
        hint="Optional: every event is sent to both."
      />
      <fieldset className="fieldset">
        <legend className="field-label">Events to send</legend>
        <CheckboxField
          label="Connection created"
          hint="auth, operation creation: a user finished a flow (success or failure)."
          checked={onCreation}
          onChange={(event) => setOnCreation(event.target.checked)}
        />
        <CheckboxField
          label="Refresh failed"
          hint="auth, operation refresh: a token could not be refreshed; the user may need to reconnect."
          checked={onRefreshError}
          onChange={(event) => setOnRefreshError(event.target.checked)}
        />
      </fieldset>
      <FormError error={update.error} />
      <div>
        <Button type="submit" variant="primary" loading={update.isPending}>
          Save webhook settings
        </Button>
      </div>
    </form>
  );
}

function SigningKey() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [reveal, setReveal] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const withKey = useQuery({
    ...trpc.environment.get.queryOptions({ include: ['webhook_signing_key'] }),
    enabled: reveal,
  });
  const rotate = useMutation(
    trpc.environment.rotateWebhookSigningKey.mutationOptions({
      onSuccess: () => {
        setConfirming(false);
        setReveal(true);
        toast('Signing key rotated');
        void queryClient.invalidateQueries({ queryKey: trpc.environment.get.pathKey() });
      },
    }),
  );
  return (
    <div className="stack form-narrow">
      {reveal && withKey.data?.webhook_signing_key ? (
        <CopyField label="Webhook signing key" value={withKey.data.webhook_signing_key} />
      ) : (
        <div>
          <Button size="sm" onClick={() => setReveal(true)} loading={reveal && withKey.isFetching}>
            Reveal signing key
          </Button>
        </div>
      )}
      <FormError error={withKey.error} />
      <div>
        <Button variant="secondary" onClick={() => setConfirming(true)}>
          Rotate signing key
        </Button>
      </div>
      <ConfirmDialog
        open={confirming}
        onOpenChange={setConfirming}
        title="Rotate the signing key?"
        description="Deliveries from now on, retries included, are signed with the new key. Update your receiver right away."
        confirmLabel="Rotate key"
        pending={rotate.isPending}
        onConfirm={() => rotate.mutate()}
        error={rotate.error ? <FormError error={rotate.error} /> : undefined}
      />
    </div>
  );
}
