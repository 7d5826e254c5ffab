import { describe, expect, it } from 'vitest';
import { InvalidQueryError } from '#shared/platform/errors';
import type { Query } from '#shared/management/search/ast';
import { compileQuery } from '#shared/management/search/compile';
import { QuerySyntaxError } from '#shared/management/errors';
import { matches } from '#shared/management/search/evaluate';
import { parseQuery } from '#shared/management/search/parse';

/** mulberry32: a seeded generator, so a failure reproduces. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SPECIALS = [...'+-&|!(){}[]^"~*?:\\/<>= \t', '&&', '||'];
const WORDS = ['AND', 'OR', 'NOT', 'TO', '_exists_', 'user_metadata.x', 'app_metadata.y.z', 'email', 'name', 'logins_count',
  'created_at', 'a', 'jane', '13', 'true', '2024-01', 'constructor', '__proto__', '*', '.', 'é', '\u{1F600}'];
const USERS: Record<string, unknown>[] = [
  {},
  { user_id: 'auth0|1', email: 'jane@x.com', name: 'Jane', logins_count: 3, created_at: '2024-01-02T00:00:00.000Z' },
  { user_metadata: { x: [{ y: null }, 13, 'a', true, []], constructor: 'x' }, app_metadata: { y: { z: {} } }, identities: [] },
];

/** Records anything thrown that should not be; true when the query parsed. */
function check(q: string, failures: string[]): boolean {
  let query: Query;
  try {
    query = parseQuery(q);
  } catch (error) {
    const ok = error instanceof QuerySyntaxError && error.position >= 1 && error.position <= Math.min(q.length, 2000) + 1;
    if (!ok) failures.push(`parse ${JSON.stringify(q)}: ${String(error)}`);
    return false;
  }
  try {
    for (const user of USERS) matches(query, user);
    for (const user of USERS) matches(compileQuery(q, { allowPatternsOn: () => true }), user);
  } catch (error) {
    if (!(error instanceof InvalidQueryError)) failures.push(`compile/match ${JSON.stringify(q)}: ${String(error)}`);
  }
  return true;
}

describe('parseQuery on random input', () => {
  it('throws nothing but QuerySyntaxError (with a position inside the query), and what parses can be matched', () => {
    const next = random(20240601);
    const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
    const failures: string[] = [];
    let parsed = 0;
    for (let n = 0; n < 20_000; n++) {
      const length = Math.floor(next() * 24);
      const q = Array.from({ length }, () => (next() < 0.5 ? pick(SPECIALS) : pick(WORDS))).join(next() < 0.5 ? ' ' : '');
      if (check(q, failures)) parsed++;
    }
    expect(failures.slice(0, 5)).toEqual([]);
    // The alphabet is hostile, but a fair share must still parse, or the fuzz proves little.
    expect(parsed).toBeGreaterThan(1000);
  });

  it('survives arbitrary UTF-16 code units, lone surrogates included', () => {
    const next = random(7);
    const failures: string[] = [];
    for (let n = 0; n < 5_000; n++) {
      const length = Math.floor(next() * 40);
      check(String.fromCharCode(...Array.from({ length }, () => Math.floor(next() * 0x10000))), failures);
      check(String.fromCharCode(...Array.from({ length }, () => 32 + Math.floor(next() * 95))), failures);
    }
    expect(failures.slice(0, 5)).toEqual([]);
  });

  it('survives deep and long inputs without overflowing the stack', () => {
    const failures: string[] = [];
    for (const q of ['('.repeat(2000), ')'.repeat(2000), 'NOT '.repeat(500), '!'.repeat(2000), '-'.repeat(2000),
      `${'a:('.repeat(600)}b`, `${'(a AND '.repeat(280)}b`, 'a '.repeat(1000), '"'.repeat(2001), `x:[${'a '.repeat(999)}`,
      '\\'.repeat(2000), '*'.repeat(2000), `name:${'*a'.repeat(997)}`]) {
      check(q, failures);
    }
    expect(failures).toEqual([]);
  });
});
