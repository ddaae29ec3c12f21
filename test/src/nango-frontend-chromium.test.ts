/**
 * The frontend SDK in a real browser: an app page loads the `@nangohq/frontend` ESM build, a click calls
 * `nango.auth()`, Chromium opens a real popup that goes through the local oidc-provider's login and consent pages,
 * and the page receives the result over the SDK's WebSocket. Screenshots go to test/output/.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FlowHarness, startFlowHarness } from '../../server/test/support/flow-harness';
import { chromiumAvailable, launchChromium } from './support/chromium';
import { type FrontendPage, startFrontendPage } from './support/frontend-page';

const OUTPUT_DIR = fileURLToPath(new URL('../output/', import.meta.url));

interface PageResult {
  ok: boolean;
  result?: { providerConfigKey: string; connectionId: string; isPending: boolean };
  type?: string;
  message?: string;
}

describe.runIf(chromiumAvailable())('@nangohq/frontend in Chromium', () => {
  let h: FlowHarness;
  let app: FrontendPage;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(OUTPUT_DIR, { recursive: true });
    h = await startFlowHarness('pglite');
    app = await startFrontendPage();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.[Symbol.asyncDispose]();
    await h?.[Symbol.asyncDispose]();
  });

  it('auth() opens a popup through the provider login and resolves with the new connection', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const token = await h.createSession();
      await page.goto(app.urlFor({ host: h.url, connectSessionToken: token, integration: 'local' }));
      await page.waitForFunction(() => (globalThis as { __ready?: boolean }).__ready === true);

      const popupOpened = page.waitForEvent('popup');
      await page.click('#connect');
      const popup = await popupOpened;

      // The provider's login form, reached through Latchkey's /oauth/connect redirect.
      const login = popup.locator('input[name="login"]');
      await login.waitFor();
      expect(new URL(popup.url()).origin).toBe(h.oidc.issuer);
      await popup.screenshot({ path: `${OUTPUT_DIR}frontend-chromium-login.png` });
      await login.fill('user-1');
      await popup.fill('input[name="password"]', 'any password');
      await popup.click('button[type="submit"]');

      await popup.locator('input[name="prompt"][value="consent"]').waitFor({ state: 'attached' });
      await popup.screenshot({ path: `${OUTPUT_DIR}frontend-chromium-consent.png` });
      await popup.click('button[type="submit"]');

      await page.waitForFunction(() => (globalThis as { __result?: unknown }).__result !== undefined);
      const outcome = await page.evaluate(
        () => (globalThis as { __result?: unknown }).__result as PageResult,
      );
      await page.screenshot({ path: `${OUTPUT_DIR}frontend-chromium-result.png` });

      expect(outcome).toEqual({
        ok: true,
        result: { providerConfigKey: 'local', connectionId: expect.any(String), isPending: false },
      });
      const stored = await h.api(`/connections/${outcome.result!.connectionId}?provider_config_key=local`);
      expect(stored.status).toBe(200);
    } finally {
      await context.close();
    }
  });
});
