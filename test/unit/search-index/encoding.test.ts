import { describe, expect, it } from 'vitest';
import { compareText } from '#shared/management/search/values';
import { encodeNumber, encodeText, encodeValue, entrySortKey, SEPARATOR, shardOf, TOP, VALUE_KEY_CODE_POINTS } from '#shared/db/index-entry-keys';

/** DynamoDB compares string keys by UTF-8 bytes. */
const utf8Order = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

describe('index sort keys', () => {
  it('order numbers as numbers, negative, zero and huge ones included', () => {
    const numbers = [-1e125, -(2 ** 60), -1000.5, -1, -1e-130, 0, 1e-130, 0.5, 1, 2, 10, 2 ** 53 + 2, 1e125];
    const encoded = numbers.map(encodeNumber);
    expect([...encoded].sort(utf8Order)).toEqual(encoded);
    expect(encodeNumber(-0)).toBe(encodeNumber(0));
    expect(encodeNumber(1)).toMatch(/^[0-9a-f]{16}$/);
  });

  it('keep code point order for text, which is how search compares text (and DynamoDB orders keys)', () => {
    const texts = ['', '\u0000', '\u0000a', '\u0001', '\u0001\u0001', '\u0002', 'a', 'a\u0000', 'a\u0001', 'ab', 'é', '\uE000', '\uFFFF', '😀', '😀a'];
    const byCodePoint = [...texts].sort(compareText);
    expect(byCodePoint.map(encodeText)).toEqual([...texts.map(encodeText)].sort(utf8Order).map((t) => t));
    expect([...texts].sort(compareText)).toEqual([...texts].sort(utf8Order));
  });

  it('puts a value and its user id apart by a separator that sorts below any longer value', () => {
    const key = (value: string, user: string) => entrySortKey(encodeValue('s', value), user);
    // Every entry of "a" comes before any entry of "a\u0000" or "a\u0001" or "ab", whatever the user ids.
    const keys = [key('a', '\u{10FFFF}zz'), key('a\u0000', 'a'), key('a\u0001', 'a'), key('ab', '')];
    expect([...keys].sort(utf8Order)).toEqual(keys);
    // Equality is one begins_with: no other value's entries start with "s<a>" + SEPARATOR.
    for (const other of ['a\u0000', 'a\u0001', 'ab']) expect(key(other, 'x').startsWith(`${encodeValue('s', 'a')}${SEPARATOR}`)).toBe(false);
    // TOP bounds everything that starts with a prefix.
    expect(utf8Order(key('a', 'user'), `${encodeValue('s', 'a')}${TOP}`)).toBeLessThan(0);
  });

  it('tags values by type, so a type is one contiguous range', () => {
    expect(encodeValue('b', true)).toBe('btrue');
    expect(encodeValue('n', 13).startsWith('n')).toBe(true);
    expect(encodeValue('s', '13')).toBe('s13');
    expect(encodeValue('x', undefined)).toBe('x');
  });

  it('spreads users over shards the same way every time', () => {
    const counts = new Array(8).fill(0) as number[];
    for (let i = 0; i < 8000; i++) counts[shardOf(`auth0|${i.toString(16).padStart(24, '0')}`, 8)]! += 1;
    expect(Math.min(...counts)).toBeGreaterThan(800);
    expect(shardOf('auth0|abc', 8)).toBe(shardOf('auth0|abc', 8));
  });
});

describe('long values (sort keys hold at most 1,024 bytes)', () => {
  /** A seeded generator of texts around the truncation length, from an alphabet with escapes, accents and astral characters. */
  function texts(seed: number, count: number): string[] {
    let state = seed;
    const next = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const alphabet = ['\u0000', '\u0001', '\u0002', 'a', 'b', 'é', '\uE000', '😀'];
    return Array.from({ length: count }, () => {
      const length = VALUE_KEY_CODE_POINTS - 3 + Math.floor(next() * 7);
      // Long shared prefixes, so that truncation decides.
      return Array.from({ length }, (_, i) => (i < VALUE_KEY_CODE_POINTS - 4 ? 'a' : alphabet[Math.floor(next() * alphabet.length)]!)).join('');
    });
  }
  const userId = 'auth0|0123';
  const keyOf = (v: string) => entrySortKey(encodeValue('s', v), userId);

  it('stay within the limit, for the longest values and user ids', () => {
    const longest = '😀'.repeat(5000);
    const longUser = `auth0|${'😀'.repeat(255)}`;
    expect(Buffer.byteLength(entrySortKey(encodeValue('s', longest), longUser))).toBeLessThanOrEqual(1024);
    expect(entrySortKey(encodeValue('s', 'x'), longUser)).not.toBe(entrySortKey(encodeValue('s', 'x'), `${longUser}a`));
  });

  it('keep two long values of one user apart when they share their first code points', () => {
    const head = 'h'.repeat(120);
    expect(keyOf(`${head}-a`)).not.toBe(keyOf(`${head}-b`));
    expect(keyOf(`${head}-a`).startsWith(`${encodeValue('s', `${head}-a`)}${SEPARATOR}`)).toBe(true);
    expect(keyOf(`${head}-b`).startsWith(`${encodeValue('s', `${head}-a`)}${SEPARATOR}`)).toBe(false);
  });

  it('keep every value of a range inside the key range built from its bounds', () => {
    const values = texts(7, 60);
    for (const lower of values.slice(0, 15)) {
      for (const upper of values.slice(15, 30)) {
        const from = `s${encodeText(lower)}`;
        const to = `s${encodeText(upper)}${TOP}`;
        for (const v of values) {
          if (compareText(v, lower) >= 0 && compareText(v, upper) <= 0) {
            expect(utf8Order(keyOf(v), from)).toBeGreaterThanOrEqual(0);
            expect(utf8Order(keyOf(v), to)).toBeLessThanOrEqual(0);
          }
        }
      }
    }
  });

  it('find a long value by equality and by prefix, among the values that share its first code points', () => {
    const values = texts(11, 60);
    for (const t of values) {
      const exact = `${encodeValue('s', t)}${SEPARATOR}`;
      for (const v of values) {
        if (v === t) expect(keyOf(v).startsWith(exact)).toBe(true);
        if (v.startsWith(t.slice(0, 50))) expect(keyOf(v).startsWith(`s${encodeText(t.slice(0, 50))}`)).toBe(true);
      }
    }
  });
});
