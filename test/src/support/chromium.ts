/**
 * Debian's Chromium driven by playwright-core (test-peers.md 6.8): no browser download, headless, quiet without
 * network. `--no-sandbox` because tests may run as root, where Chromium refuses to start with its sandbox.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium, type LaunchOptions } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Whether browser suites run: when the browser is installed, and always in CI (which installs it), so a browser
 * missing there fails the run instead of skipping the suites. Elsewhere `describe.runIf(chromiumAvailable())` lets a
 * machine without Chromium run everything else.
 */
export function chromiumAvailable(): boolean {
  return process.env.CI === 'true' || existsSync(CHROMIUM_PATH);
}

export function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    ...options,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...(options.args ?? []),
    ],
  });
}
