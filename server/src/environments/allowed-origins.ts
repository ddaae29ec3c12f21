/**
 * Which browser origins may use an environment from another site (its `allowed_origins`): an origin is allowed when
 * the list holds it exactly (scheme://host[:port]) or holds `*`; an empty list allows none. CORS answers and the
 * callback page's postMessage target are decided here, from a per-process cache of every environment's list that
 * settings writes invalidate (and that expires after a few seconds, for writes made by other instances).
 */
import type { Db } from '../platform/database/database';

/** `*` in a list: every origin. */
export const ANY_ORIGIN = '*';

const DEFAULT_TTL_MS = 5_000;

/**
 * An origin as browsers send it (lowercase scheme and host, no default port), or undefined when the value is not an
 * http(s) origin (`null`, a path, another scheme).
 */
export function normaliseOrigin(value: string): string | undefined {
  if (value === ANY_ORIGIN) return ANY_ORIGIN;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  // `new URL` accepts a path, query or credentials: an origin has none of them.
  const bare = url.pathname === '/' && url.search === '' && url.hash === '' && !value.includes('@');
  return bare && !/[?#]/.test(value) ? url.origin : undefined;
}

/** The list's rule: the exact origin, or `*`. */
export function listAllows(list: readonly string[], origin: string): boolean {
  return list.includes(ANY_ORIGIN) || list.includes(origin);
}

/**
 * Where the callback page may post a flow's result. Latchkey's own origin (the hosted page) always; with a list that
 * names origins, only those; with an empty list the exact opener, as before lists existed: the message carries no
 * secret (a connection id the opener's app chose or will read with its secret key anyway), and refusing it would
 * break every popup flow of an environment that configured nothing.
 */
export function permittedOpenerOrigin(
  list: readonly string[],
  opener: string | undefined,
  publicOrigin: string,
): string | undefined {
  if (opener === undefined) return undefined;
  const origin = normaliseOrigin(opener);
  if (origin === undefined || origin === ANY_ORIGIN) return undefined;
  if (origin === publicOrigin || list.length === 0) return origin;
  return listAllows(list, origin) ? origin : undefined;
}

let generation = 0;

/**
 * Drops every cached list in this process; the settings service calls it after a write so this instance answers
 * the new list at once (other instances within the cache's lifetime).
 */
export function invalidateAllowedOrigins(): void {
  generation++;
}

export interface AllowedOrigins {
  /** Whether `origin` (as the browser sent it) is allowed for the environment. */
  originAllowed(environmentId: string, origin: string): Promise<boolean>;
  /** Whether any environment allows `origin`: preflights, which carry no credentials to tell the environment. */
  allowedByAnyEnvironment(origin: string): Promise<boolean>;
  /** The environment a public key names (public-key flows), from the same cache. */
  environmentOfPublicKey(publicKey: string): Promise<string | undefined>;
}

interface Snapshot {
  generation: number;
  expiresAt: number;
  byEnvironment: Map<string, readonly string[]>;
  byPublicKey: Map<string, string>;
  /** Every origin some environment lists; `any` when one lists `*`. */
  union: Set<string>;
  any: boolean;
}

export function createAllowedOrigins(deps: { db: Db; ttlMs?: number }): AllowedOrigins {
  const ttlMs = deps.ttlMs ?? DEFAULT_TTL_MS;
  let snapshot: Snapshot | undefined;
  let loading: { generation: number; promise: Promise<Snapshot> } | undefined;

  async function load(): Promise<Snapshot> {
    const started = generation;
    const rows = await deps.db
      .selectFrom('environments')
      .select(['id', 'public_key', 'allowed_origins'])
      .execute();
    const next: Snapshot = {
      generation: started,
      expiresAt: Date.now() + ttlMs,
      byEnvironment: new Map(),
      byPublicKey: new Map(),
      union: new Set(),
      any: false,
    };
    for (const row of rows) {
      const list = row.allowed_origins.flatMap((entry) => normaliseOrigin(entry) ?? []);
      next.byEnvironment.set(row.id, list);
      next.byPublicKey.set(row.public_key, row.id);
      for (const origin of list) next.union.add(origin);
      if (list.includes(ANY_ORIGIN)) next.any = true;
    }
    return next;
  }

  function current(): Snapshot | Promise<Snapshot> {
    if (snapshot !== undefined && snapshot.generation === generation && snapshot.expiresAt > Date.now())
      return snapshot;
    // A load that began before an invalidation would bring back the old list: start another.
    if (loading === undefined || loading.generation !== generation) {
      const started = { generation, promise: load() };
      const settle = () => {
        if (loading === started) loading = undefined;
      };
      started.promise.then((loaded) => {
        if (snapshot === undefined || loaded.generation >= snapshot.generation) snapshot = loaded;
        settle();
      }, settle);
      loading = started;
    }
    return loading.promise;
  }

  return {
    async originAllowed(environmentId, origin) {
      const normalised = normaliseOrigin(origin);
      if (normalised === undefined || normalised === ANY_ORIGIN) return false;
      const list = (await current()).byEnvironment.get(environmentId);
      return list !== undefined && listAllows(list, normalised);
    },

    async allowedByAnyEnvironment(origin) {
      const normalised = normaliseOrigin(origin);
      if (normalised === undefined || normalised === ANY_ORIGIN) return false;
      const loaded = await current();
      return loaded.any || loaded.union.has(normalised);
    },

    async environmentOfPublicKey(publicKey) {
      return (await current()).byPublicKey.get(publicKey.toLowerCase());
    },
  };
}
