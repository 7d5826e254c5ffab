/**
 * One value a warm function keeps (what logins run), checked on every use against a cheap
 * generation counter that every change bumps, and reloaded only when the counter moved or the
 * value is older than `ceilingMs`. The ceiling is what still bounds a change the check missed:
 * a generation read from a lagging replica, or a write made around the service (a console
 * edit, a table restore).
 */
export interface GenerationCacheOptions<V> {
  ceilingMs: number;
  /** The current generation (one small read). */
  generation: () => Promise<number>;
  /** The value as of the generation just read, or newer. */
  load: () => Promise<V>;
  now?: () => number;
}

interface Held<V> {
  value: V;
  generation: number;
  /** When its load started: the value is at least as new as this. */
  since: number;
}

export function generationCache<V>(options: GenerationCacheOptions<V>): () => Promise<V> {
  const now = options.now ?? Date.now;
  let held: Held<V> | undefined;
  let pending: { generation: number; promise: Promise<Held<V>> } | undefined;

  /** Concurrent callers that need at most the generation of a load in flight share it. */
  const reload = (generation: number): Promise<Held<V>> => {
    if (pending && pending.generation >= generation) return pending.promise;
    const since = now();
    const promise = options.load().then((value) => {
      const loaded = { value, generation, since };
      // A slower, older load must not replace a newer one that finished first.
      if (!held || loaded.since >= held.since) held = loaded;
      return loaded;
    });
    const entry = { generation, promise };
    pending = entry;
    const clear = () => {
      if (pending === entry) pending = undefined;
    };
    promise.then(clear, clear);
    return promise;
  };

  return async () => {
    const generation = await options.generation();
    const current = held;
    // A lower generation than held comes from a lagging replica (generations only grow): keep what is held.
    if (current && current.generation >= generation && now() - current.since < options.ceilingMs) return current.value;
    return (await reload(generation)).value;
  };
}
