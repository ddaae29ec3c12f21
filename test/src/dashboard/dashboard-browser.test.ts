/**
 * The operator dashboard in Debian's Chromium, against real parts only: the server as `pnpm start` runs it (its own
 * process, embedded PGlite in a temp data directory, loopback URLs allowed), a real oidc-provider that is both the
 * integration's authorization server and the operators' IdP, a real webhook receiver, and an attacker page on another
 * loopback origin. One browser for the whole file; the steps run in order as one operator's first hour: setup,
 * sign-in, an integration, a test connection through the IdP's login page, its log, a revealed secret in the audit
 * log, keys, webhooks, a teammate, TOTP and SSO. Every page is screenshotted at 1280×800 into
 * test/output/dashboard/ and checked with axe-core; the last test asserts no page had a serious or critical
 * violation. The names used to find things are the fixed ones of issue 12 wherever the issue fixes them.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startWebhookReceiver, type WebhookReceiver } from '../../../server/test/support/webhook-receiver';
import { chromiumAvailable, launchChromium } from '../support/chromium';
import { freePort } from '../support/free-port';
import { newBootstrapKey, newEncryptionKey } from '../support/keys';
import { ServerProcess } from '../support/server-process';
import { type CrossSitePage, startCrossSitePage } from './support/cross-site-page';
import {
  authStatus,
  expectShown,
  fillSignIn,
  navLink,
  STEP,
  signOut,
  slug,
  waitForPath,
} from './support/dashboard-ui';
import { EMAIL_DOMAIN, type IdentityProvider, startIdentityProvider } from './support/identity-provider';
import { formatViolations, PageChecks } from './support/page-check';
import { totpCode, totpStep, usableWindow } from './support/totp';

const DASHBOARD_INDEX = fileURLToPath(new URL('../../../dashboard/dist/index.html', import.meta.url));
const VIEWPORT = { width: 1280, height: 800 };
const ADMIN = { email: 'admin@example.test', password: 'Correct-horse-battery-42', name: 'Ada Admin' };
const TEAMMATE = { email: 'dev@example.test', password: 'Teammate-password-77', name: 'Dev Teammate' };
const PROVIDER = { name: 'local-idp', displayName: 'Local IdP Accounts' };
const INTEGRATION_ID = 'local-idp-test';
const END_USER = 'test-user-1';
/** Every page the issue wants screenshotted and axe-checked. */
const UUID_V4 = /[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/;

/** A value a dialog shows once (a key, a link): the first match of `pattern` in its text or read-only fields. */
async function shownOnce(dialog: Locator, pattern: RegExp): Promise<string> {
  let found: string | undefined;
  await expect
    .poll(async () => {
      // Each value-bearing element on its own: the dialog's whole text would run a value into its copy button's.
      const texts = await dialog
        .locator('code, pre, output, input[readonly], textarea[readonly]')
        .evaluateAll((elements) =>
          elements.map((element) =>
            element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement
              ? element.value
              : (element.textContent ?? ''),
          ),
        );
      found = texts.map((text) => pattern.exec(text)?.[0]).find((match) => match !== undefined);
      return found;
    }, STEP)
    .toBeDefined();
  return found!;
}

const REQUIRED_PAGES = [
  'setup',
  'home',
  'sign-in',
  'integrations',
  'integration-new',
  'integration-detail',
  'connections',
  'connection-detail',
  'logs',
  'webhooks',
  'team',
  'audit',
  'account',
];

// Steps drive a real browser through several round trips each; on a loaded 2-core machine 60 s can be short.
describe.runIf(chromiumAvailable())('operator dashboard in Chromium', { timeout: 90_000 }, () => {
  const checks = new PageChecks();
  const bootstrapKey = newBootstrapKey();
  let idp: IdentityProvider;
  let receiver: WebhookReceiver;
  let crossSite: CrossSitePage;
  let server: ServerProcess;
  let url: string;
  let browser: Browser;
  let admin: BrowserContext;
  let page: Page;
  /** The connection the test-connection step made. */
  let connection: { integration: string; connectionId: string } | undefined;
  /** The admin's TOTP secret once enrolled, and the last window whose code was spent. */
  let totpSecret: string | undefined;
  let lastTotpStep = -1;

  /** A REST call with the bootstrap secret key (setup the dashboard does not own, and cross-checks). */
  async function rest(path: string, init: { method?: string; json?: unknown } = {}): Promise<Response> {
    return fetch(`${url}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        authorization: `Bearer ${bootstrapKey}`,
        ...(init.json === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: init.json === undefined ? undefined : JSON.stringify(init.json),
    });
  }

  async function newContext(): Promise<BrowserContext> {
    // Reduced motion (which the dashboard honours) settles toasts at once: a toast that appeared after the check's
    // animation wait was measured mid-fade (contrast 4.31 for its real 4.5+) and failed a CI run.
    return browser.newContext({ viewport: VIEWPORT, baseURL: url, reducedMotion: 'reduce' });
  }

  /** The admin page, signed in (a failed earlier step must not make every later one fail for that reason). */
  async function signedIn(): Promise<Page> {
    if (page.url() === 'about:blank') await page.goto(`${url}/dashboard/dev`);
    let status = await authStatus(page);
    if (status.operator !== null && !status.twoFactorPending) return page;
    await page.goto(`${url}/dashboard/sign-in`);
    if (!status.twoFactorPending) {
      await fillSignIn(page, ADMIN.email, ADMIN.password);
      await page
        .getByLabel('Authentication code')
        .or(page.getByRole('navigation').first())
        .first()
        .waitFor(STEP);
      status = await authStatus(page);
    }
    if (status.twoFactorPending && totpSecret !== undefined) {
      await usableWindow(lastTotpStep);
      lastTotpStep = totpStep();
      await page.getByLabel('Authentication code').fill(totpCode(totpSecret));
      await page.getByRole('button', { name: 'Verify' }).click();
    }
    await waitForPath(page, /^\/dashboard\/dev\/?$/);
    return page;
  }

  async function gotoAndCheck(path: string, step: string): Promise<void> {
    await page.goto(`${url}${path}`);
    await page.getByRole('main').waitFor(STEP);
    await checks.check(page, step);
  }

  beforeAll(async () => {
    if (!existsSync(DASHBOARD_INDEX)) {
      throw new Error(
        'dashboard/dist is missing: build it first (`cd dashboard && npx vite build`, or `pnpm test`)',
      );
    }
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    idp = await startIdentityProvider(url);
    receiver = await startWebhookReceiver();
    crossSite = await startCrossSitePage();
    // No LATCHKEY_ADMIN_*: the first boot prints the one-time setup link, which is how the test gets in.
    server = await ServerProcess.start({
      port,
      env: {
        LATCHKEY_PUBLIC_URL: url,
        LATCHKEY_ENCRYPTION_KEY: newEncryptionKey(),
        LATCHKEY_BOOTSTRAP_SECRET_KEY: bootstrapKey,
        LATCHKEY_ALLOW_PRIVATE_URLS: '1',
        LATCHKEY_PROACTIVE_REFRESH: 'off',
        LATCHKEY_WEBHOOK_POLL_MS: '200',
        LATCHKEY_OIDC_ISSUER: idp.issuer,
        LATCHKEY_OIDC_CLIENT_ID: idp.operators.clientId,
        LATCHKEY_OIDC_CLIENT_SECRET: idp.operators.clientSecret,
        LATCHKEY_OIDC_ALLOWED_DOMAINS: EMAIL_DOMAIN,
        LATCHKEY_ADMIN_EMAIL: undefined,
        LATCHKEY_ADMIN_PASSWORD: undefined,
      },
    });
    await server.waitForHealth(150_000);
    browser = await launchChromium();
    admin = await newContext();
    page = await admin.newPage();
  }, 180_000);

  // A failed step leaves a picture of where it stopped, beside the step screenshots.
  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail' && page !== undefined) {
      for (const [index, open] of admin.pages().entries()) {
        await checks.screenshot(open, `failed-${slug(task.name)}${index === 0 ? '' : `-${index}`}`);
      }
    }
  });

  afterAll(async () => {
    await browser?.close();
    await server?.[Symbol.asyncDispose]();
    await crossSite?.[Symbol.asyncDispose]();
    await receiver?.close();
    await idp?.[Symbol.asyncDispose]();
  });

  it('creates the first admin through the setup link printed at first boot', async () => {
    const printed = /(\S*\/setup\?code=[^\s'"]+)/.exec(server.stdout)?.[1];
    expect(printed, `no setup link on stdout:\n${server.stdout}`).toBeDefined();
    const link = new URL(printed!, url);
    expect(link.pathname).toBe('/setup');
    // Without the code the page must not let anyone claim the instance.
    const noCode = await fetch(`${url}/trpc/auth.setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: 'wrong-code', email: 'x@example.test', password: 'Whatever-password-1' }),
    });
    expect(noCode.status).toBeGreaterThanOrEqual(400);

    await page.goto(`${url}${link.pathname}${link.search}`);
    await page.getByLabel('Email', { exact: true }).waitFor(STEP);
    await checks.check(page, 'setup');
    await page.getByLabel('Email', { exact: true }).fill(ADMIN.email);
    const displayName = page.getByLabel(/name/i);
    if ((await displayName.count()) > 0) await displayName.first().fill(ADMIN.name);
    // Password, and its confirmation when the page asks for one.
    for (const field of await page.getByLabel(/password/i).all()) await field.fill(ADMIN.password);
    await page.getByRole('button', { name: /create|set up|continue|get started/i }).click();
    await waitForPath(page, /^\/dashboard\/dev\/?$/);
    await navLink(page, 'Home').waitFor(STEP);
    for (const name of ['Home', 'Integrations', 'Connections', 'Logs', 'Webhooks', 'Settings']) {
      await expect.poll(() => navLink(page, name).isVisible(), STEP).toBe(true);
    }
    expect((await authStatus(page)).operator).toMatchObject({ email: ADMIN.email, role: 'admin' });
    await checks.check(page, 'home-first-run');
  });

  it('signs out, and the old cookie is worth nothing', async () => {
    await signedIn();
    const before = (await admin.cookies()).find((cookie) => cookie.name === 'latchkey_session');
    expect(before?.httpOnly).toBe(true);
    expect(before?.sameSite).toBe('Lax');
    await signOut(page);
    await page.getByLabel('Email', { exact: true }).waitFor(STEP);
    await checks.check(page, 'sign-in');
    // Replaying the cookie the browser held before signing out: the server must have deleted the session.
    const replayed = await fetch(`${url}/trpc/auth.status`, {
      headers: { cookie: `latchkey_session=${before!.value}` },
    });
    expect(
      ((await replayed.json()) as { result: { data: { operator: unknown } } }).result.data.operator,
    ).toBeNull();
  });

  it('shows a failed sign-in in role=alert', async () => {
    await page.goto(`${url}/dashboard/sign-in`);
    await fillSignIn(page, ADMIN.email, 'not-the-password');
    const alert = page.getByRole('alert');
    await alert.first().waitFor(STEP);
    expect((await alert.first().textContent())?.trim().length).toBeGreaterThan(0);
    expect(new URL(page.url()).pathname).toMatch(/\/dashboard\/sign-in/);
    await checks.check(page, 'sign-in-failed');
  });

  it('signs in with email and password', async () => {
    await page.goto(`${url}/dashboard/sign-in`);
    await fillSignIn(page, ADMIN.email, ADMIN.password);
    await waitForPath(page, /^\/dashboard\/dev\/?$/);
    expect((await authStatus(page)).operator).toMatchObject({ email: ADMIN.email, role: 'admin' });
  });

  it('refuses a cross-site POST that carries the session cookie, and the session still works', async () => {
    await signedIn();
    const attackerPage = await admin.newPage();
    try {
      const answered = attackerPage.waitForResponse(
        (response) => response.url() === `${url}/trpc/auth.signOut`,
      );
      await attackerPage.goto(crossSite.url(`${url}/trpc/auth.signOut`));
      const response = await answered;
      const sent = await response.request().allHeaders();
      // The cookie did ride along (same site, other origin): only the CSRF guard stands in the way.
      expect(sent.cookie ?? '').toContain('latchkey_session=');
      expect(sent.origin).not.toBe(url);
      expect(response.status()).toBe(403);
      expect(await response.text()).toContain('csrf_rejected');
    } finally {
      await attackerPage.close();
    }
    expect((await authStatus(page)).operator).toMatchObject({ email: ADMIN.email });
    await page.goto(`${url}/dashboard/dev`);
    await navLink(page, 'Integrations').waitFor(STEP);
  });

  it('switches environments with the switcher', async () => {
    await signedIn();
    await page.goto(`${url}/dashboard/dev/integrations`);
    await page.getByRole('main').waitFor(STEP);
    const switcher = page
      .getByRole('combobox', { name: /environment/i })
      .or(page.getByRole('button', { name: /environment/i }))
      .first();
    await switcher.waitFor(STEP);
    if ((await switcher.evaluate((element) => element.tagName)) === 'SELECT') {
      await switcher.selectOption('prod');
    } else {
      await switcher.click();
      await checks.check(page, 'environment-switcher');
      await page
        .getByRole('menuitemradio', { name: 'prod' })
        .or(page.getByRole('menuitem', { name: 'prod' }))
        .or(page.getByRole('option', { name: 'prod' }))
        .first()
        .click();
    }
    await waitForPath(page, /^\/dashboard\/prod(\/integrations)?\/?$/);
    await page.goto(`${url}/dashboard/dev`);
    await waitForPath(page, /^\/dashboard\/dev\/?$/);
  });

  it('registers the local authorization server in the custom provider editor, finds it in the catalog and creates an integration', async () => {
    // The authorization server is no catalog entry: it is registered as a custom provider in the dashboard's own
    // editor, so the whole way from sign-in to a test connection goes through the dashboard.
    await signedIn();
    await navLink(page, 'Integrations').click();
    await waitForPath(page, /^\/dashboard\/dev\/integrations\/?$/);
    await page.getByRole('link', { name: 'New custom provider' }).first().click();
    const definition = page.getByLabel('Provider definition (JSON)');
    await definition.waitFor(STEP);
    await definition.fill(
      JSON.stringify({
        name: PROVIDER.name,
        display_name: PROVIDER.displayName,
        auth_mode: 'OAUTH2',
        authorization_url: idp.authorizationEndpoint,
        token_url: idp.tokenEndpoint,
        default_scopes: ['openid'],
        docs: 'https://example.com/docs',
      }),
    );
    const createProvider = page.getByRole('button', { name: 'Create provider' });
    await expect.poll(() => createProvider.isEnabled(), STEP).toBe(true);
    await checks.check(page, 'custom-provider');
    await createProvider.click();
    // Saved, the editor hands over to the integration form for the new provider.
    await waitForPath(page, /^\/dashboard\/dev\/integrations\/new\/?$/);
    const provider = (await (await rest(`/providers/${PROVIDER.name}`)).json()) as {
      data: { authorization_url: string; token_url: string };
    };
    expect(provider.data).toMatchObject({
      authorization_url: idp.authorizationEndpoint,
      token_url: idp.tokenEndpoint,
    });
    await signedIn();
    await navLink(page, 'Integrations').click();
    await waitForPath(page, /^\/dashboard\/dev\/integrations\/?$/);
    const search = page.getByPlaceholder('Search…');
    await search.waitFor(STEP);
    await checks.check(page, 'integrations');
    await search.fill(PROVIDER.displayName);
    const found = page.getByRole('link', { name: PROVIDER.displayName, exact: true });
    await found.waitFor(STEP);
    await checks.check(page, 'integrations-search');
    await found.click();
    await waitForPath(page, /^\/dashboard\/dev\/integrations\/new\/?$/);
    expect(new URL(page.url()).searchParams.get('provider')).toBe(PROVIDER.name);
    await page.getByLabel('Integration ID').waitFor(STEP);
    await checks.check(page, 'integration-new');
    await page.getByLabel('Integration ID').fill(INTEGRATION_ID);
    await page.getByLabel('Client ID').fill(idp.integration.clientId);
    await page.getByLabel('Client secret').fill(idp.integration.clientSecret);
    await page.getByLabel('Scopes').fill('openid, email, offline_access');
    await page.getByRole('button', { name: 'Create integration' }).click();
    await waitForPath(page, new RegExp(`^/dashboard/dev/integrations/${INTEGRATION_ID}/?$`));
    // The callback URL shown is exactly the redirect_uri registered at the authorization server.
    await expectShown(page, idp.integration.redirectUri);
    await expect.poll(() => page.getByRole('button', { name: /copy/i }).count(), STEP).toBeGreaterThan(0);
    await checks.check(page, 'integration-detail');

    const stored = await rest(`/integrations/${INTEGRATION_ID}?include=credentials`);
    expect(stored.status).toBe(200);
    const { data } = (await stored.json()) as {
      data: { provider: string; credentials: { client_id: string; client_secret: string; scopes: string } };
    };
    expect(data.provider).toBe(PROVIDER.name);
    expect(data.credentials.client_id).toBe(idp.integration.clientId);
    expect(data.credentials.client_secret).toBe(idp.integration.clientSecret);
    expect(data.credentials.scopes.split(',').map((scope) => scope.trim())).toEqual([
      'openid',
      'email',
      'offline_access',
    ]);

    // The list links to the integration by its ID.
    await page.goto(`${url}/dashboard/dev/integrations`);
    const listed = page.getByRole('link', { name: INTEGRATION_ID }).first();
    await listed.waitFor(STEP);
    expect(await listed.getAttribute('href')).toMatch(
      new RegExp(`/dashboard/dev/integrations/${INTEGRATION_ID}$`),
    );
  });

  it('sets the webhook URL and rotates the signing key in Settings, and creates and revokes an API key', async () => {
    await signedIn();
    await navLink(page, 'Settings').click();
    await waitForPath(page, /^\/dashboard\/dev\/settings\/?$/);
    await page.getByRole('tablist').first().waitFor(STEP);
    // Every tab, each screenshotted and checked.
    const tabs = page.getByRole('tab');
    const names = (await tabs.allTextContents()).map((name) => name.trim());
    expect(names.length).toBeGreaterThan(1);
    const panel = (name: string | RegExp) => page.getByRole('tabpanel', { name });
    for (const name of names) {
      await page.getByRole('tab', { name, exact: true }).click();
      await panel(name).waitFor(STEP);
      await checks.check(page, `settings-${slug(name)}`);
    }

    // Webhooks: the receiver's URL, then a rotated signing key.
    await page.getByRole('tab', { name: /webhook/i }).click();
    const webhooks = panel(/webhook/i);
    await webhooks
      .getByLabel(/^(primary )?(webhook )?url$/i)
      .first()
      .fill(`${receiver.url}/hooks`);
    await webhooks.getByRole('button', { name: /^save/i }).first().click();
    await expect
      .poll(
        async () =>
          ((await (await rest('/environment')).json()) as { data: { webhook_url?: string } }).data
            .webhook_url,
        STEP,
      )
      .toBe(`${receiver.url}/hooks`);
    const keyBefore = await signingKey();
    await webhooks
      .getByRole('button', { name: /rotate/i })
      .first()
      .click();
    const confirm = page.getByRole('alertdialog').or(page.getByRole('dialog'));
    if (
      await confirm
        .first()
        .isVisible()
        .catch(() => false)
    ) {
      await confirm
        .first()
        .getByRole('button', { name: /rotate|confirm|yes/i })
        .first()
        .click();
    }
    await expect.poll(signingKey, STEP).not.toBe(keyBefore);
    await checks.check(page, 'settings-webhook-rotated');

    // Security: public-key flows start off with HMAC on; flows on without HMAC bring the server's warning.
    const security = async () =>
      ((await (await rest('/environment')).json()) as { data: Record<string, unknown> }).data;
    await page.getByRole('tab', { name: /security/i }).click();
    const securityPanel = panel(/security/i);
    const flows = securityPanel.getByLabel('Allow public-key flows');
    const hmac = securityPanel.getByLabel('Require HMAC on public-key flows');
    const saveFlows = securityPanel.getByRole('button', { name: /save public-key flow settings/i });
    await flows.waitFor(STEP);
    expect([await flows.isChecked(), await hmac.isChecked()]).toEqual([false, true]);
    await flows.check();
    await hmac.uncheck();
    await saveFlows.click();
    await securityPanel
      .getByRole('alert')
      .filter({ hasText: /without HMAC/ })
      .waitFor(STEP);
    expect(await security()).toMatchObject({
      public_key_flows_enabled: true,
      hmac_enabled: false,
      warnings: [{ code: 'public_key_flows_without_hmac' }],
    });
    await checks.check(page, 'settings-security-warning');
    await flows.uncheck();
    await hmac.check();
    await saveFlows.click();
    await expect.poll(async () => (await security()).warnings, STEP).toEqual([]);
    expect(await security()).toMatchObject({ public_key_flows_enabled: false, hmac_enabled: true });

    // API keys: create (shown once), then revoke; the key works until revoked.
    await page.getByRole('tab', { name: /api key/i }).click();
    await panel(/api key/i)
      .getByRole('button', { name: /create|new/i })
      .first()
      .click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel(/name/i).first().fill('ci key');
    await dialog
      .getByRole('button', { name: /create/i })
      .last()
      .click();
    // Shown once, as text or in a read-only field (a screen-reader label may precede it).
    const created = await shownOnce(dialog, UUID_V4);
    await checks.check(page, 'settings-api-key-created');
    const withKey = () =>
      fetch(`${url}/integrations`, { headers: { authorization: `Bearer ${created}` } }).then((r) => r.status);
    expect(await withKey()).toBe(200);
    await dialog
      .getByRole('button', { name: /done|close/i })
      .first()
      .click();
    const row = page.getByRole('row', { name: /ci key/ });
    await row.getByRole('button', { name: /revoke/i }).click();
    const confirmRevoke = page.getByRole('alertdialog').or(page.getByRole('dialog'));
    if (
      await confirmRevoke
        .first()
        .isVisible()
        .catch(() => false)
    ) {
      await confirmRevoke
        .first()
        .getByRole('button', { name: /revoke/i })
        .last()
        .click();
    }
    await expect.poll(withKey, STEP).toBe(401);
  });

  async function signingKey(): Promise<string> {
    const response = await rest('/environment?include=webhook_signing_key');
    return ((await response.json()) as { data: { webhook_signing_key: string } }).data.webhook_signing_key;
  }

  it('adds a test connection through the authorization server login page and lands on it', async () => {
    await signedIn();
    await page.goto(`${url}/dashboard/dev/integrations/${INTEGRATION_ID}`);
    await page.getByRole('button', { name: 'Add test connection' }).click();
    const dialog = page.getByRole('dialog');
    const endUser = dialog.getByLabel(/end user/i).first();
    await endUser.waitFor(STEP);
    await endUser.fill(END_USER);
    await checks.check(page, 'test-connection-dialog');
    const popupOpened = page.waitForEvent('popup');
    await dialog.getByRole('button', { name: 'Connect', exact: true }).click();
    const popup = await popupOpened;
    const login = popup.locator('input[name="login"]');
    await login.waitFor(STEP);
    expect(new URL(popup.url()).origin).toBe(idp.issuer);
    // The authorization server's own page: a picture, but not ours to hold to axe.
    await checks.screenshot(popup, 'test-connection-idp-login');
    await login.fill('end-user-1');
    await popup.fill('input[name="password"]', 'any password');
    await popup.click('button[type="submit"]');
    await popup.locator('input[name="prompt"][value="consent"]').waitFor({ state: 'attached', ...STEP });
    await popup.click('button[type="submit"]');

    const [, integration, connectionId] = await waitForPath(
      page,
      /^\/dashboard\/dev\/connections\/([^/]+)\/([^/]+)\/?$/,
    );
    connection = {
      integration: decodeURIComponent(integration!),
      connectionId: decodeURIComponent(connectionId!),
    };
    expect(connection.integration).toBe(INTEGRATION_ID);
    await page.getByText(END_USER).first().waitFor(STEP);
    await checks.check(page, 'connection-detail');
    const stored = await rest(
      `/connections/${connection.connectionId}?provider_config_key=${INTEGRATION_ID}`,
    );
    expect(stored.status).toBe(200);
    expect(((await stored.json()) as { end_user?: { id: string } }).end_user?.id).toBe(END_USER);
  });

  it('lists the connection with its full id, and its flow in Logs', async () => {
    expect(connection, 'needs the test connection').toBeDefined();
    await signedIn();
    await navLink(page, 'Connections').click();
    await waitForPath(page, /^\/dashboard\/dev\/connections\/?$/);
    await page.getByText(connection!.connectionId, { exact: true }).first().waitFor(STEP);
    await checks.check(page, 'connections');

    await navLink(page, 'Logs').click();
    await waitForPath(page, /^\/dashboard\/dev\/logs\/?$/);
    // The flow's operation: this integration, this connection.
    const row = page
      .getByRole('row')
      .filter({ hasText: INTEGRATION_ID })
      .filter({ hasText: connection!.connectionId })
      .first();
    await row.waitFor(STEP);
    await checks.check(page, 'logs');
    await row.getByRole('button').first().click();
    const messages = page.getByRole('dialog').or(page.getByRole('complementary')).first();
    await messages.waitFor(STEP);
    await expect.poll(() => messages.textContent(), STEP).toContain(connection!.connectionId);
    await checks.check(page, 'logs-operation');
  });

  it('reveals a secret on the connection page and the reveal is in the audit log', async () => {
    expect(connection, 'needs the test connection').toBeDefined();
    await signedIn();
    const stored = await rest(
      `/connections/${connection!.connectionId}?provider_config_key=${INTEGRATION_ID}`,
    );
    const accessToken = ((await stored.json()) as { credentials: { access_token: string } }).credentials
      .access_token;
    await page.goto(
      `${url}/dashboard/dev/connections/${INTEGRATION_ID}/${encodeURIComponent(connection!.connectionId)}`,
    );
    await page.getByRole('main').waitFor(STEP);
    expect(await page.getByText(accessToken).count()).toBe(0);
    const credentialsTab = page.getByRole('tab', { name: /credential/i });
    if ((await credentialsTab.count()) > 0) await credentialsTab.first().click();
    await page
      .getByRole('button', { name: /reveal/i })
      .first()
      .click();
    await expectShown(page, accessToken);
    await checks.check(page, 'connection-revealed');

    await page.goto(`${url}/dashboard/audit`);
    const entry = page
      .getByRole('row')
      .filter({ hasText: /connection\.reveal/ })
      .first();
    await entry.waitFor(STEP);
    expect(await entry.textContent()).toContain(ADMIN.email);
    await checks.check(page, 'audit');
  });

  it('replays the connection-created webhook from the Webhooks page, and the receiver gets it twice', async () => {
    expect(connection, 'needs the test connection').toBeDefined();
    const creations = () =>
      receiver
        .accepted()
        .filter((r) => r.body.includes(connection!.connectionId) && /"creation"/.test(r.body));
    await expect.poll(() => creations().length, STEP).toBeGreaterThanOrEqual(1);
    const first = creations().length;
    await signedIn();
    await navLink(page, 'Webhooks').click();
    await waitForPath(page, /^\/dashboard\/dev\/webhooks\/?$/);
    const row = page.getByRole('row').filter({ hasText: connection!.connectionId }).first();
    await row.waitFor(STEP);
    await checks.check(page, 'webhooks');
    await row.getByRole('button').first().click();
    const details = page.getByRole('dialog').or(page.getByRole('complementary')).first();
    await details.waitFor(STEP);
    await checks.check(page, 'webhooks-delivery');
    await details
      .getByRole('button', { name: /replay/i })
      .first()
      .click();
    await expect.poll(() => creations().length, STEP).toBe(first + 1);
    expect(creations().at(-1)!.body).toBe(creations()[0]!.body);
  });

  it('invites a teammate (link shown once), who accepts in another browser, and changes their role', async () => {
    await signedIn();
    await page.goto(`${url}/dashboard/team`);
    await page.getByRole('main').waitFor(STEP);
    await checks.check(page, 'team');
    await page
      .getByRole('button', { name: /invite/i })
      .first()
      .click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Email', { exact: true }).fill(TEAMMATE.email);
    const role = dialog.getByLabel(/role/i).first();
    if ((await role.evaluate((element) => element.tagName)) === 'SELECT')
      await role.selectOption('developer');
    else {
      await role.click();
      await page.getByRole('option', { name: /developer/i }).click();
    }
    await dialog
      .getByRole('button', { name: /invite|create|send/i })
      .last()
      .click();
    const inviteUrl = await shownOnce(dialog, /https?:\/\/\S+\/dashboard\/invite\?token=[\w-]+/);
    expect(inviteUrl.startsWith(`${url}/dashboard/invite?token=`)).toBe(true);
    await checks.check(page, 'team-invite-link');
    await dialog
      .getByRole('button', { name: /done|close/i })
      .first()
      .click();

    const teammate = await newContext();
    try {
      const invited = await teammate.newPage();
      await invited.goto(inviteUrl);
      await invited.waitForLoadState('networkidle');
      await checks.screenshot(invited, 'invite-opened');
      await expectShown(invited, TEAMMATE.email);
      await checks.check(invited, 'invite');
      const name = invited.getByLabel(/name/i);
      if ((await name.count()) > 0) await name.first().fill(TEAMMATE.name);
      for (const field of await invited.getByLabel(/password/i).all()) await field.fill(TEAMMATE.password);
      await invited
        .getByRole('button', { name: /accept|join|create|continue/i })
        .first()
        .click();
      await waitForPath(invited, /^\/dashboard\/dev\/?$/);
      expect((await authStatus(invited)).operator).toMatchObject({
        email: TEAMMATE.email,
        role: 'developer',
      });
      // The link is shown once and works once.
      const again = await teammate.newPage();
      await again.goto(inviteUrl);
      await again.getByRole('alert').first().waitFor(STEP);

      await page.reload();
      const row = page.getByRole('row').filter({ hasText: TEAMMATE.email });
      await row.waitFor(STEP);
      const roleControl = row.getByRole('combobox').first();
      if ((await roleControl.evaluate((element) => element.tagName)) === 'SELECT') {
        await roleControl.selectOption('support');
      } else {
        await roleControl.click();
        await page.getByRole('option', { name: /support/i }).click();
      }
      await expect.poll(async () => (await authStatus(invited)).operator?.role, STEP).toBe('support');
      await checks.check(page, 'team-role-changed');
    } finally {
      await teammate.close();
    }
  });

  it('enrols TOTP on the Account page, then signs in with password and code', async () => {
    await signedIn();
    await page.goto(`${url}/dashboard/account`);
    await page.getByRole('main').waitFor(STEP);
    await checks.check(page, 'account');
    await page
      .getByRole('button', { name: /two-factor|authenticator|enable|set up/i })
      .first()
      .click();
    // The secret as shown to type into an authenticator app (base32, a read-only field with a copy button).
    const shown = page.getByLabel(/setup key|secret/i).first();
    await shown.waitFor(STEP);
    const secret = (await shown.inputValue()).trim();
    expect(secret).toMatch(/^[A-Z2-7\s]{16,}=*$/i);
    totpSecret = secret;
    await checks.check(page, 'account-totp-enrol');
    await usableWindow();
    lastTotpStep = totpStep();
    await page.getByLabel(/code/i).first().fill(totpCode(secret));
    await page
      .getByRole('button', { name: /verify|confirm|enable|turn on/i })
      .last()
      .click();
    // Recovery codes are shown once after enrolment.
    await page
      .getByText(/recovery codes?/i)
      .first()
      .waitFor(STEP);
    await checks.check(page, 'account-recovery-codes');
    await expect.poll(async () => (await authStatus(page)).operator?.twoFactorEnabled, STEP).toBe(true);
    const done = page.getByRole('button', { name: /done|close|saved/i });
    if (
      await done
        .first()
        .isVisible()
        .catch(() => false)
    )
      await done.first().click();

    await signOut(page);
    await fillSignIn(page, ADMIN.email, ADMIN.password);
    const code = page.getByLabel(/code/i).first();
    await code.waitFor(STEP);
    expect((await authStatus(page)).twoFactorPending).toBe(true);
    await checks.check(page, 'sign-in-totp');
    // A pending session reaches auth.* only.
    const blocked = await page.evaluate(async () => (await fetch('/trpc/environments.list')).status);
    expect(blocked).toBeGreaterThanOrEqual(400);
    // The enrolment's code cannot be used twice: the next window's.
    await usableWindow(lastTotpStep);
    lastTotpStep = totpStep();
    await code.fill(totpCode(secret));
    await page
      .getByRole('button', { name: /verify|sign in|continue/i })
      .first()
      .click();
    await waitForPath(page, /^\/dashboard\/dev\/?$/);
    expect(await authStatus(page)).toMatchObject({
      twoFactorPending: false,
      operator: { email: ADMIN.email, twoFactorEnabled: true },
    });
  });

  it('signs a new operator in through the company IdP (OIDC), as support', async () => {
    const sso = await newContext();
    try {
      const ssoPage = await sso.newPage();
      await ssoPage.goto(`${url}/dashboard/sign-in`);
      await ssoPage
        .getByRole('link', { name: /sso|single sign-on|openid|oidc|identity provider/i })
        .or(ssoPage.getByRole('button', { name: /sso|single sign-on|openid|oidc|identity provider/i }))
        .first()
        .click();
      const login = ssoPage.locator('input[name="login"]');
      await login.waitFor(STEP);
      expect(new URL(ssoPage.url()).origin).toBe(idp.issuer);
      await login.fill('sam.support');
      await ssoPage.fill('input[name="password"]', 'any password');
      await ssoPage.click('button[type="submit"]');
      await ssoPage.locator('input[name="prompt"][value="consent"]').waitFor({ state: 'attached', ...STEP });
      await ssoPage.click('button[type="submit"]');
      await waitForPath(ssoPage, /^\/dashboard(\/dev)?\/?$/);
      expect((await authStatus(ssoPage)).operator).toMatchObject({
        email: `sam.support@${EMAIL_DOMAIN}`,
        role: 'support',
      });
      await navLink(ssoPage, 'Home').waitFor(STEP);
      await checks.check(ssoPage, 'home-support');
    } finally {
      await sso.close();
    }
  });

  it('shows Home with its charts', async () => {
    await signedIn();
    await navLink(page, 'Home').click();
    await waitForPath(page, /^\/dashboard\/dev\/?$/);
    // uPlot draws on canvas; one chart per series group, lazily loaded.
    await expect.poll(() => page.locator('canvas').count(), STEP).toBeGreaterThanOrEqual(1);
    await checks.check(page, 'home');
    await gotoAndCheck('/dashboard/dev/integrations', 'integrations-with-one');
  });

  it('has no serious or critical axe-core violation on any page', () => {
    const missing = REQUIRED_PAGES.filter((step) => !checks.results.has(step));
    const failing = [...checks.results].filter(([, violations]) => violations.length > 0);
    const report = failing
      .map(([step, violations]) => `${step}:\n${formatViolations(violations)}`)
      .join('\n');
    expect(missing, 'pages never reached').toEqual([]);
    expect(
      failing.map(([step]) => step),
      report,
    ).toEqual([]);
  });
});
