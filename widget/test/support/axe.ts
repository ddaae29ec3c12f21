/** Runs axe-core on rendered DOM. Colour contrast needs real layout, which jsdom lacks; the browser tests cover it. */
import axe from 'axe-core';

export async function axeViolations(root: Element): Promise<string[]> {
  const results = await axe.run(root, { rules: { 'color-contrast': { enabled: false } } });
  return results.violations.map(
    (violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
  );
}
