/** An inline busy indicator with a text alternative. */
export function Spinner({ label = 'Loading' }: { label?: string }) {
  return (
    <span role="status" className="spinner-wrap">
      <span className="spinner" aria-hidden="true" />
      <span className="sr-only">{label}</span>
    </span>
  );
}
