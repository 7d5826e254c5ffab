import { afterEach, describe, expect, it, vi } from 'vitest';
import { TENANT_CACHE_TTL_MS, tenantCache, tenantChanged, ttlCache } from '#shared/platform/cache';

/**
 * The bound docs/tenant-caching.md promises: a warm function answers from a kept copy for at most
 * TENANT_CACHE_TTL_MS after a change made elsewhere, and this process sees its own changes at once.
 */
afterEach(() => {
  vi.useRealTimers();
});

function countingStore(initial: string) {
  const store = { value: initial, loads: 0 };
  const load = async () => {
    store.loads += 1;
    return store.value;
  };
  return { store, load };
}

describe('tenant caches', () => {
  it('keeps a value for TENANT_CACHE_TTL_MS, then reads the table again', async () => {
    vi.useFakeTimers({ now: 1_000_000, toFake: ['Date'] });
    const { store, load } = countingStore('v1');
    const cached = ttlCache(TENANT_CACHE_TTL_MS, 10, load);
    expect(await cached('k')).toBe('v1');
    store.value = 'v2'; // changed by another Lambda: no tenantChanged() here
    vi.setSystemTime(1_000_000 + TENANT_CACHE_TTL_MS - 1);
    expect(await cached('k')).toBe('v1');
    vi.setSystemTime(1_000_000 + TENANT_CACHE_TTL_MS);
    expect(await cached('k')).toBe('v2');
    expect(store.loads).toBe(2);
  });

  it('sees a change made in this process at once: tenantChanged() clears every registered cache', async () => {
    const a = countingStore('a1');
    const b = countingStore('b1');
    const cachedA = tenantCache(ttlCache(TENANT_CACHE_TTL_MS, 10, a.load));
    const cachedB = tenantCache(ttlCache(TENANT_CACHE_TTL_MS, 10, b.load));
    expect([await cachedA('k'), await cachedB('k')]).toEqual(['a1', 'b1']);
    a.store.value = 'a2';
    b.store.value = 'b2';
    expect([await cachedA('k'), await cachedB('k')]).toEqual(['a1', 'b1']);
    tenantChanged();
    expect([await cachedA('k'), await cachedB('k')]).toEqual(['a2', 'b2']);
  });

  it('does not keep a value whose load began before a clear (it may predate the change)', async () => {
    let release!: (v: string) => void;
    let loads = 0;
    const cached = ttlCache(TENANT_CACHE_TTL_MS, 10, () => {
      loads += 1;
      return loads === 1 ? new Promise<string>((resolve) => (release = resolve)) : Promise.resolve('new');
    });
    const early = cached('k');
    cached.clear();
    release('old');
    expect(await early).toBe('old');
    expect(await cached('k')).toBe('new');
    expect(loads).toBe(2);
  });

  it('shares one load among concurrent readers and keeps no miss', async () => {
    let loads = 0;
    let value: string | undefined;
    const cached = ttlCache(TENANT_CACHE_TTL_MS, 10, async () => {
      loads += 1;
      return value;
    });
    expect(await Promise.all([cached('k'), cached('k'), cached('k')])).toEqual([undefined, undefined, undefined]);
    expect(loads).toBe(1);
    value = 'created';
    expect(await cached('k')).toBe('created');
    expect(loads).toBe(2);
  });
});
