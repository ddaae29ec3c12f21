/**
 * The environment's Connect UI theme (set in the dashboard, sent by `GET /connect/session`) becomes the widget's
 * default look; an app's own `theme` prop still wins. The session answer is the real one with a theme added, so no
 * environment setting is shared with the other widget tests.
 */
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConnectModal, type ConnectModalProps } from '../src/index';
import { latchkeyClient } from './support/latchkey-client';

const lk = latchkeyClient();
const THEME = {
  mode: 'light',
  primaryColor: '#ffcc00',
  backgroundColor: '#fdf6e3',
  textColor: '#073642',
  radius: 4,
  logoUrl: 'https://example.com/logo.svg',
};

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

/** Adds `THEME` to the session description the modal loads. */
function serveTheme() {
  const realFetch = globalThis.fetch;
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const response = await realFetch(input, init);
    if (!String(input instanceof Request ? input.url : input).endsWith('/connect/session')) return response;
    const body = (await response.json()) as { data: Record<string, unknown> };
    return new Response(JSON.stringify({ data: { ...body.data, theme: THEME } }), {
      status: response.status,
      headers: { 'content-type': 'application/json' },
    });
  });
}

async function rootOf(props: Partial<ConnectModalProps> = {}) {
  const view = render(<ConnectModal sessionToken={await lk.createSession()} baseUrl={lk.url} {...props} />);
  await screen.findByRole('button', { name: 'Acme API' }, { timeout: 10_000 });
  return view.container.querySelector<HTMLElement>('.lk-root')!;
}

describe('the environment theme', () => {
  it('is the default: its colours, radius and logo, with readable text on the accent', async () => {
    serveTheme();
    const root = await rootOf();
    expect(root.style.getPropertyValue('--lk-accent')).toBe('#ffcc00');
    expect(root.style.getPropertyValue('--lk-background')).toBe('#fdf6e3');
    expect(root.style.getPropertyValue('--lk-text')).toBe('#073642');
    expect(root.style.getPropertyValue('--lk-radius')).toBe('4px');
    // A light accent gets dark text.
    expect(root.style.getPropertyValue('--lk-accent-text')).toBe('#0b0d12');
    expect(root.querySelector('img.lk-brand')?.getAttribute('src')).toBe(THEME.logoUrl);
  });

  it('gives way to the theme prop', async () => {
    serveTheme();
    const root = await rootOf({ theme: 'dark' });
    expect(root.style.getPropertyValue('--lk-background')).toBe('#17191f');
    expect(root.querySelector('img.lk-brand')).toBeNull();
  });

  it('leaves the built-in look (or defaultTheme) when the environment has none', async () => {
    const root = await rootOf({ defaultTheme: 'dark' });
    expect(root.style.getPropertyValue('--lk-background')).toBe('#17191f');
  });
});
