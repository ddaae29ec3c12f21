/** Metadata as typed in the editor: JSON that must be an object, checked on every keystroke. */
export type MetadataParse = { ok: true; value: Record<string, unknown> } | { ok: false; message: string };

export function parseMetadata(text: string): MetadataParse {
  if (text.trim() === '') return { ok: true, value: {} };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `Not valid JSON: ${(error as Error).message}` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, message: 'Metadata must be a JSON object, like {"plan": "pro"}.' };
  }
  return { ok: true, value: value as Record<string, unknown> };
}

export function formatMetadata(metadata: Record<string, unknown> | null): string {
  return JSON.stringify(metadata ?? {}, null, 2);
}

/** Key-order-free text of a JSON value: the database may reorder an object's keys, which is no change. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(
          Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : inner,
  );
}
