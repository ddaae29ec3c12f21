/**
 * A stand-in for the window `window.open` returns, for jsdom (which has no real popups). It records where the widget
 * sent it; the test plays the callback page by dispatching `message` events on `window` with chosen origins.
 */
import { vi } from 'vitest';

export interface FakePopup {
  closed: boolean;
  location: { href: string };
  close(): void;
  /** The `latchkey_nonce` the widget put in the URL it sent the popup to. */
  nonce(): string;
  url(): URL;
}

export function stubWindowOpen(options: { blocked?: boolean } = {}) {
  const opened: FakePopup[] = [];
  const calls: Array<{
    url: string | URL | undefined;
    target: string | undefined;
    features: string | undefined;
  }> = [];
  const spy = vi.spyOn(window, 'open').mockImplementation((url, target, features) => {
    calls.push({ url, target, features });
    if (options.blocked) return null;
    const popup: FakePopup = {
      closed: false,
      location: { href: String(url ?? '') },
      close() {
        popup.closed = true;
      },
      url: () => new URL(popup.location.href),
      nonce: () => popup.url().searchParams.get('latchkey_nonce') ?? '',
    };
    opened.push(popup);
    return popup as unknown as Window;
  });
  return { opened, calls, restore: () => spy.mockRestore() };
}

/** What the callback page posts to its opener. */
export function postFromPopup(origin: string, data: unknown): void {
  window.dispatchEvent(new MessageEvent('message', { origin, data, source: window }));
}
