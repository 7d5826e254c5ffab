import { randomInt } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { searchIndexKey } from '#shared/db/keys';
import { ROOT_INDEX_KEY } from '#shared/db/keys';
import { insertIndexDeclaration } from '#shared/db/search-indexes-repo';
import type { DeclaredType } from '#shared/management/search-indexes/model';
import { call } from '#test/support/api';
import { generateQuery, generateUser, Random } from '#test/support/search-generators';
import { depth, referenceMatches, render, shrinkCandidates, type SearchQuery, type WireUser } from '#test/support/search-reference';
import { managementToken } from '#test/support/tokens';
import { seedUser } from '#test/support/users';

/**
 * Property: for random users and random queries (AND / OR / NOT, parentheses, exact values on
 * root and metadata fields, a name prefix, ranges and prefixes on declared paths, `_exists_`),
 * GET /api/v2/users?q=…&search_engine=v3 returns exactly the users a simple in-memory reference
 * (test/support/search-reference.ts) says match. The query planner is what this tests: root
 * fields and four metadata paths are indexed, one (`nickname_hint`, of mixed types) is not, so
 * queries mix index lookups, intersections, unions, checks on fetched users and scans.
 * Reproduce a run with SEARCH_PROPERTY_SEED=<seed>.
 */
/**
 * Locally every run explores new data; CI uses a seed that changes once a day, so whether a
 * submission lands is not decided by a draw, while the explored data still keeps moving.
 */
const dailySeed = () => Number(new Date().toISOString().slice(0, 10).replaceAll('-', ''));
const SEED = process.env.SEARCH_PROPERTY_SEED
  ? Number(process.env.SEARCH_PROPERTY_SEED)
  : process.env.CI
    ? dailySeed()
    : randomInt(2 ** 31);
const USERS = 40;
const QUERIES = 150;
const MAX_DEPTH = 3;
const PER_PAGE = 100;

const random = new Random(SEED);
let token: string;
let users: WireUser[] = [];

async function get(query: Record<string, string>): Promise<{ status: number; text: string; users: WireUser[] }> {
  const found: WireUser[] = [];
  for (let page = 0; ; page++) {
    const res = await call('users-list', { token, query: { ...query, per_page: String(PER_PAGE), page: String(page) } });
    if (res.status !== 200) return { status: res.status, text: res.text, users: found };
    found.push(...(res.body as WireUser[]));
    if ((res.body as WireUser[]).length < PER_PAGE) return { status: 200, text: res.text, users: found };
  }
}

const ids = (list: WireUser[]) => list.map((u) => String(u.user_id)).sort();

interface Outcome {
  q: string;
  status: number;
  text: string;
  expected: string[];
  actual: string[];
}

async function check(query: SearchQuery): Promise<Outcome> {
  const q = render(query);
  const res = await get({ q, search_engine: 'v3' });
  return { q, status: res.status, text: res.text, expected: ids(users.filter((u) => referenceMatches(query, u))), actual: ids(res.users) };
}

const agrees = (o: Outcome) => o.status === 200 && JSON.stringify(o.expected) === JSON.stringify(o.actual);

/** The smallest sub-query that still disagrees, by greedy reduction. */
async function shrink(query: SearchQuery): Promise<SearchQuery> {
  let current = query;
  for (let improved = true; improved; ) {
    improved = false;
    for (const candidate of shrinkCandidates(current)) {
      if (!agrees(await check(candidate))) {
        current = candidate;
        improved = true;
        break;
      }
    }
  }
  return current;
}

function describeOutcome(o: Outcome): string {
  if (o.status !== 200) return `  q=${o.q}\n    status ${o.status}: ${o.text}`;
  const byId = new Map(users.map((u) => [String(u.user_id), u]));
  const show = (id: string) => {
    const u = byId.get(id);
    return JSON.stringify({ user_id: id, email: u?.email, name: u?.name, user_metadata: u?.user_metadata, app_metadata: u?.app_metadata });
  };
  const missing = o.expected.filter((id) => !o.actual.includes(id));
  const extra = o.actual.filter((id) => !o.expected.includes(id));
  return [
    `  q=${o.q}`,
    ...missing.slice(0, 3).map((id) => `    missing (reference matches, service did not): ${show(id)}`),
    ...extra.slice(0, 3).map((id) => `    extra (service matched, reference did not): ${show(id)}`),
  ].join('\n');
}

async function declareReady(path: string, type: DeclaredType) {
  await insertIndexDeclaration(searchIndexKey(path), {
    path, type, status: 'ready', generation: 'p1', shards: 3, mixed: false, created_at: new Date().toISOString(), job_id: 'job_test',
  }, undefined);
}

beforeAll(async () => {
  token = await managementToken({ scopes: ['read:users'] });
  // Declared before any user exists, so each user's own write indexes it (as after an empty backfill).
  await insertIndexDeclaration(ROOT_INDEX_KEY, { status: 'ready', created_at: new Date().toISOString() }, undefined);
  await declareReady('app_metadata.plan', 'string');
  await declareReady('user_metadata.age', 'number');
  await declareReady('user_metadata.vip', 'boolean');
  await declareReady('user_metadata.tags', 'string');
  const runTag = SEED.toString(36);
  for (let i = 0; i < USERS; i++) await seedUser(generateUser(random, i, runTag));
  // Judge the users as the service holds them (names defaulted, emails normalised, …).
  const listed = await get({});
  expect(listed.status, listed.text).toBe(200);
  users = listed.users;
  expect(users, `seed ${SEED}: this file's table holds only its own users`).toHaveLength(USERS);
});

describe(`user search agrees with a reference evaluator (seed ${SEED}; SEARCH_PROPERTY_SEED=${SEED} reproduces)`, () => {
  it(`${QUERIES} random queries of depth ≤ ${MAX_DEPTH}`, async () => {
    const emails = users.map((u) => String(u.email));
    const names = users.map((u) => u.name).filter((n): n is string => typeof n === 'string');
    const failures: string[] = [];
    let nonEmpty = 0;
    for (let n = 0; n < QUERIES; n++) {
      const query = generateQuery(random, MAX_DEPTH, emails, names);
      expect(depth(query)).toBeLessThanOrEqual(MAX_DEPTH);
      const outcome = await check(query);
      if (outcome.expected.length > 0 && outcome.expected.length < USERS) nonEmpty++;
      if (agrees(outcome)) continue;
      const smallest = await check(await shrink(query));
      failures.push(`#${n} ${describeOutcome(outcome)}\n  shrunk to:\n${describeOutcome(smallest)}`);
    }
    expect(failures, `seed ${SEED} (rerun with SEARCH_PROPERTY_SEED=${SEED}): ${failures.length} of ${QUERIES} queries disagree\n${failures.slice(0, 5).join('\n')}`).toEqual([]);
    // The domains are small so that most queries select some but not all users; guard against a
    // generator change that makes the property vacuous.
    expect(nonEmpty, `seed ${SEED}: too few queries selected a proper subset`).toBeGreaterThan(QUERIES / 4);
  });
});
