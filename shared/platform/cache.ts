/**
 * A small per-cold-start cache for rarely changing records (clients, connections): entries live
 * `ttlMs`, concurrent loads of one key share a request, misses are not kept (a record created a
 * moment after someone asked for it is found at once), and at most `maxEntries` are kept.
 */
export interface TtlCache<V> {
  (key: string): Promise<V | undefined>;
  /** Forgets every entry (and any load in flight), so the next read goes to the table. */
  clear(): void;
}

export function ttlCache<V>(ttlMs: number, maxEntries: number, load: (key: string) => Promise<V | undefined>): TtlCache<V> {
  const entries = new Map<string, { at: number; value: V }>();
  const inFlight = new Map<string, Promise<V | undefined>>();
  let epoch = 0;
  const read = async (key: string): Promise<V | undefined> => {
    const hit = entries.get(key);
    if (hit && Date.now() - hit.at < ttlMs) return hit.value;
    const startedIn = epoch;
    let pending = inFlight.get(key);
    if (!pending) {
      pending = load(key).finally(() => {
        if (inFlight.get(key) === pending) inFlight.delete(key);
      });
      inFlight.set(key, pending);
    }
    const value = await pending;
    // A load that began before a clear() may hold what the change replaced: answer it, keep it not.
    if (value === undefined || startedIn !== epoch) return value;
    if (entries.size >= maxEntries) entries.clear();
    entries.set(key, { at: Date.now(), value });
    return value;
  };
  return Object.assign(read, {
    clear() {
      epoch += 1;
      entries.clear();
      inFlight.clear();
    },
  });
}

/**
 * How long a warm function may answer from a cached copy of the tenant's configuration (clients,
 * client grants, APIs, connections, signing keys) after a change made elsewhere: the bound that
 * docs/tenant-caching.md states and the tests check. In one process (`npm start`, the tests) a
 * change made through the API clears the caches at once through tenantChanged().
 */
export const TENANT_CACHE_TTL_MS = 30_000;

const tenantCaches = new Set<{ clear(): void }>();

/** Registers a cache of tenant configuration, to be cleared when this process changes the tenant. */
export function tenantCache<C extends { clear(): void }>(cache: C): C {
  tenantCaches.add(cache);
  return cache;
}

/** Called after every successful write of tenant configuration: this process sees it at once. */
export function tenantChanged(): void {
  for (const cache of tenantCaches) cache.clear();
}
