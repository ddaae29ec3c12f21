/** Theming by CSS variables: a light and a dark palette, any variable overridable through the `theme` prop. */
import type { CSSProperties } from 'react';
import type { SessionTheme } from '../core/types';

export interface ThemeVars {
  background: string;
  surface: string;
  text: string;
  mutedText: string;
  border: string;
  accent: string;
  accentText: string;
  danger: string;
  success: string;
  overlay: string;
  radius: string;
  fontFamily: string;
}

export const lightTheme: ThemeVars = {
  background: '#ffffff',
  surface: '#f4f5f7',
  text: '#16181d',
  mutedText: '#545b66',
  border: '#c9ced6',
  accent: '#2f54eb',
  accentText: '#ffffff',
  danger: '#b42318',
  success: '#0f7b3f',
  overlay: 'rgba(15, 18, 25, 0.55)',
  radius: '10px',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
};

export const darkTheme: ThemeVars = {
  ...lightTheme,
  background: '#17191f',
  surface: '#22252d',
  text: '#eef0f4',
  mutedText: '#a9b0bc',
  border: '#3a3f4a',
  accent: '#7b96ff',
  accentText: '#0b0d12',
  danger: '#ff8a80',
  success: '#5fd38d',
  overlay: 'rgba(0, 0, 0, 0.7)',
};

export type ThemeProp = 'light' | 'dark' | Partial<ThemeVars>;

/**
 * The environment's theme as widget variables: its mode's palette under its colours. `system` follows the browser.
 * The accent's text colour is picked for contrast.
 */
export function sessionThemeVars(theme: SessionTheme): Partial<ThemeVars> {
  const dark =
    theme.mode === 'dark' ||
    (theme.mode === 'system' && globalThis.matchMedia?.('(prefers-color-scheme: dark)').matches === true);
  return {
    ...(dark ? darkTheme : lightTheme),
    accent: theme.primaryColor,
    accentText: luminance(theme.primaryColor) > 0.4 ? '#0b0d12' : '#ffffff',
    background: theme.backgroundColor,
    text: theme.textColor,
    radius: `${theme.radius}px`,
  };
}

/** Relative luminance of #rrggbb (WCAG), roughly: enough to choose black or white text. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

/** The `--lk-*` custom properties for an element's style; an app's own CSS may also set them. */
export function themeStyle(theme: ThemeProp | undefined): CSSProperties {
  const vars =
    theme === 'dark'
      ? darkTheme
      : theme === 'light' || theme === undefined
        ? lightTheme
        : { ...lightTheme, ...theme };
  const style: Record<string, string> = {};
  for (const [name, value] of Object.entries(vars)) {
    style[`--lk-${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`] = value;
  }
  return style as CSSProperties;
}
