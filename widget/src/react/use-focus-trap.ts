/** Keeps keyboard focus inside an open dialog, closes it on Escape, and gives focus back when it closes. */
import { type RefObject, useEffect, useRef } from 'react';

const FOCUSABLE =
  'a[href],button:not([disabled]),input:not([disabled]),select:not([disabled]),textarea:not([disabled]),[tabindex]:not([tabindex="-1"])';

/** `contentKey` changes when the dialog's content is replaced: focus then moves to its first control. */
export function useFocusTrap(
  ref: RefObject<HTMLElement | null>,
  active: boolean,
  onEscape: () => void,
  contentKey: string,
): void {
  const escapeHandler = useRef(onEscape);
  escapeHandler.current = onEscape;

  useEffect(() => {
    const container = ref.current;
    if (!active || container === null) return;
    const previous = document.activeElement as HTMLElement | null;
    const focusables = () => [...container.querySelectorAll<HTMLElement>(FOCUSABLE)];
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        escapeHandler.current();
        return;
      }
      if (event.key !== 'Tab') return;
      const items = focusables();
      const first = items[0];
      const last = items[items.length - 1];
      if (first === undefined || last === undefined) {
        event.preventDefault();
        return;
      }
      if (event.shiftKey && document.activeElement === first) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && document.activeElement === last) {
        event.preventDefault();
        first.focus();
      }
    };
    container.addEventListener('keydown', onKey);
    return () => {
      container.removeEventListener('keydown', onKey);
      if (previous && document.contains(previous)) previous.focus();
    };
  }, [ref, active]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the content is replaced.
  useEffect(() => {
    const container = ref.current;
    if (!active || container === null) return;
    if (container.contains(document.activeElement) && document.activeElement !== container) return;
    const target =
      container.querySelector<HTMLElement>('input:not([disabled]),select:not([disabled])') ??
      container.querySelector<HTMLElement>(FOCUSABLE) ??
      container;
    target.focus();
  }, [ref, active, contentKey]);
}
