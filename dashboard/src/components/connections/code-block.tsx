/**
 * Preformatted text (JSON, a response body) in a box that scrolls when long. The scrolling box is a named region that
 * takes focus, so keyboard users can scroll it too (axe: scrollable-region-focusable).
 */
import type { ReactNode } from 'react';

export function CodeBlock({ label, children }: { label: string; children: ReactNode }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard to be scrolled
    <section className="code-block code-scroll" aria-label={label} tabIndex={0}>
      <pre>{children}</pre>
    </section>
  );
}
