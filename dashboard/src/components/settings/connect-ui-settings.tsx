/** Connect UI theming: colours, corner radius, logo and mode, with a live preview; applied to the hosted page and
 * returned to the widget as its defaults. */
import type { ConnectUiTheme } from '@latchkey/schema';
import { type FormEvent, useState } from 'react';
import { Button } from '../ui/button';
import { FormError } from '../ui/error-state';
import { SelectField, TextField } from '../ui/field';
import { ConnectUiPreview } from './connect-ui-preview';
import { type EnvironmentSettings, SettingsSection } from './settings-section';
import { useUpdateEnvironmentSettings } from './use-environment-settings';

/** The widget's built-in light palette, as a theme. */
export const DEFAULT_THEME: ConnectUiTheme = {
  mode: 'system',
  primaryColor: '#2f54eb',
  backgroundColor: '#ffffff',
  textColor: '#16181d',
  radius: 10,
};

const HEX = /^#[0-9a-fA-F]{6}$/;

/** WCAG contrast ratio of two #rrggbb colours. */
function contrast(a: string, b: string): number {
  const luminance = (hex: string) => {
    const [r, g, bl] = [1, 3, 5].map((i) => {
      const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

/** The widget picks black or white text on the primary colour the same way (widget/src/react/theme.ts). */
function contrastWarnings(theme: ConnectUiTheme): string[] {
  const warnings: string[] = [];
  const onPrimary = Math.max(
    contrast(theme.primaryColor, '#ffffff'),
    contrast(theme.primaryColor, '#0b0d12'),
  );
  const text = contrast(theme.textColor, theme.backgroundColor);
  if (text < 4.5)
    warnings.push(`Text on the background has a contrast of ${text.toFixed(1)}:1; aim for 4.5:1 or more.`);
  if (onPrimary < 4.5)
    warnings.push(
      `Button text on the primary colour reaches only ${onPrimary.toFixed(1)}:1; pick a darker or lighter colour.`,
    );
  return warnings;
}

export function ConnectUiSettings() {
  return (
    <SettingsSection
      title="Connect UI"
      description="How the Connect modal and the hosted connect page look to your end users."
    >
      {(settings) => <ThemeForm settings={settings} />}
    </SettingsSection>
  );
}

function ColorField({
  label,
  value,
  onChange,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
}) {
  const [text, setText] = useState(value);
  return (
    <div className="color-field">
      <TextField
        label={label}
        value={text}
        className="mono"
        maxLength={7}
        error={HEX.test(text) ? undefined : 'Use #rrggbb'}
        onChange={(event) => {
          setText(event.target.value);
          if (HEX.test(event.target.value)) onChange(event.target.value);
        }}
      />
      <input
        type="color"
        aria-label={`${label} picker`}
        value={value}
        onChange={(event) => {
          setText(event.target.value);
          onChange(event.target.value);
        }}
      />
    </div>
  );
}

function ThemeForm({ settings }: { settings: EnvironmentSettings }) {
  const [theme, setTheme] = useState<ConnectUiTheme>(settings.connectUiTheme ?? DEFAULT_THEME);
  const [previewDark, setPreviewDark] = useState(theme.mode === 'dark');
  const update = useUpdateEnvironmentSettings('Connect UI theme saved');
  const set = (patch: Partial<ConnectUiTheme>) => setTheme((current) => ({ ...current, ...patch }));
  const dark = theme.mode === 'dark' || (theme.mode === 'system' && previewDark);

  function submit(event: FormEvent) {
    event.preventDefault();
    const { logoUrl, ...rest } = theme;
    update.mutate({ connectUiTheme: logoUrl?.trim() ? { ...rest, logoUrl: logoUrl.trim() } : rest });
  }

  return (
    <div className="theme-editor">
      <form className="stack" onSubmit={submit}>
        <SelectField
          label="Mode"
          value={theme.mode}
          onChange={(event) => set({ mode: event.target.value as ConnectUiTheme['mode'] })}
          hint="System follows the end user’s device."
        >
          <option value="system">System</option>
          <option value="light">Light</option>
          <option value="dark">Dark</option>
        </SelectField>
        <ColorField
          label="Primary colour"
          value={theme.primaryColor}
          onChange={(primaryColor) => set({ primaryColor })}
        />
        <ColorField
          label="Background colour"
          value={theme.backgroundColor}
          onChange={(backgroundColor) => set({ backgroundColor })}
        />
        <ColorField
          label="Text colour"
          value={theme.textColor}
          onChange={(textColor) => set({ textColor })}
        />
        <TextField
          label={`Corner radius: ${theme.radius}px`}
          type="range"
          min={0}
          max={24}
          step={1}
          value={theme.radius}
          onChange={(event) => set({ radius: Number(event.target.value) })}
          className="range"
        />
        <TextField
          label="Logo URL"
          type="url"
          placeholder="https://example.com/logo.svg"
          value={theme.logoUrl ?? ''}
          onChange={(event) => set({ logoUrl: event.target.value })}
          hint="An https URL, or a data:image/svg+xml or data:image/png URL up to 64 kB."
        />
        {contrastWarnings(theme).map((warning) => (
          <p key={warning} className="callout callout-warning">
            {warning}
          </p>
        ))}
        <FormError error={update.error} />
        <div className="row">
          <Button type="submit" variant="primary" loading={update.isPending}>
            Save theme
          </Button>
          <Button onClick={() => setTheme(DEFAULT_THEME)}>Reset to default</Button>
        </div>
      </form>
      <div className="theme-preview">
        <div className="row-between">
          <p className="field-label">Preview</p>
          {theme.mode === 'system' ? (
            <fieldset className="segmented">
              <legend className="sr-only">Preview mode</legend>
              <button type="button" aria-pressed={!previewDark} onClick={() => setPreviewDark(false)}>
                Light
              </button>
              <button type="button" aria-pressed={previewDark} onClick={() => setPreviewDark(true)}>
                Dark
              </button>
            </fieldset>
          ) : null}
        </div>
        <ConnectUiPreview theme={theme} dark={dark} />
      </div>
    </div>
  );
}
