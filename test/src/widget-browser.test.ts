/**
 * The widget in Debian's Chromium: the example app (`widget/example`, started by its own one command) on its own
 * loopback origin, a Latchkey with the real local oidc-provider, and the user's clicks. OAuth through a real popup;
 * an API key through the generated form; a blocked popup falling back to a full-page redirect; a popup closed by the
 * user. Each step's screenshot goes to test/output/widget/.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowOrigins } from '../../server/test/support/allowed-origins';
import { type FlowHarness, startFlowHarness } from '../../server/test/support/flow-harness';
import {
  startVerificationServer,
  type VerificationServer,
} from '../../server/test/support/verification-server';
import { chromiumAvailable, launchChromium } from './support/chromium';
import { TSX_CLI } from './support/paths';
import { spawnTracked, type TrackedChild } from './support/tracked-child';

const OUTPUT_DIR = fileURLToPath(new URL('../output/widget/', import.meta.url));
const WIDGET_DIR = fileURLToPath(new URL('../../widget/', import.meta.url));
const STEP = { timeout: 20_000 };

interface ShownEvent {
  type: string;
  connectionId?: string;
  integration?: string;
  code?: string;
  message?: string;
}

/** Starts `widget/example/server.ts` as `pnpm --filter ./widget example` does, on a free port; resolves its URL. */
async function startExampleApp(
  latchkeyUrl: string,
  secretKey: string,
): Promise<{ url: string; child: TrackedChild }> {
  const child = spawnTracked([TSX_CLI, path.join(WIDGET_DIR, 'example/server.ts')], {
    cwd: WIDGET_DIR,
    env: { ...process.env, LATCHKEY_URL: latchkeyUrl, LATCHKEY_SECRET_KEY: secretKey, PORT: '0' },
  });
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    const match = /listening on (http:\/\/[^\s]+)/.exec(child.stdout());
    if (match) return { url: match[1]!, child };
    if (child.hasExited()) throw new Error(`example app exited:\n${child.stdout()}\n${child.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.killGroup();
  throw new Error(`example app did not start:\n${child.stdout()}\n${child.stderr()}`);
}

describe.runIf(chromiumAvailable())('widget in Chromium', () => {
  let h: FlowHarness;
  let verifier: VerificationServer;
  let app: { url: string; child: TrackedChild };
  let browser: Browser;

  async function shot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: path.join(OUTPUT_DIR, `${name}.png`) });
  }

  /** The app's event log, as it shows it. */
  async function shownEvents(page: Page): Promise<ShownEvent[]> {
    const texts = await page.locator('#events li').allTextContents();
    return texts.map((text) => JSON.parse(text) as ShownEvent);
  }

  async function eventOf(page: Page, type: string): Promise<ShownEvent> {
    await page.locator(`#events li[data-event="${type}"]`).first().waitFor(STEP);
    return (await shownEvents(page)).find((event) => event.type === type)!;
  }

  async function openApp(context: BrowserContext, query = ''): Promise<Page> {
    const page = await context.newPage();
    await page.goto(`${app.url}/${query}`);
    const button = page.getByRole('button', { name: 'Connect an account' });
    await expect.poll(() => button.isEnabled(), STEP).toBe(true);
    await button.click();
    await page.getByRole('dialog').waitFor(STEP);
    return page;
  }

  async function loginAndConsent(target: Page, prefix: string): Promise<void> {
    const login = target.locator('input[name="login"]');
    await login.waitFor(STEP);
    expect(new URL(target.url()).origin).toBe(h.oidc.issuer);
    await shot(target, `${prefix}-2-login`);
    await login.fill('user-1');
    await target.fill('input[name="password"]', 'any password');
    await target.click('button[type="submit"]');
    await target.locator('input[name="prompt"][value="consent"]').waitFor({ state: 'attached', ...STEP });
    await shot(target, `${prefix}-3-consent`);
    await target.click('button[type="submit"]');
  }

  async function expectConnection(connectionId: string, integration: string): Promise<void> {
    const stored = await h.api(`/connections/${connectionId}?provider_config_key=${integration}`);
    expect(stored.status).toBe(200);
  }

  beforeAll(async () => {
    mkdirSync(OUTPUT_DIR, { recursive: true });
    h = await startFlowHarness('pglite');
    verifier = await startVerificationServer({ apiKeys: ['good-key'] });
    await h.registerProvider({ ...verifier.apiKeyProvider('verified-api'), display_name: 'Verified API' });
    await h.createIntegration({ unique_key: 'apikey', provider: 'verified-api' });
    app = await startExampleApp(h.url, h.t.secretKey);
    // The app runs on its own origin: the environment must allow it, or the widget cannot read Latchkey's answers.
    await allowOrigins(h.api, [app.url]);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.child.killGroupAndWait();
    await verifier?.close();
    await h?.[Symbol.asyncDispose]();
  });

  it('connects with OAuth in a popup and reports the connection to the app', async () => {
    const context = await browser.newContext();
    try {
      const page = await openApp(context);
      await eventOf(page, 'ready');
      await shot(page, 'oauth-1-list');
      const popupOpened = page.waitForEvent('popup');
      await page.getByRole('button', { name: 'Local OIDC' }).click();
      const popup = await popupOpened;
      await loginAndConsent(popup, 'oauth');
      const connected = await eventOf(page, 'connect');
      await shot(page, 'oauth-4-connected');
      expect(connected).toEqual({ type: 'connect', connectionId: expect.any(String), integration: 'local' });
      await expectConnection(connected.connectionId!, 'local');
      // The callback page closes itself once the widget acknowledged its message.
      await expect.poll(() => popup.isClosed(), STEP).toBe(true);
    } finally {
      await context.close();
    }
  });

  it('connects with an API key through the generated form, validating before submit', async () => {
    const context = await browser.newContext();
    try {
      const page = await openApp(context);
      await page.getByRole('button', { name: 'Verified API' }).click();
      const field = page.getByLabel('API key');
      await field.waitFor(STEP);
      await shot(page, 'apikey-1-form');
      await page.locator('form button[type="submit"]').click();
      await page.locator('.lk-error[role="alert"]').first().waitFor(STEP);
      await shot(page, 'apikey-2-validation');
      expect(await page.locator('#events li[data-event="connect"]').count()).toBe(0);
      await field.fill('good-key');
      await page.locator('form button[type="submit"]').click();
      const connected = await eventOf(page, 'connect');
      await shot(page, 'apikey-3-connected');
      expect(connected).toEqual({ type: 'connect', connectionId: expect.any(String), integration: 'apikey' });
      await expectConnection(connected.connectionId!, 'apikey');
    } finally {
      await context.close();
    }
  });

  it('falls back to a full-page redirect when the popup is blocked, and comes back with the result', async () => {
    const context = await browser.newContext();
    try {
      // A popup blocker: window.open answers null.
      await context.addInitScript(() => {
        window.open = () => null;
      });
      const page = await openApp(context);
      await shot(page, 'redirect-1-list');
      await page.getByRole('button', { name: 'Local OIDC' }).click();
      await loginAndConsent(page, 'redirect');
      const connected = await eventOf(page, 'connect');
      await shot(page, 'redirect-4-back-in-app');
      expect(new URL(page.url()).origin).toBe(app.url);
      // The result parameters are gone from the address bar once read.
      expect(new URL(page.url()).searchParams.has('latchkey_result')).toBe(false);
      expect(connected).toEqual({ type: 'connect', connectionId: expect.any(String), integration: 'local' });
      await expectConnection(connected.connectionId!, 'local');
    } finally {
      await context.close();
    }
  });

  it('reports window_closed when the user closes the popup', async () => {
    const context = await browser.newContext();
    try {
      const page = await openApp(context);
      const popupOpened = page.waitForEvent('popup');
      await page.getByRole('button', { name: 'Local OIDC' }).click();
      const popup = await popupOpened;
      await popup.locator('input[name="login"]').waitFor(STEP);
      await shot(popup, 'closed-1-popup');
      await popup.close();
      const failed = await eventOf(page, 'error');
      await shot(page, 'closed-2-reported');
      expect(failed.code).toBe('window_closed');
      expect(await page.locator('#events li[data-event="connect"]').count()).toBe(0);
    } finally {
      await context.close();
    }
  });

  it('serves the hosted connect page from the same components', async () => {
    const context = await browser.newContext();
    try {
      const created = await h.api('/connect/sessions', {
        method: 'POST',
        json: { end_user: { id: 'hosted-user' } },
      });
      const { data } = (await created.json()) as { data: { connect_link: string } };
      expect(data.connect_link.startsWith(`${h.url}/connect?session_token=`)).toBe(true);
      const page = await context.newPage();
      await page.goto(data.connect_link);
      await page.getByRole('button', { name: 'Verified API' }).click();
      await page.getByLabel('API key').fill('good-key');
      await shot(page, 'hosted-1-form');
      await page.locator('form button[type="submit"]').click();
      await page.locator('main[data-connected="true"]').waitFor({ state: 'attached', ...STEP });
      await shot(page, 'hosted-2-connected');
    } finally {
      await context.close();
    }
  });

  it('binds a browser-bound connect link to the first browser: a second one is refused', async () => {
    const first = await browser.newContext();
    const second = await browser.newContext();
    try {
      const created = await h.api('/connect/sessions', {
        method: 'POST',
        json: { end_user: { id: 'bound-user', binding: 'browser' } },
      });
      const { data } = (await created.json()) as { data: { connect_link: string } };
      const page = await first.newPage();
      await page.goto(data.connect_link);
      await page.getByRole('button', { name: 'Local OIDC' }).waitFor(STEP);
      await shot(page, 'bound-1-first-browser');
      const bindingCookies = async (context: BrowserContext) =>
        (await context.cookies(h.url)).filter((cookie) => cookie.name === 'latchkey_csb');
      expect(await bindingCookies(first)).toEqual([
        expect.objectContaining({ httpOnly: true, sameSite: 'Lax', path: '/', secure: false }),
      ]);

      const other = await second.newPage();
      await other.goto(data.connect_link);
      const refusal = other.getByRole('alert');
      await refusal.waitFor(STEP);
      await shot(other, 'bound-2-other-browser');
      expect(await refusal.textContent()).toContain('already opened in another browser');
      expect(await other.getByRole('button', { name: 'Local OIDC' }).count()).toBe(0);
      expect(await bindingCookies(second)).toEqual([]);

      // The first browser connects through the OAuth popup, whose navigation to /oauth/connect carries the cookie.
      const popupOpened = page.waitForEvent('popup');
      await page.getByRole('button', { name: 'Local OIDC' }).click();
      const popup = await popupOpened;
      await loginAndConsent(popup, 'bound');
      await page.locator('main[data-connected="true"]').waitFor({ state: 'attached', ...STEP });
      await shot(page, 'bound-4-connected');
    } finally {
      await first.close();
      await second.close();
    }
  });
});
