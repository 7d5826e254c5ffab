import { describe, expect, it } from 'vitest';
import { applyMetadataUpdate, metadataUpdate } from '#shared/management/metadata/merge';
import type { JsonObject } from '#shared/platform/json';

const parse = (json: string) => JSON.parse(json) as Record<string, unknown>;

describe('metadataUpdate', () => {
  it('turns {} into a clear', () => {
    expect(metadataUpdate({})).toEqual({ clear: true, set: [], remove: [] });
  });

  it('splits null values (removals) from the others (sets), keeping order', () => {
    expect(metadataUpdate({ a: 1, b: null, c: { d: null }, e: [], f: false, g: 0, h: '' })).toEqual({
      clear: false,
      set: [['a', 1], ['c', { d: null }], ['e', []], ['f', false], ['g', 0], ['h', '']],
      remove: ['b'],
    });
  });

  it('is not a clear when every value is null', () => {
    expect(metadataUpdate({ a: null, b: null })).toEqual({ clear: false, set: [], remove: ['a', 'b'] });
  });

  it('keeps a nested value by reference', () => {
    const nested = { x: 1 };
    const update = metadataUpdate({ n: nested });
    expect(update.set[0]?.[1]).toBe(nested);
  });

  it('carries a __proto__ key sent as JSON as an ordinary key', () => {
    expect(metadataUpdate(parse('{"__proto__": {"admin": true}, "constructor": null}'))).toEqual({
      clear: false,
      set: [['__proto__', { admin: true }]],
      remove: ['constructor'],
    });
  });
});

describe('applyMetadataUpdate', () => {
  it('merges at the first level: new keys added, sent keys replaced, others kept', () => {
    const stored: JsonObject = { hobby: 'surfing', lang: 'fr', plan: 'free' };
    expect(applyMetadataUpdate(stored, metadataUpdate({ lang: 'en', color: 'blue' }))).toEqual({
      hobby: 'surfing',
      lang: 'en',
      plan: 'free',
      color: 'blue',
    });
  });

  it('replaces a nested object instead of merging into it', () => {
    const stored: JsonObject = { addresses: { home: 'Paris', work: 'Lyon' }, keep: 1 };
    expect(applyMetadataUpdate(stored, metadataUpdate({ addresses: { work: 'Nice' } }))).toEqual({
      addresses: { work: 'Nice' },
      keep: 1,
    });
  });

  it('replaces an array instead of appending', () => {
    expect(applyMetadataUpdate({ tags: ['a', 'b'] }, metadataUpdate({ tags: ['c'] }))).toEqual({ tags: ['c'] });
  });

  it('deletes a key set to null and ignores null for a missing key', () => {
    expect(applyMetadataUpdate({ a: 1, b: 2 }, metadataUpdate({ a: null, missing: null }))).toEqual({ b: 2 });
  });

  it('does not treat a nested null as a deletion', () => {
    expect(applyMetadataUpdate({ a: { x: 1, y: 2 } }, metadataUpdate({ a: { x: null } }))).toEqual({ a: { x: null } });
  });

  it('clears everything for {}', () => {
    expect(applyMetadataUpdate({ a: 1, b: { c: 2 } }, metadataUpdate({}))).toEqual({});
  });

  it('does not modify the stored object', () => {
    const stored: JsonObject = { a: 1, b: 2 };
    applyMetadataUpdate(stored, metadataUpdate({ a: null, b: 3, c: 4 }));
    expect(stored).toEqual({ a: 1, b: 2 });
  });

  it('keeps a __proto__ key as a plain own data property and leaves prototypes alone', () => {
    const result = applyMetadataUpdate({ a: 1 }, metadataUpdate(parse('{"__proto__": {"polluted": true}}')));

    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Object.keys(result)).toEqual(['a', '__proto__']);
    expect(Object.getOwnPropertyDescriptor(result, '__proto__')).toEqual({
      value: { polluted: true },
      writable: true,
      enumerable: true,
      configurable: true,
    });
    expect((result as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(JSON.stringify(result)).toBe('{"a":1,"__proto__":{"polluted":true}}');
  });

  it('keeps a constructor key as a plain own data property', () => {
    const result = applyMetadataUpdate({}, metadataUpdate({ constructor: { prototype: { polluted: true } } }));
    expect(Object.getOwnPropertyDescriptor(result, 'constructor')?.value).toEqual({ prototype: { polluted: true } });
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({}).constructor).toBe(Object);
  });

  it('removes a stored __proto__ own property when sent as null', () => {
    const stored = JSON.parse('{"__proto__": 1, "b": 2}') as JsonObject;
    const result = applyMetadataUpdate(stored, metadataUpdate(parse('{"__proto__": null}')));
    expect(Object.keys(result)).toEqual(['b']);
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
  });
});
