/**
 * One look at a page: a 1280×800 screenshot under test/output/dashboard/ and an axe-core run. Violations of impact
 * serious or critical are printed at once and kept, so the suite can assert on every page it visited.
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';

export const OUTPUT_DIR = fileURLToPath(new URL('../../../output/dashboard/', import.meta.url));
const AXE_SOURCE: string = (createRequire(import.meta.url)('axe-core') as { source: string }).source;

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

export class PageChecks {
  /** Step name → serious/critical violations found there (empty when clean). */
  readonly results = new Map<string, AxeViolation[]>();

  constructor() {
    mkdirSync(OUTPUT_DIR, { recursive: true });
  }

  /** A screenshot only: pages that are not the dashboard's (the IdP's login form), or a failed step's last state. */
  async screenshot(page: Page, step: string): Promise<void> {
    await page.screenshot({ path: path.join(OUTPUT_DIR, `${step}.png`) }).catch(() => undefined);
  }

  async check(page: Page, step: string): Promise<void> {
    // Fonts, transitions and lazy chunks settle before the picture is taken and axe computes contrast.
    // Bounded: a page with a live subscription (logs) never goes fully idle.
    await page.waitForLoadState('networkidle', { timeout: 3_000 }).catch(() => undefined);
    // A toast fading in is half transparent: axe would measure the contrast of the blend. Finite animations end
    // first (a spinner's never does, hence the bound).
    await page
      .waitForFunction(
        () =>
          document
            .getAnimations()
            .every((a) => a.playState !== 'running' || a.effect?.getComputedTiming().endTime === Infinity),
        undefined,
        { timeout: 2_000 },
      )
      .catch(() => undefined);
    const started = performance.now();
    await page.screenshot({ path: path.join(OUTPUT_DIR, `${step}.png`) });
    // The dashboard's strict CSP (script-src 'self') refuses an inline <script> (addScriptTag); evaluating over the
    // DevTools protocol is not subject to it, so axe runs while the page keeps its real CSP.
    if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
    const violations = (await page.evaluate(async () => {
      // biome-ignore lint/suspicious/noExplicitAny: axe is injected as a global script.
      const result = await (window as any).axe.run(document, { resultTypes: ['violations'] });
      return result.violations;
    })) as AxeViolation[];
    const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    this.results.set(step, serious);
    if (process.env.DASHBOARD_TEST_TIMING)
      console.log(`${step}: shot + axe ${Math.round(performance.now() - started)} ms`);
    if (serious.length > 0) console.error(`axe on ${step} (${page.url()}):\n${formatViolations(serious)}`);
  }
}

export function formatViolations(violations: AxeViolation[]): string {
  return violations
    .map(
      (v) =>
        `  [${v.impact}] ${v.id}: ${v.help}\n${v.nodes
          .slice(0, 5)
          .map((n) => `      ${JSON.stringify(n.target)} ${n.failureSummary?.split('\n').join(' ') ?? ''}`)
          .join('\n')}`,
    )
    .join('\n');
}
