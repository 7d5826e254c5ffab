import { describe, expect, it } from 'vitest';
import { MetadataLimitError } from '#shared/management/errors';
import type { MetadataLimits } from '#shared/management/metadata/limits';
import { metadataLimits } from '#shared/management/metadata/limits';
import { RESERVED_APP_METADATA_KEYS, checkKey, validateMetadata, valueBytes } from '#shared/management/metadata/rules';
import type { MetadataStore } from '#shared/management/metadata/rules';

const limits: MetadataLimits = { maxKeys: 50, maxValueBytes: 2048, maxDepth: 10 };

/** Runs `fn`, asserts it threw a MetadataLimitError (400, invalid_body) and returns its message. */
function refusal(fn: () => void): string {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(MetadataLimitError);
  const error = caught as MetadataLimitError;
  expect(error.statusCode).toBe(400);
  expect(error.errorCode).toBe('invalid_body');
  expect(error.name).toBe('MetadataLimitError');
  return error.message;
}

const refuse = (store: MetadataStore, metadata: Record<string, unknown>, l: MetadataLimits = limits) =>
  refusal(() => validateMetadata(store, metadata, l));

/** `{a: {a: … {a: leaf}}}` with `levels` keys on the path to the leaf. */
function nested(levels: number, leaf: unknown = 1): Record<string, unknown> {
  let value: unknown = leaf;
  for (let i = 0; i < levels; i++) value = { a: value };
  return value as Record<string, unknown>;
}

describe('metadata limits from configuration', () => {
  it('uses the documented defaults when no variable is set', () => {
    expect(metadataLimits).toEqual({ maxKeys: 50, maxValueBytes: 2048, maxDepth: 10 });
  });
});

describe('checkKey', () => {
  it('accepts ordinary names, including non-ASCII, "$" inside and 255 characters', () => {
    for (const key of ['hobby', 'préférence', 'a$b', 'with space', '-', 'k'.repeat(255), 'constructor', 'toString']) {
      expect(() => checkKey('user_metadata', '', key)).not.toThrow();
    }
  });

  it('refuses a dotted key, naming the store and the path', () => {
    expect(refusal(() => checkKey('user_metadata', '', 'a.b'))).toBe(
      'Invalid key "a.b" in user_metadata: keys may not contain "." or start with "$".',
    );
    expect(refusal(() => checkKey('app_metadata', 'prefs.colors', '.'))).toBe(
      'Invalid key "." in app_metadata.prefs.colors: keys may not contain "." or start with "$".',
    );
  });

  it('refuses a key starting with "$"', () => {
    expect(refusal(() => checkKey('user_metadata', '', '$set'))).toBe(
      'Invalid key "$set" in user_metadata: keys may not contain "." or start with "$".',
    );
  });

  it('refuses an empty key and one longer than 255 characters', () => {
    expect(refusal(() => checkKey('user_metadata', '', ''))).toBe('Invalid key in user_metadata: keys may not be empty.');
    expect(refusal(() => checkKey('user_metadata', 'a', 'k'.repeat(256)))).toBe(
      'Invalid key in user_metadata.a: keys are at most 255 characters.',
    );
  });

  it('refuses __proto__', () => {
    expect(refusal(() => checkKey('app_metadata', '', '__proto__'))).toBe('Invalid key "__proto__" in app_metadata.');
  });

  it('refuses a key with a lone surrogate', () => {
    expect(refusal(() => checkKey('user_metadata', '', 'x\ud800'))).toBe(
      'Invalid key in user_metadata: not well-formed Unicode.',
    );
    expect(() => checkKey('user_metadata', '', 'emoji😀')).not.toThrow();
  });
});

describe('validateMetadata: key names at any depth', () => {
  it('refuses a dotted key at the top level', () => {
    expect(refuse('user_metadata', { 'a.b': 1 })).toBe(
      'Invalid key "a.b" in user_metadata: keys may not contain "." or start with "$".',
    );
  });

  it('refuses a dotted key in a nested object', () => {
    expect(refuse('user_metadata', { prefs: { theme: { 'dark.mode': true } } })).toBe(
      'Invalid key "dark.mode" in user_metadata.prefs.theme: keys may not contain "." or start with "$".',
    );
  });

  it('refuses a "$" key inside an array of objects', () => {
    expect(refuse('app_metadata', { list: [{ ok: 1 }, { $where: 'x' }] })).toBe(
      'Invalid key "$where" in app_metadata.list[1]: keys may not contain "." or start with "$".',
    );
  });

  it('refuses a key inside an array nested in an array', () => {
    expect(refuse('user_metadata', { grid: [[{ 'x.y': 1 }]] })).toBe(
      'Invalid key "x.y" in user_metadata.grid[0][0]: keys may not contain "." or start with "$".',
    );
  });

  it('refuses an empty key at the top and nested', () => {
    expect(refuse('user_metadata', { '': 1 })).toBe('Invalid key in user_metadata: keys may not be empty.');
    expect(refuse('user_metadata', { a: { '': 1 } })).toBe('Invalid key in user_metadata.a: keys may not be empty.');
  });

  it('refuses __proto__ as an own property, at the top and nested', () => {
    const top = JSON.parse('{"__proto__": {"isAdmin": true}}') as Record<string, unknown>;
    expect(Object.keys(top)).toEqual(['__proto__']);
    expect(refuse('user_metadata', top)).toBe('Invalid key "__proto__" in user_metadata.');

    const deep = JSON.parse('{"a": [{"__proto__": 1}]}') as Record<string, unknown>;
    expect(refuse('app_metadata', deep)).toBe('Invalid key "__proto__" in app_metadata.a[0].');
  });

  it('refuses a key with a lone surrogate when nested', () => {
    expect(refuse('user_metadata', { a: { '\udc00': 1 } })).toBe('Invalid key in user_metadata.a: not well-formed Unicode.');
  });

  it('refuses a bad key even when its value is null (a deletion)', () => {
    expect(refuse('user_metadata', { 'a.b': null })).toBe(
      'Invalid key "a.b" in user_metadata: keys may not contain "." or start with "$".',
    );
  });
});

describe('validateMetadata: reserved app_metadata names', () => {
  it('lists exactly the names Auth0 reserves', () => {
    expect([...RESERVED_APP_METADATA_KEYS].sort()).toEqual(
      [
        '__tenant', '_id', 'blocked', 'clientID', 'created_at', 'email_verified', 'email', 'globalClientID',
        'global_client_id', 'identities', 'lastIP', 'lastLogin', 'loginsCount', 'metadata',
        'multifactor_last_modified', 'multifactor', 'updated_at', 'user_id',
      ].sort(),
    );
  });

  it('refuses every reserved name at the top of app_metadata', () => {
    for (const key of RESERVED_APP_METADATA_KEYS) {
      expect(refuse('app_metadata', { plan: 'pro', [key]: 'x' })).toBe(`app_metadata.${key} is a reserved name and cannot be set.`);
    }
  });

  it('allows reserved names in user_metadata', () => {
    const all = Object.fromEntries([...RESERVED_APP_METADATA_KEYS].map((k) => [k, 'x']));
    expect(() => validateMetadata('user_metadata', all, limits)).not.toThrow();
  });

  it('allows reserved names nested inside app_metadata', () => {
    expect(() =>
      validateMetadata('app_metadata', { legacy: { email: 'a@b.c', user_id: '42', blocked: false }, list: [{ identities: [] }] }, limits),
    ).not.toThrow();
  });

  it('is case-sensitive (Email is not email)', () => {
    expect(() => validateMetadata('app_metadata', { Email: 'x', USER_ID: 1 }, limits)).not.toThrow();
  });
});

describe('validateMetadata: key count', () => {
  const two = { ...limits, maxKeys: 2 };

  it('accepts exactly the limit', () => {
    expect(() => validateMetadata('user_metadata', { a: 1, b: 2 }, two)).not.toThrow();
  });

  it('refuses one key more, with the count and the variable', () => {
    expect(refuse('user_metadata', { a: 1, b: 2, c: 3 }, two)).toBe(
      'user_metadata has 3 keys; the limit is 2 (METADATA_MAX_KEYS).',
    );
  });

  it('counts null values (deletions) too: each is a clause of the write', () => {
    expect(() => validateMetadata('app_metadata', { a: null, b: null }, two)).not.toThrow();
    expect(() => validateMetadata('app_metadata', { a: 1, b: 2, c: null }, two)).toThrow(
      'app_metadata has 3 keys; the limit is 2 (METADATA_MAX_KEYS).',
    );
  });

  it('counts only top-level keys', () => {
    expect(() => validateMetadata('user_metadata', { a: { x: 1, y: 2, z: 3 }, b: [1, 2, 3, 4] }, two)).not.toThrow();
  });

  it('checks the count before the keys', () => {
    expect(refuse('user_metadata', { 'a.b': 1, b: 2, c: 3 }, two)).toBe(
      'user_metadata has 3 keys; the limit is 2 (METADATA_MAX_KEYS).',
    );
  });
});

describe('valueBytes and the per-value byte limit', () => {
  it('counts the UTF-8 bytes of the JSON serialisation', () => {
    expect(valueBytes('abc')).toBe(5);
    expect(valueBytes('é')).toBe(4);
    expect(valueBytes('😀')).toBe(6);
    expect(valueBytes('€')).toBe(5);
    expect(valueBytes({ a: [1, true, null] })).toBe(JSON.stringify({ a: [1, true, null] }).length);
    expect(valueBytes(12345)).toBe(5);
  });

  const small = { ...limits, maxValueBytes: 16 };

  it('accepts a value of exactly the limit', () => {
    // 7 × "é" = 14 bytes, plus 2 quotes.
    expect(valueBytes('é'.repeat(7))).toBe(16);
    expect(() => validateMetadata('user_metadata', { s: 'é'.repeat(7) }, small)).not.toThrow();
  });

  it('refuses multi-byte text over the limit although its length in characters is under it', () => {
    const value = 'é'.repeat(8);
    expect(value.length).toBe(8);
    expect(refuse('user_metadata', { s: value }, small)).toBe(
      'user_metadata.s is 18 bytes; the limit is 16 bytes per top-level value (METADATA_MAX_VALUE_BYTES).',
    );
  });

  it('measures each top-level value on its own, whole (nested objects included)', () => {
    expect(() => validateMetadata('app_metadata', { a: 'x'.repeat(14), b: 'y'.repeat(14) }, small)).not.toThrow();
    expect(refuse('app_metadata', { a: { b: 'x'.repeat(9) } }, small)).toBe(
      'app_metadata.a is 17 bytes; the limit is 16 bytes per top-level value (METADATA_MAX_VALUE_BYTES).',
    );
  });

  it('applies the default 2048-byte limit', () => {
    expect(() => validateMetadata('user_metadata', { s: 'x'.repeat(2046) }, metadataLimits)).not.toThrow();
    expect(refuse('user_metadata', { s: 'x'.repeat(2047) }, metadataLimits)).toBe(
      'user_metadata.s is 2049 bytes; the limit is 2048 bytes per top-level value (METADATA_MAX_VALUE_BYTES).',
    );
  });
});

describe('validateMetadata: depth', () => {
  const three = { ...limits, maxDepth: 3 };

  it('accepts a value exactly at the depth limit', () => {
    expect(() => validateMetadata('user_metadata', nested(3), three)).not.toThrow();
  });

  it('refuses a value one level deeper, naming its path', () => {
    expect(refuse('user_metadata', nested(4), three)).toBe(
      'user_metadata.a.a.a.a is nested deeper than 3 levels (METADATA_MAX_DEPTH).',
    );
  });

  it('counts array levels', () => {
    expect(() => validateMetadata('app_metadata', { a: [[1]] }, three)).not.toThrow();
    expect(refuse('app_metadata', { a: [[[1]]] }, three)).toBe(
      'app_metadata.a[0][0][0] is nested deeper than 3 levels (METADATA_MAX_DEPTH).',
    );
  });

  it('applies the default depth of 10', () => {
    expect(() => validateMetadata('user_metadata', nested(10), metadataLimits)).not.toThrow();
    expect(refuse('user_metadata', nested(11), metadataLimits)).toBe(
      'user_metadata.a.a.a.a.a.a.a.a.a.a.a is nested deeper than 10 levels (METADATA_MAX_DEPTH).',
    );
  });
});

describe('validateMetadata: numbers', () => {
  const RANGE = 'is a number outside the range that can be stored (1e-130 to 9.99e125).';

  it('refuses non-finite numbers', () => {
    expect(refuse('user_metadata', { n: Number.POSITIVE_INFINITY })).toBe(`user_metadata.n ${RANGE}`);
    expect(refuse('user_metadata', { n: Number.NEGATIVE_INFINITY })).toBe(`user_metadata.n ${RANGE}`);
    expect(refuse('app_metadata', { list: [1, Number.NaN] })).toBe(`app_metadata.list[1] ${RANGE}`);
  });

  it('refuses magnitudes below DynamoDB\'s smallest number, and accepts zero and the smallest', () => {
    expect(refuse('user_metadata', { n: 1e-131 })).toBe(`user_metadata.n ${RANGE}`);
    expect(refuse('user_metadata', { a: { n: -5e-324 } })).toBe(`user_metadata.a.n ${RANGE}`);
    expect(() => validateMetadata('user_metadata', { z: 0, nz: -0, min: 1e-130, negMin: -1e-130 }, limits)).not.toThrow();
  });

  it('accepts any number DynamoDB can store, beyond 2^53 included, up to the largest double below 1e126', () => {
    const largest = 9.999999999999998e125;
    expect(largest < 1e126).toBe(true);
    expect(() =>
      validateMetadata(
        'user_metadata',
        { a: 0.1, b: -42, c: Number.MAX_SAFE_INTEGER, d: 2 ** 53, e: 1e20, f: -1e100, g: largest, h: -largest },
        limits,
      ),
    ).not.toThrow();
  });

  it('refuses 1e126, which DynamoDB cannot store (Number overflow above 9.99…e125)', () => {
    // Regression: a bound written 9.9999999999999999e125 is the double 1e126, so a `>` check let
    // 1e126 through and DynamoDB refused the write with a ValidationException (a 500).
    expect(refuse('user_metadata', { n: 1e126 })).toBe(`user_metadata.n ${RANGE}`);
    expect(refuse('app_metadata', { list: [-1e126] })).toBe(`app_metadata.list[0] ${RANGE}`);
  });
});

describe('validateMetadata: strings and other values', () => {
  it('refuses a string with a lone surrogate, at the top and nested', () => {
    expect(refuse('user_metadata', { s: 'ab\ud83d' })).toBe('user_metadata.s is not well-formed Unicode.');
    expect(refuse('app_metadata', { a: ['ok', { b: '\ude00x' }] })).toBe('app_metadata.a[1].b is not well-formed Unicode.');
  });

  it('accepts every JSON type, well-formed astral text and empty containers', () => {
    expect(() =>
      validateMetadata(
        'user_metadata',
        { s: 'emoji 😀', n: 1, b: false, nil: null, arr: [], obj: {}, mixed: [1, 'two', { three: [3] }] },
        limits,
      ),
    ).not.toThrow();
  });

  it('accepts an empty object (a clear)', () => {
    expect(() => validateMetadata('app_metadata', {}, limits)).not.toThrow();
  });
});
