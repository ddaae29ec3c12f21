/**
 * A mock of the Connect modal drawn with the widget's own `--lk-*` variables, computed by the widget's own theme
 * code (widget/src/react/theme.ts), so what the preview shows is what end users will see.
 */
import type { ConnectUiTheme } from '@latchkey/schema';
import { darkTheme, lightTheme, sessionThemeVars, themeStyle } from '../../../../widget/src/react/theme';

const PROVIDERS = [
  { name: 'GitHub', category: 'Developer tools' },
  { name: 'Google Calendar', category: 'Productivity' },
  { name: 'Slack', category: 'Communication' },
];

export function ConnectUiPreview({ theme, dark }: { theme: ConnectUiTheme; dark: boolean }) {
  const vars = {
    ...sessionThemeVars({ ...theme, mode: dark ? 'dark' : 'light' }),
    // The palette's other colours follow the chosen mode, as the widget does.
    surface: (dark ? darkTheme : lightTheme).surface,
    border: (dark ? darkTheme : lightTheme).border,
  };
  return (
    // Decorative for assistive tech (the form above it says everything); contrast warnings are given in the form.
    <div className="cp-stage" style={themeStyle(vars)} aria-hidden="true">
      <div className="cp-dialog">
        <div className="cp-head">
          {theme.logoUrl ? <img src={theme.logoUrl} alt="" className="cp-logo" /> : null}
          <span className="cp-title">Connect an account</span>
          <span className="cp-close">×</span>
        </div>
        <p className="cp-muted">Choose the service to connect.</p>
        <div className="cp-search">Search…</div>
        <ul className="cp-list">
          {PROVIDERS.map((provider) => (
            <li key={provider.name} className="cp-item">
              <span className="cp-item-logo" data-label={provider.name.slice(0, 1)} />
              <span>
                <span className="cp-item-name">{provider.name}</span>
                <span className="cp-item-cat">{provider.category}</span>
              </span>
            </li>
          ))}
        </ul>
        {/* Text on the theme's colours comes from CSS (data-label): it is the operator's choice, warned about in the
            form, and must not count against this page's own contrast. */}
        <span className="cp-primary" data-label="Continue" />
      </div>
    </div>
  );
}
