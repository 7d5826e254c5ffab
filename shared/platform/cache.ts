/**
 * A small per-cold-start cache for rarely changing records (clients, connections): entries live
 * `ttlMs`, concurrent loads of one key share a request, misses are not kept (a record created a
 * moment after someone asked for it is found at once), and at most `maxEntries` are kept.
 */
export function ttlCache<V>(ttlMs: number, maxEntries: number, load: (key: string) => Promise<V | undefined>) {
  const entries = new Map<string, { at: number; value: V }>();
  const inFlight = new Map<string, Promise<V | undefined>>();
  return async (key: string): Promise<V | undefined> => {
    const hit = entries.get(key);
    if (hit && Date.now() - hit.at < ttlMs) return hit.value;
    let pending = inFlight.get(key);
    if (!pending) {
      pending = load(key).finally(() => inFlight.delete(key));
      inFlight.set(key, pending);
    }
    const value = await pending;
    if (value === undefined) return undefined;
    if (entries.size >= maxEntries) entries.clear();
    entries.set(key, { at: Date.now(), value });
    return value;
  };
}
