import { describe, expect, it } from 'vitest';
import { parseQuery } from '#shared/management/search/parse';
import { planQuery, type LookupPlan, type Plan } from '#shared/management/search/plan';
import { rootIndexes, type SearchIndex } from '#shared/management/search-indexes/model';

/** Issue 8, item 3.3: `* OR * OR …` planned 800 lookups (6,400 Queries) for the same 8 reads. */
const indexes: SearchIndex[] = [
  ...rootIndexes('ready'),
  { path: 'app_metadata.plan', kind: 'metadata', type: 'string', status: 'ready', generation: 'g1', shards: 8, mixed: false },
];

function lookups(plan: Plan | undefined): LookupPlan[] {
  if (!plan) return [];
  return plan.kind === 'lookup' ? [plan] : plan.children.flatMap(lookups);
}
const planOf = (q: string) => planQuery(parseQuery(q), indexes);

describe('planning identical lookups once', () => {
  it('plans `* OR * OR …` (100 terms) as the 8 lookups of one `*`', () => {
    const planned = planOf(Array(100).fill('*').join(' OR '));
    expect(lookups(planned.plan).map((l) => l.index.path)).toEqual(['email', 'name', 'nickname', 'given_name', 'family_name', 'username', 'user_id', 'phone_number']);
    expect(planned.exact).toBe(true);
  });

  it('plans a repeated term, however nested, once', () => {
    expect(lookups(planOf('email:a@b.c OR (email:a@b.c OR email:"a@b.c") OR email:x@y.z').plan).length).toBe(2);
    const shared = planOf('(app_metadata.plan:pro AND email:a@b.c) OR (app_metadata.plan:pro AND email:x@y.z)');
    const all = lookups(shared.plan);
    expect(all.length).toBe(4);
    expect(new Set(all).size).toBe(3); // the one `app_metadata.plan:pro` lookup appears in both intersections
  });

  it('drops a repeated clause of an intersection', () => {
    const planned = planOf('app_metadata.plan:pro AND app_metadata.plan:pro');
    expect(planned.plan?.kind).toBe('lookup');
  });

  it('keeps lookups apart that read the same range but check different values', () => {
    expect(lookups(planOf('name:jo*x OR name:jo*y').plan).length).toBe(2);
  });
});
