/**
 * Security: HMAC signing of connect requests from the frontend (the legacy public-key flow), the public key itself,
 * and the origins allowed to embed the Connect UI.
 */
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTRPC } from '../../api/trpc';
import { Button } from '../ui/button';
import { CopyField } from '../ui/copy-button';
import { FormError } from '../ui/error-state';
import { CheckboxField, TextAreaField, TextField } from '../ui/field';
import { type EnvironmentSettings, SettingsSection } from './settings-section';
import { useUpdateEnvironmentSettings } from './use-environment-settings';

function randomKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

export function SecuritySettings() {
  return (
    <>
      <SettingsSection
        title="HMAC verification"
        description="With HMAC on, a public-key flow must carry hmac = HMAC-SHA256(key, integration:connectionId), computed by your backend."
      >
        {(settings) => <HmacForm settings={settings} />}
      </SettingsSection>
      <SettingsSection
        title="Allowed origins"
        description="Web origins allowed to call the Connect API from a browser (CORS). Empty: any origin with a valid token."
      >
        {(settings) => <OriginsForm settings={settings} />}
      </SettingsSection>
    </>
  );
}

function HmacForm({ settings }: { settings: EnvironmentSettings }) {
  const trpc = useTRPC();
  const [enabled, setEnabled] = useState(settings.hmac_enabled);
  const [newKey, setNewKey] = useState('');
  const [reveal, setReveal] = useState(false);
  const withKey = useQuery({
    ...trpc.environment.get.queryOptions({ include: ['hmac_key'] }),
    enabled: reveal,
  });
  const update = useUpdateEnvironmentSettings('HMAC settings saved');

  function submit(event: FormEvent) {
    event.preventDefault();
    update.mutate(
      { hmac_enabled: enabled, ...(newKey ? { hmac_key: newKey } : {}) },
      { onSuccess: () => setNewKey('') },
    );
  }

  return (
    <form className="stack form-narrow" onSubmit={submit}>
      <CopyField label="Public key" value={settings.public_key} />
      <CheckboxField
        label="Require HMAC on public-key flows"
        checked={enabled}
        onChange={(event) => setEnabled(event.target.checked)}
      />
      {reveal && withKey.data?.hmac_key ? (
        <CopyField
          label="Current HMAC key"
          value={withKey.data.hmac_key}
          hint="Keep it on your backend only."
        />
      ) : (
        <div>
          <Button size="sm" onClick={() => setReveal(true)} loading={reveal && withKey.isFetching}>
            Reveal current HMAC key
          </Button>
        </div>
      )}
      <FormError error={withKey.error} />
      <div className="field-row">
        <TextField
          label="New HMAC key"
          value={newKey}
          minLength={16}
          onChange={(event) => setNewKey(event.target.value)}
          hint="Optional: 16 or more characters. Replaces the current key when you save."
          className="mono"
          fieldClassName="grow"
        />
        <Button onClick={() => setNewKey(randomKey())}>Generate</Button>
      </div>
      <FormError error={update.error} />
      <div>
        <Button type="submit" variant="primary" loading={update.isPending}>
          Save HMAC settings
        </Button>
      </div>
    </form>
  );
}

function OriginsForm({ settings }: { settings: EnvironmentSettings }) {
  const [text, setText] = useState(settings.allowedOrigins.join('\n'));
  const update = useUpdateEnvironmentSettings('Allowed origins saved');
  const origins = text
    .split(/[\s,]+/)
    .map((origin) => origin.trim().replace(/\/+$/, ''))
    .filter(Boolean);
  const invalid = origins.filter((origin) => !/^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i.test(origin));

  function submit(event: FormEvent) {
    event.preventDefault();
    if (invalid.length === 0) update.mutate({ allowedOrigins: origins });
  }

  return (
    <form className="stack form-narrow" onSubmit={submit}>
      <TextAreaField
        label="Origins"
        placeholder={'https://app.example.com\nhttp://localhost:5173'}
        value={text}
        onChange={(event) => setText(event.target.value)}
        className="mono"
        hint="One per line: scheme://host[:port], no path."
        error={invalid.length > 0 ? `Not an origin: ${invalid.join(', ')}` : undefined}
      />
      <FormError error={update.error} />
      <div>
        <Button type="submit" variant="primary" loading={update.isPending} disabled={invalid.length > 0}>
          Save origins
        </Button>
      </div>
    </form>
  );
}
