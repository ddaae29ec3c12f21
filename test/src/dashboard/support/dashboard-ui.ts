/**
 * The dashboard's fixed accessible names (issue 12, "Fixed interface") as small actions, so the browser test reads as
 * the operator's clicks and proves those names.
 */
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';

export const STEP = { timeout: 20_000 };

export function signOutControl(page: Page): Locator {
  return page
    .getByRole('button', { name: 'Sign out', exact: true })
    .or(page.getByRole('link', { name: 'Sign out', exact: true }))
    .or(page.getByRole('menuitem', { name: 'Sign out', exact: true }))
    .first();
}

/** `Sign out` as a visible control, or inside the account menu (the contract allows either). */
export async function signOut(page: Page): Promise<void> {
  const control = signOutControl(page);
  if (!(await control.isVisible())) {
    await page
      .getByRole('button', { name: /account|operator|profile|@/i })
      .first()
      .click();
  }
  await control.click();
  await page.waitForURL(/\/dashboard\/sign-in/, STEP);
}

export async function fillSignIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/** The signed-in operator as the server sees this page's cookie (tRPC `auth.status`). */
export async function authStatus(page: Page): Promise<{
  operator: null | { email: string; role: string; twoFactorEnabled: boolean };
  twoFactorPending: boolean;
}> {
  return page.evaluate(async () => {
    const response = await fetch('/trpc/auth.status', { credentials: 'same-origin' });
    const body = (await response.json()) as { result: { data: unknown } };
    return body.result.data as never;
  });
}

/** A nav link of the sidebar, by its fixed name. */
export function navLink(page: Page, name: string): Locator {
  return page.getByRole('navigation').getByRole('link', { name, exact: true }).first();
}

/** Whether `value` is on the page as text or as the value of a read-only field (how a URL with a copy button shows). */
export async function expectShown(page: Page, value: string): Promise<void> {
  await expect
    .poll(
      async () =>
        (await page.getByText(value, { exact: true }).count()) +
        (await page
          .locator('input, textarea')
          .evaluateAll(
            (fields, wanted) => fields.filter((field) => (field as HTMLInputElement).value === wanted).length,
            value,
          )),
      STEP,
    )
    .toBeGreaterThan(0);
}

/** Waits until `page`'s URL path matches, then returns it decoded. */
export async function waitForPath(page: Page, pattern: RegExp): Promise<RegExpExecArray> {
  await page.waitForURL((url) => pattern.test(url.pathname), STEP);
  return pattern.exec(new URL(page.url()).pathname)!;
}

/** File-name-safe slug of a label. */
export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}
