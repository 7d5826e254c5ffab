import { describe, expect, it } from 'vitest';
import { parseQuery } from '#shared/management/search/parse';
import { keyRanges, planQuery } from '#shared/management/search/plan';
import { encodeNumber, SEPARATOR, TOP } from '#shared/db/index-entry-keys';
import { rootIndexes, type SearchIndex } from '#shared/management/search-indexes/model';

const declared = (path: string, type: SearchIndex['type'], extra: Partial<SearchIndex> = {}): SearchIndex => ({
  path, kind: 'metadata', type, status: 'ready', generation: 'g1', shards: 8, mixed: false, ...extra,
});
const indexes = [...rootIndexes('ready'), declared('app_metadata.plan', 'string'), declared('user_metadata.age', 'number')];
const shape = (q: string, available = indexes) => {
  const { plan, exact, unindexed } = planQuery(parseQuery(q), available);
  const describe = (p: typeof plan): unknown => (!p ? null : p.kind === 'lookup' ? p.index.path : { [p.kind]: p.children.map(describe) });
  return { plan: describe(plan), exact, unindexed };
};

describe('query planning', () => {
  it('looks up indexed terms and combines them with AND and OR', () => {
    expect(shape('app_metadata.plan:pro')).toEqual({ plan: 'app_metadata.plan', exact: true, unindexed: [] });
    expect(shape('app_metadata.plan:pro AND email.domain:x.com')).toEqual({
      plan: { intersect: ['app_metadata.plan', 'email.domain'] }, exact: true, unindexed: [],
    });
    expect(shape('app_metadata.plan:pro OR user_metadata.age:3')).toEqual({
      plan: { union: ['app_metadata.plan', 'user_metadata.age'] }, exact: true, unindexed: [],
    });
  });

  it('narrows AND by its indexed clauses and checks the rest on the users (not exact)', () => {
    expect(shape('app_metadata.plan:pro AND NOT user_metadata.age:3')).toEqual({ plan: 'app_metadata.plan', exact: false, unindexed: [] });
    expect(shape('app_metadata.plan:pro AND logins_count:[5 TO *]')).toEqual({ plan: 'app_metadata.plan', exact: false, unindexed: ['logins_count'] });
  });

  it('cannot narrow NOT, OR with an unindexed side, or undeclared paths', () => {
    expect(shape('NOT app_metadata.plan:pro')).toEqual({ plan: null, exact: false, unindexed: [] });
    expect(shape('app_metadata.plan:pro OR user_metadata.hobby:chess')).toEqual({ plan: null, exact: false, unindexed: ['user_metadata.hobby'] });
    expect(shape('updated_at:[2024 TO *]')).toEqual({ plan: null, exact: false, unindexed: ['updated_at'] });
  });

  it('does not use indexes that are still building', () => {
    expect(shape('email:a@b.c', rootIndexes('building'))).toEqual({ plan: null, exact: false, unindexed: ['email'] });
  });

  it('reads an unfielded term from every root text field', () => {
    expect(shape('jane')).toEqual({
      plan: { union: ['email', 'name', 'nickname', 'given_name', 'family_name', 'username', 'user_id', 'phone_number'] },
      exact: true, unindexed: [],
    });
  });
});

describe('key ranges', () => {
  const term = (q: string) => {
    const query = parseQuery(q);
    if (query.kind !== 'term') throw new Error('not a term');
    return query.value;
  };
  const plan = declared('app_metadata.plan', 'string');
  const age = declared('user_metadata.age', 'number');

  it('are one begins_with for equality, per type the index holds', () => {
    expect(keyRanges(plan, 'metadata', term('x:pro'))).toEqual([{ prefix: `spro${SEPARATOR}` }]);
    expect(keyRanges(age, 'metadata', term('x:13'))).toEqual([{ prefix: `n${encodeNumber(13)}${SEPARATOR}` }]);
    expect(keyRanges(age, 'metadata', term('x:thirteen'))).toEqual([]);
    expect(keyRanges({ ...age, mixed: true }, 'metadata', term('x:13'))).toEqual([
      { prefix: `s13${SEPARATOR}` }, { prefix: `n${encodeNumber(13)}${SEPARATOR}` },
    ]);
  });

  it('fold case on case-insensitive root fields and treat dates as prefixes of timestamps', () => {
    const email = rootIndexes('ready').find((i) => i.path === 'email')!;
    const created = rootIndexes('ready').find((i) => i.path === 'created_at')!;
    expect(keyRanges(email, 'text-ci', term('x:"A@B.C"'))).toEqual([{ prefix: `sa@b.c${SEPARATOR}` }]);
    expect(keyRanges(email, 'text-ci', term('x:Jo*'))).toEqual([{ prefix: 'sjo' }]);
    expect(keyRanges(created, 'date', term('x:2024-01'))).toEqual([{ prefix: 's2024-01' }]);
    expect(keyRanges(created, 'date', term('x:[2024-01 TO 2024-02]'))).toEqual([{ from: 's2024-01', to: `s2024-02${TOP}` }]);
  });

  it('are open-ended for `*` bounds and the whole partition for _exists_', () => {
    // Up to the next tag: TOP alone would miss text that starts with U+10FFFF.
    expect(keyRanges(age, 'metadata', term('x:[10 TO *]'))).toEqual([{ from: `n${encodeNumber(10)}`, to: 'o' }]);
    expect(keyRanges(plan, 'metadata', term('x:[a TO *]'))).toEqual([{ from: 'sa', to: 't' }]);
    expect(keyRanges(age, 'metadata', term('x:[a TO 3]'))).toEqual([]);
    expect(keyRanges(age, 'metadata', term('_exists_:x'))).toEqual([{ all: true }]);
  });

  it('are dropped when inverted (DynamoDB refuses BETWEEN with reversed bounds; nothing can match)', () => {
    expect(keyRanges(age, 'metadata', term('x:[50 TO 10]'))).toEqual([]);
    expect(keyRanges(plan, 'metadata', term('x:[z TO a]'))).toEqual([]);
    const created = rootIndexes('ready').find((i) => i.path === 'created_at')!;
    expect(keyRanges(created, 'date', term('x:[2025 TO 2020]'))).toEqual([]);
  });
});
