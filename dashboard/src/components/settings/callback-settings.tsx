/**
 * Auth callback: the redirect URI providers send users back to. A custom one (on your own domain) must answer with
 * a 308 redirect to Latchkey's, keeping the query string.
 */
import { type FormEvent, useState } from 'react';
import { Button } from '../ui/button';
import { CopyField } from '../ui/copy-button';
import { FormError } from '../ui/error-state';
import { TextField } from '../ui/field';
import { AlertIcon } from '../ui/icons';
import { type EnvironmentSettings, SettingsSection } from './settings-section';
import { useUpdateEnvironmentSettings } from './use-environment-settings';

export const DEFAULT_CALLBACK_PATH = '/oauth/callback';

export function CallbackSettings() {
  return (
    <SettingsSection
      title="Auth callback URL"
      description="The redirect URI registered with each provider’s OAuth app."
    >
      {(settings) => <CallbackForm settings={settings} />}
    </SettingsSection>
  );
}

function CallbackForm({ settings }: { settings: EnvironmentSettings }) {
  const [value, setValue] = useState(settings.callback_url ?? '');
  const update = useUpdateEnvironmentSettings('Callback URL saved');
  const builtIn = `${window.location.origin}${DEFAULT_CALLBACK_PATH}`;

  function submit(event: FormEvent) {
    event.preventDefault();
    update.mutate({ callback_url: value.trim() === '' ? null : value.trim() });
  }

  return (
    <form className="stack form-narrow" onSubmit={submit}>
      <CopyField label="Latchkey’s callback URL" value={builtIn} hint="Used when no custom URL is set." />
      <TextField
        label="Custom callback URL"
        type="url"
        placeholder="https://auth.example.com/oauth/callback"
        value={value}
        onChange={(event) => setValue(event.target.value)}
        hint="Optional: a URL on your own domain, so users see it on consent screens. Leave empty to use Latchkey’s."
      />
      <div className="callout callout-warning">
        <AlertIcon size={16} />
        <span>
          Your URL must answer every request with a <strong>308 Permanent Redirect</strong> to{' '}
          <code>{builtIn}</code>, keeping the query string (<code>code</code>, <code>state</code>). Change the
          redirect URI in each provider’s app at the same time, or new connections will fail.
        </span>
      </div>
      <FormError error={update.error} />
      <div>
        <Button type="submit" variant="primary" loading={update.isPending}>
          Save callback URL
        </Button>
      </div>
    </form>
  );
}
