/** The Latchkey logo mark: a keyhole in a rounded square, drawn in the accent colour. */
export function LatchkeyMark({ size = 28 }: { size?: number }) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 32 32"
      aria-hidden="true"
      focusable="false"
      className="brand-mark"
    >
      <rect width="32" height="32" rx="8" fill="var(--accent)" />
      <circle cx="16" cy="13" r="4.5" fill="var(--accent-contrast)" />
      <path d="M14 16h4l1.5 8h-7z" fill="var(--accent-contrast)" />
    </svg>
  );
}
