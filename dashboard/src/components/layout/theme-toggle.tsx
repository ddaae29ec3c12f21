/**
 * Light, dark or the system's choice. Stored in localStorage and applied as `data-theme` on <html>; the styles use
 * `light-dark()`, so the system preference needs no script at all.
 */
import { useState } from 'react';
import { MonitorIcon, MoonIcon, SunIcon } from '../ui/icons';

export type ThemeChoice = 'system' | 'light' | 'dark';
const STORAGE_KEY = 'latchkey.theme';
const ORDER: ThemeChoice[] = ['system', 'light', 'dark'];
const NAMES: Record<ThemeChoice, string> = { system: 'System', light: 'Light', dark: 'Dark' };

export function storedTheme(): ThemeChoice {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return value === 'light' || value === 'dark' ? value : 'system';
  } catch {
    return 'system';
  }
}

export function applyTheme(choice: ThemeChoice): void {
  if (choice === 'system') document.documentElement.removeAttribute('data-theme');
  else document.documentElement.setAttribute('data-theme', choice);
}

export function ThemeToggle() {
  const [choice, setChoice] = useState<ThemeChoice>(storedTheme);
  const next = ORDER[(ORDER.indexOf(choice) + 1) % ORDER.length]!;
  const Icon = choice === 'light' ? SunIcon : choice === 'dark' ? MoonIcon : MonitorIcon;
  return (
    <button
      type="button"
      className="icon-button"
      aria-label={`Theme: ${NAMES[choice]}. Switch to ${NAMES[next]}`}
      title={`Theme: ${NAMES[choice]}`}
      onClick={() => {
        setChoice(next);
        applyTheme(next);
        try {
          localStorage.setItem(STORAGE_KEY, next);
        } catch {
          // Not persisted; still applied.
        }
      }}
    >
      <Icon size={18} />
    </button>
  );
}
