/**
 * GraphQL hands omitted optional inputs to resolvers as undefined and explicit ones as null; REST schemas treat an
 * absent key as "leave as it is". These keep the two apart before an input is checked with the REST schema.
 */

/** The entries that were given, null ones dropped (fields where null means nothing). */
export function givenValues<T extends Record<string, unknown>>(
  values: T,
): { [K in keyof T]?: Exclude<T[K], null> } {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value != null)) as {
    [K in keyof T]?: Exclude<T[K], null>;
  };
}

/** The entries that were given, null kept (fields where null clears a value). */
export function givenOrNull<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}
