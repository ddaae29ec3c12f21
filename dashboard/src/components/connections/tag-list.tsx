/** Tags as `key: value` chips. */
export function TagList({ tags, label }: { tags: Record<string, string>; label: string }) {
  const entries = Object.entries(tags);
  if (entries.length === 0) return <span className="subtle">No tags</span>;
  return (
    <ul className="conn-chips" aria-label={label}>
      {entries.map(([key, value]) => (
        <li key={key}>
          <span className="conn-chip-key">{key}</span>
          <span className="mono">{value}</span>
        </li>
      ))}
    </ul>
  );
}
