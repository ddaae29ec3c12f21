/**
 * JSON with object keys sorted at every depth, as Nango serialises webhook bodies (compat doc 6.2): the same payload
 * always gives the same bytes, so a retry or a replay carries a body identical to the first attempt's.
 */
export function stableStringify(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return sortKeys(toJSON.call(value));
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const entry = (value as Record<string, unknown>)[key];
    // JSON.stringify drops undefined members; dropping them here keeps the order logic out of that question.
    if (entry !== undefined) sorted[key] = sortKeys(entry);
  }
  return sorted;
}
