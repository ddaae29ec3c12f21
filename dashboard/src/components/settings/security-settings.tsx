/**
 * Security: the legacy public-key flows (off by default) with their HMAC, Nango's legacy webhook signature (off by
 * default), and the origins allowed to use the Connect API from a browser. Warnings come from the server, which
 * judges the saved settings.
 */
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTRPC } from '../../api/trpc';
import { Button } from '../ui/button';
import { CopyField } from '../ui/copy-button';
import { FormError } from '../ui/error-state';
import { CheckboxField, TextAreaField, TextField } from '../ui/field';
import { AlertIcon } from '../ui/icons';
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
        title="Public-key flows"
        description="The Nango frontend SDK’s legacy publicKey + connection_id flows. Off by default: connect sessions need none of this. With HMAC on, a flow must carry hmac = HMAC-SHA256(key, integration:connectionId), computed by your backend."
      >
        {(settings) => <PublicKeyFlowsForm settings={settings} />}
      </SettingsSection>
      <SettingsSection
        title="Legacy webhook signature"
        description="X-Nango-Hmac-Sha256 and the Standard Webhooks headers are always sent."
      >
        {(settings) => <LegacySignatureForm settings={settings} />}
      </SettingsSection>
      <SettingsSection
        title="Allowed origins"
        description="Web origins allowed to call the Connect API from a browser (CORS). Empty: none; * allows every origin."
      >
        {(settings) => <OriginsForm settings={settings} />}
      </SettingsSection>
    </>
  );
}

function PublicKeyFlowsForm({ settings }: { settings: EnvironmentSettings }) {
  const trpc = useTRPC();
  const [flowsEnabled, setFlowsEnabled] = useState(settings.public_key_flows_enabled);
  const [hmacEnabled, setHmacEnabled] = useState(settings.hmac_enabled);
  const [newKey, setNewKey] = useState('');
  const [reveal, setReveal] = useState(false);
  const withKey = useQuery({
    ...trpc.environment.get.queryOptions({ include: ['hmac_key'] }),
    enabled: reveal,
  });
  const update = useUpdateEnvironmentSettings('Public-key flow settings saved');

  function submit(event: FormEvent) {
    event.preventDefault();
    update.mutate(
      {
        public_key_flows_enabled: flowsEnabled,
        hmac_enabled: hmacEnabled,
        ...(newKey ? { hmac_key: newKey } : {}),
      },
      { onSuccess: () => setNewKey('') },
    );
  }

  return (
    <form className="stack form-narrow" onSubmit={submit}>
      {settings.warnings.map((warning) => (
        <div key={warning.code} className="callout callout-warning" role="alert">
          <AlertIcon size={16} />
          <span>{warning.message}</span>
        </div>
      ))}
      <CopyField label="Public key" value={settings.public_key} />
      <CheckboxField
        label="Allow public-key flows"
        hint="Anyone who sees the public key (it ships in your web pages) can then start a flow for any connection id."
        checked={flowsEnabled}
        onChange={(event) => setFlowsEnabled(event.target.checked)}
      />
      <CheckboxField
        label="Require HMAC on public-key flows"
        hint="Without it, a public-key flow can overwrite any connection’s credentials."
        checked={hmacEnabled}
        onChange={(event) => setHmacEnabled(event.target.checked)}
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
          Save public-key flow settings
        </Button>
      </div>
    </form>
  );
}

function LegacySignatureForm({ settings }: { settings: EnvironmentSettings }) {
  const [enabled, setEnabled] = useState(settings.legacy_webhook_signature);
  const update = useUpdateEnvironmentSettings('Webhook signature settings saved');

  function submit(event: FormEvent) {
    event.preventDefault();
    update.mutate({ legacy_webhook_signature: enabled });
  }

  return (
    <form className="stack form-narrow" onSubmit={submit}>
      <CheckboxField
        label="Send X-Nango-Signature"
        hint="SHA-256 of key and body, not an HMAC: only for receivers still on the SDK’s deprecated verifyWebhookSignature."
        checked={enabled}
        onChange={(event) => setEnabled(event.target.checked)}
      />
      <FormError error={update.error} />
      <div>
        <Button type="submit" variant="primary" loading={update.isPending}>
          Save webhook signature
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
  const invalid = origins.filter(
    (origin) => origin !== '*' && !/^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i.test(origin),
  );

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
        hint="One per line: scheme://host[:port], no path; * for every origin."
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
