import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '#shared/db/client';
import { withDbMetrics } from '#shared/db/metrics';
import { searchIndexKey } from '#shared/db/keys';
import { shardOf } from '#shared/db/index-entry-keys';
import { ROOT_INDEX_KEY } from '#shared/db/keys';
import { insertIndexDeclaration } from '#shared/db/search-indexes-repo';
import type { RequestRecord } from '#shared/http/handler';
import { compileQuery } from '#shared/management/search/compile';
import { MAX_IN_FLIGHT, PAGE, QUERY_CHARGE } from '#shared/management/search/entry-reader';
import { findCandidates } from '#shared/management/search/execute';
import { planQuery } from '#shared/management/search/plan';
import { loadSearchIndexes } from '#shared/management/search-indexes/declarations';
import { call, observeRequests } from '#test/support/api';
import { seedUser } from '#test/support/users';

/**
 * Issue 8, item 3.3: the index budget was checked only after a whole round of pages had landed,
 * and a round was one page of every range of every lookup at once. `* OR * OR …` (100 terms)
 * planned 6,400 Queries of up to 1,000 entries each before the first check. Now pages go through
 * one reader per search (shared/management/search/entry-reader.ts): at most MAX_IN_FLIGHT at once, each
 * sized to what the budget has left, so what a search reads is bounded by its budget.
 */
const USERS = 30;
const TAGS = 10;
const read = ['read:users'];
const stars = Array(100).fill('*').join(' OR ');
const distinct = Array.from({ length: 100 }, (_, i) => `word${i}`).join(' OR ');

/** What a search reads from the indexes with this budget: the DynamoDB requests and items, or the refusal. */
async function candidates(q: string, budget: number) {
  const planned = planQuery(compileQuery(q), await loadSearchIndexes());
  if (!planned.plan) throw new Error(`${q} is not planned on indexes`);
  const plan = planned.plan;
  const { result, metrics } = await withDbMetrics(() =>
    findCandidates(plan, budget, (charged) => {
      throw Object.assign(new Error('over budget'), { charged });
    }).then(
      (found) => ({ ids: found.ids.size, refused: undefined }),
      (error: { charged?: number }) => ({ ids: undefined, refused: error.charged }),
    ),
  );
  const queries = metrics.commands.filter((c) => c === 'Query').length;
  return { ...result, queries, items: metrics.itemsRead };
}

/** The most index Queries in flight at once, and the largest Limit asked, observed on the SDK client. */
function watchConcurrency() {
  let now = 0;
  let most = 0;
  let largestLimit = 0;
  const name = `in-flight-${Math.random()}`;
  db.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { Limit?: number; ExpressionAttributeValues?: Record<string, unknown> };
      const pk = input.ExpressionAttributeValues?.[':pk'];
      if (context.commandName !== 'QueryCommand' || typeof pk !== 'string' || !pk.startsWith('IDX#')) return next(args);
      most = Math.max(most, ++now);
      largestLimit = Math.max(largestLimit, input.Limit ?? Infinity);
      try {
        return await next(args);
      } finally {
        now--;
      }
    },
    { step: 'initialize', name },
  );
  return { most: () => most, largestLimit: () => largestLimit, stop: () => db.middlewareStack.remove(name) };
}

/** `count` user ids (database users' id part), the same number in each of `shards` shards. */
function evenlySharded(count: number, shards: number): string[] {
  const perShard = new Map<number, string[]>();
  for (let n = 0; [...perShard.values()].flat().length < count; n++) {
    const id = `budget${n}`;
    const shard = shardOf(`auth0|${id}`, shards);
    const ids = perShard.get(shard) ?? [];
    if (ids.length < count / shards) perShard.set(shard, [...ids, id]);
  }
  return [...perShard.values()].flat();
}

beforeAll(async () => {
  await insertIndexDeclaration(ROOT_INDEX_KEY, { status: 'ready', created_at: new Date().toISOString() }, undefined);
  // Two shards of 150 entries each: far more entries than Queries, so the entries spend the budget.
  await insertIndexDeclaration(searchIndexKey('app_metadata.tags'), {
    path: 'app_metadata.tags', type: 'string', status: 'ready', generation: 'b1', shards: 2, mixed: false, created_at: new Date().toISOString(), job_id: 'job_test',
  }, undefined);
  // Ids chosen so that each shard holds exactly half the users (random ids split unevenly, and a
  // shard of 190 entries spends the budget in one page: the figures below would depend on luck).
  for (const [i, id] of evenlySharded(USERS, 2).entries()) {
    await seedUser({
      user_id: id,
      name: `Budget Person ${i}`, nickname: `bp${i}`, given_name: 'Budget', family_name: `Person${i}`,
      app_metadata: { tags: Array.from({ length: TAGS }, (_, t) => `tag${t}`) },
    });
  }
});

describe('search index budget', () => {
  const concurrency = watchConcurrency();
  afterAll(() => concurrency.stop());

  it('reads `* OR * OR …` (100 terms) as one `*`: 64 Queries, every user found', async () => {
    const seen: RequestRecord[] = [];
    const stop = observeRequests((r) => seen.push(r));
    const res = await call('users-list', { scopes: read, query: { q: stars, search_engine: 'v3', per_page: '100', include_totals: 'true' } });
    stop();
    expect(res.status, res.text).toBe(200);
    expect(res.body.total).toBe(USERS);
    // 8 unfielded root fields x 8 shards, one page each; the rest is the declarations and the page of users.
    const indexQueries = await candidates(stars, 100_000);
    expect(indexQueries).toMatchObject({ ids: USERS, refused: undefined, queries: 64 });
    expect(seen[0]!.db.commands.filter((c) => c === 'Query').length).toBeLessThanOrEqual(64 + 2);
  });

  it('stops a search within its budget: every item read and every Query paid for by it', async () => {
    const tagged = Array(50).fill('app_metadata.tags:*').join(' OR ');
    // 300 entries in 2 ranges; 200 pays for the ranges, not for the entries.
    expect(await candidates(tagged, 200)).toEqual({ ids: undefined, refused: 200, queries: 2, items: 200 });
    expect(await candidates(tagged, USERS * TAGS + 2 * QUERY_CHARGE)).toEqual({ ids: USERS, refused: undefined, queries: 2, items: USERS * TAGS });
    // `* OR * OR …`: 64 ranges of 180 entries in all; 64 Queries cost more than 1,000.
    expect(await candidates(stars, 1_000)).toEqual({ ids: undefined, refused: 0, queries: 0, items: 0 });
  });

  it('refuses 100 distinct terms (6,400 ranges, 30 entries each at least) before reading any', async () => {
    expect(await candidates(distinct, 100_000)).toEqual({ ids: undefined, refused: 0, queries: 0, items: 0 });
    // Just affordable: 4 distinct terms, 256 ranges read once each (they are empty).
    const four = 'word0 OR word1 OR word2 OR word3';
    expect(await candidates(four, 256 * QUERY_CHARGE)).toEqual({ ids: 0, refused: undefined, queries: 256, items: 0 });
    expect(await candidates(four, 256 * QUERY_CHARGE - 1)).toEqual({ ids: undefined, refused: 0, queries: 0, items: 0 });
  });

  it('answers 100 distinct terms over HTTP with 400 query_too_expensive, at once, never a 500', async () => {
    const seen: RequestRecord[] = [];
    const stop = observeRequests((r) => seen.push(r));
    const res = await call('users-list', { scopes: read, query: { q: distinct, search_engine: 'v3' } });
    stop();
    expect(res.status, res.text).toBe(400);
    expect(res.body).toEqual({
      statusCode: 400, error: 'Bad Request', errorCode: 'query_too_expensive',
      message: "Query validation error: 'The query reads more than 100000 index entries (SEARCH_INDEX_BUDGET; 0 so far); add a more selective term on an indexed field' on property q.",
    });
    // Only the index declarations are read (at most a page or two of them).
    expect(seen[0]!.db.commands.filter((c) => c === 'Query').length).toBeLessThanOrEqual(2);
  });

  it(`keeps at most ${MAX_IN_FLIGHT} Queries in flight, and pages of at most ${PAGE} entries`, () => {
    expect(concurrency.most()).toBeGreaterThan(1);
    expect(concurrency.most()).toBeLessThanOrEqual(MAX_IN_FLIGHT);
    expect(concurrency.largestLimit()).toBe(PAGE);
  });

  it('still answers a search that fits its budget exactly as before', async () => {
    expect(await candidates('name:"Budget Person 3" OR nickname:bp4 OR nickname:bp4', 100_000)).toMatchObject({ ids: 2, refused: undefined, queries: 16 });
    // Two lookups reading the same prefix in the same 8 shards: each page is read once for both.
    expect(await candidates('name:budget*1 OR name:budget*2', 100_000)).toEqual({ ids: 6, refused: undefined, queries: 8, items: USERS });
    // Its 8 shards, in one page each: the budget is what 8 Queries cost, and is shared among them.
    expect(await candidates('given_name:budget', 8 * QUERY_CHARGE)).toMatchObject({ ids: USERS, refused: undefined, queries: 8 });
  });
});
