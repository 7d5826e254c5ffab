import { describe, expect, it } from 'vitest';
import { generationCache } from '#shared/sandbox/generation-cache';

/**
 * The cache behind loadLoginExtensions, with a hand-driven clock, generation and loader: when it
 * reloads, when it keeps what it holds, and how concurrent callers share a load.
 */
function setup(ceilingMs = 10_000) {
  const state = { now: 0, generation: 0, loads: 0, reads: 0 };
  const gates: { resolve: () => void }[] = [];
  let gated = false;
  const get = generationCache({
    ceilingMs,
    now: () => state.now,
    generation: async () => {
      state.reads += 1;
      return state.generation;
    },
    load: async () => {
      state.loads += 1;
      const value = `set ${state.loads} (generation ${state.generation})`;
      if (gated) await new Promise<void>((resolve) => gates.push({ resolve }));
      return value;
    },
  });
  return { state, get, gate: (on: boolean) => (gated = on), gates };
}

describe('generationCache', () => {
  it('loads once, then only reads the generation while it stays the same', async () => {
    const { state, get } = setup();
    expect(await get()).toBe('set 1 (generation 0)');
    state.now = 9_999;
    expect(await get()).toBe('set 1 (generation 0)');
    expect(state).toMatchObject({ loads: 1, reads: 2 });
  });

  it('reloads as soon as the generation moves', async () => {
    const { state, get } = setup();
    await get();
    state.generation = 1;
    state.now = 1;
    expect(await get()).toBe('set 2 (generation 1)');
    expect(await get()).toBe('set 2 (generation 1)');
    expect(state.loads).toBe(2);
  });

  it('keeps what it holds when a lagging replica answers an older generation', async () => {
    const { state, get } = setup();
    state.generation = 5;
    await get();
    state.generation = 4;
    expect(await get()).toBe('set 1 (generation 5)');
    expect(state.loads).toBe(1);
  });

  it('reloads a set older than the ceiling even when the generation did not move (a change it missed)', async () => {
    const { state, get } = setup(10_000);
    await get();
    state.now = 10_000;
    expect(await get()).toBe('set 2 (generation 0)');
    // A restored table can carry a lower generation: the ceiling's reload adopts it.
    state.generation = -3;
    state.now = 20_000;
    expect(await get()).toBe('set 3 (generation -3)');
    state.now = 20_001;
    expect(await get()).toBe('set 3 (generation -3)');
    expect(state.loads).toBe(3);
  });

  it('shares one load between concurrent callers that need the same generation', async () => {
    const { state, get, gate, gates } = setup();
    await get();
    state.generation = 1;
    gate(true);
    const both = Promise.all([get(), get()]);
    await new Promise((r) => setTimeout(r, 0));
    expect(gates).toHaveLength(1);
    gates[0]!.resolve();
    expect(await both).toEqual(['set 2 (generation 1)', 'set 2 (generation 1)']);
    expect(state.loads).toBe(2);
  });

  it('starts another load for a caller that saw a newer generation than the load in flight, and keeps the newer', async () => {
    const { state, get, gate, gates } = setup();
    await get();
    gate(true);
    state.generation = 1;
    const first = get();
    await new Promise((r) => setTimeout(r, 0));
    state.generation = 2;
    state.now = 1;
    const second = get();
    await new Promise((r) => setTimeout(r, 0));
    expect(gates).toHaveLength(2);
    // The newer load ends first; the older one ending later must not replace it.
    gates[1]!.resolve();
    expect(await second).toBe('set 3 (generation 2)');
    gates[0]!.resolve();
    expect(await first).toBe('set 2 (generation 1)');
    gate(false);
    expect(await get()).toBe('set 3 (generation 2)');
    expect(state.loads).toBe(3);
  });

  it('lets the next caller load again after a failed load', async () => {
    let fail = true;
    const get = generationCache({
      ceilingMs: 10_000,
      generation: async () => 0,
      load: async () => {
        if (fail) throw new Error('throttled');
        return 'loaded';
      },
    });
    await expect(get()).rejects.toThrow('throttled');
    fail = false;
    expect(await get()).toBe('loaded');
  });
});
