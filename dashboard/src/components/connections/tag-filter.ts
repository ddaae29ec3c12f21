/**
 * The tag filter as typed in one box: `key:value` pairs separated by commas or spaces (`team:growth plan:pro`), to
 * and from the `tags` record the URL and the API carry.
 */
export type TagParse =
  | { ok: true; tags: Record<string, string> | undefined }
  | { ok: false; message: string };

export function parseTagFilter(text: string): TagParse {
  const pairs = text
    .split(/[,\s]+/)
    .map((part) => part.trim())
    .filter((part) => part !== '');
  if (pairs.length === 0) return { ok: true, tags: undefined };
  const tags: Record<string, string> = {};
  for (const pair of pairs) {
    const colon = pair.indexOf(':');
    const key = pair.slice(0, colon).trim();
    const value = pair.slice(colon + 1).trim();
    if (colon <= 0 || value === '') return { ok: false, message: `"${pair}" is not key:value.` };
    if (key.length > 64 || value.length > 255) return { ok: false, message: `"${pair}" is too long.` };
    tags[key] = value;
  }
  return { ok: true, tags };
}

export function formatTagFilter(tags: Record<string, string> | undefined): string {
  return Object.entries(tags ?? {})
    .map(([key, value]) => `${key}:${value}`)
    .join(', ');
}
