/**
 * Just enough browser for the real `@nangohq/frontend` in Node (test-peers.md 5): `WebSocket` from `ws`, and a
 * `window` whose `open()` returns a popup object. The SDK navigates the popup by assigning `popup.location`; the
 * setter hands that URL to the test's `navigate`, which plays the user (usually the headless cookie-jar driver).
 */
import { WebSocket } from 'ws';

export interface FakePopup {
  closed: boolean;
  close(): void;
  location: string;
}

export interface PopupNavigation {
  /** Every URL the SDK sent a popup to, in order. */
  urls: string[];
  /** Settles when every navigation started so far has finished; rejects with the first failure. */
  settled(): Promise<void>;
}

/** What runs when the SDK navigates the popup: the popup's URL in, nothing out (the SDK listens on its socket). */
export type Navigate = (url: string) => Promise<void>;

let current: Navigate = async () => {
  throw new Error('no popup navigation was set for this test');
};
const urls: string[] = [];
let pending: Promise<unknown>[] = [];

/**
 * Installs the globals (each test file has its own worker). Install them after any embedded database has started:
 * PGlite takes a global `window` for a browser and then looks for files where there are none.
 */
export function installBrowserGlobals(): void {
  const globals = globalThis as Record<string, unknown>;
  globals.WebSocket = WebSocket;
  globals.window = {
    screen: { width: 1280, height: 800 },
    open(): FakePopup {
      let location = 'about:blank';
      return {
        closed: false,
        close() {
          this.closed = true;
        },
        get location() {
          return location;
        },
        set location(url: string) {
          location = url;
          urls.push(url);
          const navigation = current(url);
          // Reported by `settled()`; never an unhandled rejection meanwhile.
          navigation.catch(() => {});
          pending.push(navigation);
        },
      };
    },
  };
}

export function removeBrowserGlobals(): void {
  const globals = globalThis as Record<string, unknown>;
  delete globals.window;
  delete globals.WebSocket;
}

/** Sets what the next popups do, and forgets earlier navigations. */
export function onPopupNavigation(navigate: Navigate): PopupNavigation {
  current = navigate;
  urls.length = 0;
  pending = [];
  return {
    urls,
    async settled() {
      await Promise.all(pending);
    },
  };
}
