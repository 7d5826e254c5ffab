import { describe, expect, it } from 'vitest';
import { InvalidQueryError } from '#shared/platform/errors';
import { compileQuery } from '#shared/management/search/compile';
import { matches } from '#shared/management/search/evaluate';
import { MAX_TERM_LENGTH } from '#shared/management/search/term-length';
import { parseNumber } from '#shared/management/search/values';

/**
 * Issue 8, item 3.4: the number pattern was quadratic (`\d+\.?\d*` backtracks over every split of
 * a run of digits) and ran again for every numeric value a user holds. The timed bounds are
 * generous on purpose: the fixed code needs a few milliseconds at most, the old code needed
 * seconds (measured before the fix: 4.3 s for the first 50,000-digit string, 3.1 s for the planted
 * user), so a busy 2-core machine cannot make them flake, and the quadratic pattern cannot pass.
 */
const timed = <T>(fn: () => T): { result: T; ms: number } => {
  const started = performance.now();
  const result = fn();
  return { result, ms: performance.now() - started };
};

describe('parseNumber', () => {
  it('reads JSON-style decimals (plus a leading "+") and nothing else', () => {
    const cases: [string, number | undefined][] = [
      ['13', 13], ['-1.5', -1.5], ['+2', 2], ['1.', 1], ['.5', 0.5], ['-.5', -0.5], ['1e3', 1000], ['1.5E-2', 0.015],
      ['1.e2', 100], ['007', 7], ['', undefined], ['.', undefined], ['-', undefined], ['1e', undefined], ['e3', undefined],
      ['.e3', undefined], ['1..2', undefined], ['1.2.3', undefined], ['0x10', undefined], [' 1', undefined], ['1 ', undefined],
      ['Infinity', undefined], ['NaN', undefined], ['1_000', undefined], ['1e999', undefined], ['++1', undefined],
    ];
    expect(cases.map(([text]) => [text, parseNumber(text)])).toEqual(cases);
  });

  it('is linear: a 50,000-digit run that fails at its end is refused at once', () => {
    for (const text of [`${'1'.repeat(50_000)}x`, `${'1'.repeat(50_000)}e${'1'.repeat(50_000)}x`, `.${'1'.repeat(50_000)}x`]) {
      const { result, ms } = timed(() => parseNumber(text));
      expect(result).toBeUndefined();
      expect(ms).toBeLessThan(200);
    }
  });
});

describe('matching numbers', () => {
  // The planted user: more numbers than a 2 KB metadata value holds, met by the longest numeric term.
  const planted = { user_metadata: { n: Array.from({ length: 5_000 }, (_, i) => i) } };
  const longTerm = `${'1'.repeat(MAX_TERM_LENGTH - 1)}x`;

  it('reads each term as a number once, not once per value a user holds', () => {
    const exact = compileQuery(`user_metadata.n:${longTerm}`);
    const range = compileQuery(`user_metadata.n:[${longTerm} TO *]`, { allowPatternsOn: () => true });
    const { result, ms } = timed(() => [matches(exact, planted), matches(range, planted)]);
    expect(result).toEqual([false, false]);
    expect(ms).toBeLessThan(200);
  });

  it('reads the numbers and dates when the query is compiled (white-box: later edits to the text go unseen)', () => {
    const query = compileQuery('user_metadata.n:3 OR created_at:[2024-01 TO 2024-02]');
    if (query.kind !== 'or') throw new Error('expected an OR');
    for (const clause of query.clauses) {
      if (clause.kind !== 'term') throw new Error('expected terms');
      if (clause.value.kind === 'exact') clause.value.text = 'not a number';
      if (clause.value.kind === 'range') clause.value.lower = 'not a date';
    }
    expect(matches(query, { user_metadata: { n: 3 } })).toBe(true);
    expect(matches(query, { created_at: '2024-02-10T00:00:00.000Z' })).toBe(true);
  });

  it('still matches numbers and numeric bounds as before', () => {
    const user = { user_metadata: { n: [3, 12.5], s: '12.5' }, logins_count: 7, created_at: '2024-01-15T10:20:30.000Z' };
    const search = (q: string) => matches(compileQuery(q, { allowPatternsOn: () => true }), user);
    expect(['user_metadata.n:3', 'user_metadata.n:12.50', 'user_metadata.n:1.25e1', 'user_metadata.s:12.5', 'logins_count:[5 TO 7]',
      'logins_count:{7 TO *]', 'user_metadata.n:[* TO 3}', 'user_metadata.n:{12 TO 13}', 'created_at:2024-01-15', 'created_at:[2024-02 TO *]',
      'created_at:[* TO 2024-01-15T10:20:30Z]'].map(search)).toEqual([true, true, true, true, true, false, false, true, true, false, true]);
  });
});

describe('term length', () => {
  const refusal = (q: string) => {
    try {
      compileQuery(q, { allowPatternsOn: () => true });
    } catch (error) {
      if (error instanceof InvalidQueryError) return { status: error.statusCode, code: error.errorCode, message: error.message };
      throw error;
    }
    return undefined;
  };

  it(`accepts values and bounds up to ${MAX_TERM_LENGTH} characters (a 350-character nickname, a 255-emoji user id)`, () => {
    expect(refusal(`nickname:"${'名'.repeat(350)}"`)).toBeUndefined();
    expect(refusal(`user_id:"auth0|${'😀'.repeat(255)}"`)).toBeUndefined();
    expect(refusal(`name:${'a'.repeat(MAX_TERM_LENGTH)}`)).toBeUndefined();
    expect(refusal(`app_metadata.plan:[${'a'.repeat(MAX_TERM_LENGTH)} TO *]`)).toBeUndefined();
  });

  it('refuses a longer value, wildcard or range bound with a 400 invalid_query_string', () => {
    const long = 'a'.repeat(MAX_TERM_LENGTH + 1);
    const expected = (what: string) => ({
      status: 400, code: 'invalid_query_string',
      message: `Query validation error: 'A search value is at most ${MAX_TERM_LENGTH} characters (${what} has ${MAX_TERM_LENGTH + 1})' on property q.`,
    });
    expect(refusal(`name:${long}`)).toEqual(expected('name'));
    expect(refusal(`jane OR "${long}"`)).toEqual(expected('a term without a field'));
    expect(refusal(`name:${long.slice(1)}*`)).toEqual(expected('name'));
    expect(refusal(`app_metadata.plan:[a TO ${long}]`)).toEqual(expected('app_metadata.plan'));
  });
});
