/**
 * Search at scale (issue 4): BENCH_SEARCH_USERS users (100,000 by default) loaded straight into
 * the table, then searches on root fields and on declared metadata paths through the
 * `users-list` route, against the Scan fallback for the same predicates in the same run. Per
 * query: matches (k), items DynamoDB read, read units, p50. Target: an indexed query that matches
 * k users reads O(k) items, where the Scan reads the whole table.
 *
 * Imported by search.ts (the section) only after the environment points the service at the bench table.
 */
import { config } from '#shared/platform/config';
import { withDbMetrics, type DbMetrics } from '#shared/db/metrics';
import { ROOT_INDEX_KEY } from '#shared/db/keys';
import { insertIndexDeclaration, type StoredIndex } from '#shared/db/search-indexes-repo';
import { searchIndexKey } from '#shared/db/keys';
import { observeRequests, type RequestRecord } from '#shared/http/handler';
import { rootIndexes, type SearchIndex } from '#shared/management/search-indexes/model';
import { listUsers } from '#shared/management/users/read';
import { ListUsersQuery } from '#shared/management/users/schemas';
import type { UserRecord } from '#shared/management/users/model';
import { call } from '#test/support/api';
import { managementToken } from '#test/support/tokens';
import { loadUsers, RARE_DOMAIN, benchUser } from '#test/bench/search-data';
import { searchQueries, type QuerySpec } from '#test/bench/search-queries';
import { mean, percentile, round } from '#test/bench/stats';

const USERS = Number(process.env.BENCH_SEARCH_USERS ?? 100_000);
const SEED = 4;
const REPS = 20;
const WARMUP = 2;
/**
 * A full Scan reads the whole table whatever the predicate, and DynamoDB Local's Scan slows with
 * the table (each page costs time in proportion to the items after it: ~20 min for 1.4M items),
 * so by default one Scan, once. BENCH_SEARCH_SCAN_ALL=1 scans every comparable predicate;
 * BENCH_SEARCH_SCAN_REPS=0 skips the full Scans (the ratio then uses the items loaded).
 */
const SCAN_REPS = Number(process.env.BENCH_SEARCH_SCAN_REPS ?? 1);
const SCAN_ALL = process.env.BENCH_SEARCH_SCAN_ALL === '1';
const LOAD_CONCURRENCY = 16;
/** The Scan fallback, called in-process, may read everything (the route's budget stops at 1,000,000; a Scan's Limit must fit 32 bits). */
const UNBOUNDED = 1_000_000_000;
const SHARDS = 8;
const DECLARED: { path: string; type: StoredIndex['type'] }[] = [
  { path: 'app_metadata.plan', type: 'string' },
  { path: 'user_metadata.age', type: 'number' },
];

export type QueryMode = 'root index' | 'declared index' | 'scan, not declared yet' | 'scan, never declared' | 'route, default budget';

export interface QueryRun {
  name: string;
  q: string;
  mode: QueryMode;
  reps: number;
  /** Matches in the generated data, counted independently of the service. */
  k: number;
  /** What the service answered (`total`), or the error code. */
  total: number | undefined;
  status: number;
  error?: string;
  /**
   * The k the O(k) bound uses: k, or for an AND the sum of its terms' k (an intersection reads its
   * terms' entries, until the most selective one is exhausted, a page per shard at a time).
   */
  kRef: number;
  itemsRead: number;
  itemsReadRange: [number, number];
  readUnits: number;
  requests: number;
  commands: string;
  p50Ms: number;
  maxMs: number;
}

export interface SearchBench {
  users: number;
  /** What a full Scan read (or, when none ran, the items loaded: a Scan reads at least those). */
  tableItems: number;
  tableItemsFrom: 'scan' | 'load';
  load: { ms: number; itemsPerSec: number; usersPerSec: number; concurrency: number };
  runs: QueryRun[];
}

interface Sample {
  status: number;
  total: number | undefined;
  error?: string;
  ms: number;
  db: DbMetrics;
}

const summary = (spec: QuerySpec, mode: QueryMode, counts: Map<string, number>, samples: Sample[]): QueryRun => {
  const first = samples[0]!;
  const items = samples.map((s) => s.db.itemsRead);
  const ms = samples.map((s) => s.ms);
  const k = counts.get(spec.name) ?? 0;
  return {
    name: spec.name, q: spec.q, mode, reps: samples.length, k, total: first.total, status: first.status,
    ...(first.error ? { error: first.error } : {}),
    kRef: spec.terms ? spec.terms.reduce((sum, t) => sum + (counts.get(t) ?? 0), 0) : k,
    itemsRead: round(percentile(items, 0.5), 0),
    itemsReadRange: [Math.min(...items), Math.max(...items)],
    readUnits: round(mean(samples.map((s) => s.db.readUnits)), 1),
    requests: round(mean(samples.map((s) => s.db.requests)), 1),
    commands: compact(first.db.commands),
    p50Ms: round(percentile(ms, 0.5), 1),
    maxMs: round(Math.max(...ms), 1),
  };
};

/** ["Query", "Query", "BatchGetItem"] -> "Query x2 + BatchGetItem". */
function compact(commands: string[]): string {
  const runs: [string, number][] = [];
  for (const c of commands) {
    const last = runs[runs.length - 1];
    if (last && last[0] === c) last[1] += 1;
    else runs.push([c, 1]);
  }
  return runs.map(([c, n]) => (n > 1 ? `${c} x${n}` : c)).join(' + ') || '(none)';
}

const listQuery = (spec: QuerySpec) =>
  ListUsersQuery.parse({ q: spec.q, search_engine: 'v3', include_totals: 'true', per_page: '50', ...(spec.page ? { page: String(spec.page) } : {}) });

/** The Scan fallback, in-process, with no budget: what listUsers does when no index applies. */
async function viaListUsers(spec: QuerySpec): Promise<Sample> {
  const started = performance.now();
  try {
    const { result, metrics } = await withDbMetrics(() => listUsers(listQuery(spec), UNBOUNDED));
    return { status: 200, total: result.total, ms: performance.now() - started, db: metrics };
  } catch (error) {
    const db = { requests: 0, readUnits: 0, writeUnits: 0, itemsRead: 0, commands: [] };
    return { status: 0, total: undefined, error: (error as Error).name, ms: performance.now() - started, db };
  }
}

/** Through the route's Lambda handler, in-process; cost and time as the handler wrapper recorded them. */
async function viaRoute(spec: QuerySpec, token: string): Promise<Sample> {
  let record: RequestRecord | undefined;
  const stop = observeRequests((r) => {
    if (r.route === 'users-list') record = r;
  });
  try {
    const query = { q: spec.q, search_engine: 'v3', include_totals: 'true', per_page: '50', ...(spec.page ? { page: String(spec.page) } : {}) };
    const res = await call<{ total?: number; errorCode?: string; message?: string }>('users-list', { query, token });
    const seen = record ?? fail('the users-list handler reported no request');
    return {
      status: res.status,
      total: res.body.total,
      ...(res.status === 200 ? {} : { error: `${res.body.errorCode ?? ''} ${res.body.message ?? ''}`.trim() }),
      ms: seen.ms,
      db: seen.db,
    };
  } finally {
    stop();
  }
}

function fail(message: string): never {
  throw new Error(message);
}

async function repeat(reps: number, warmup: number, once: () => Promise<Sample>): Promise<Sample[]> {
  for (let i = 0; i < warmup; i++) await once();
  const out: Sample[] = [];
  for (let i = 0; i < reps; i++) out.push(await once());
  return out;
}

/** Users already in the table (the other sections' leftovers) would match without index entries: removed first. */
async function removeExistingUsers(token: string): Promise<number> {
  const page = await listUsers(ListUsersQuery.parse({ per_page: '100', include_totals: 'true' }), UNBOUNDED);
  for (const user of page.users) {
    const res = await call('users-delete', { params: { id: String(user.user_id) }, token });
    if (res.status !== 204) fail(`deleting ${String(user.user_id)} answered ${res.status}: ${res.text}`);
  }
  if ((page.total ?? 0) > page.users.length) fail(`the table holds ${page.total} users; the search section expects at most 100 before it loads`);
  return page.users.length;
}

/** The declarations as a finished backfill leaves them (the entries were loaded with the users); the root item too, unless the seed wrote it. */
async function declare(generation: string): Promise<void> {
  const created_at = new Date().toISOString();
  await insertIndexDeclaration(ROOT_INDEX_KEY, { status: 'ready', created_at }, undefined);
  for (const { path, type } of DECLARED) {
    const declaration: StoredIndex = { path, type, status: 'ready', generation, shards: SHARDS, mixed: false, created_at, job_id: 'bench-load' };
    if (!(await insertIndexDeclaration(searchIndexKey(path), declaration, undefined))) fail(`${path} is declared already`);
  }
}

/** Declarations are cached per warm Lambda: wait until this process has forgotten the old ones. */
const declarationsSettle = () => new Promise((r) => setTimeout(r, config.SEARCH_INDEX_CACHE_MS + 250));

export async function benchSearch(progress: (message: string) => void): Promise<SearchBench> {
  const token = await managementToken({ scopes: ['read:users', 'delete:users'] });
  const removed = await removeExistingUsers(token);
  if (removed > 0) progress(`search: removed ${removed} users left by earlier sections`);

  const generation = `b${Date.now().toString(36)}`;
  const declared: SearchIndex[] = DECLARED.map(({ path, type }) => ({
    path, kind: 'metadata', type, status: 'ready', generation, shards: SHARDS, mixed: false,
  }));
  const sample = benchUser(SEED, Math.floor(USERS / 2));
  const specs = searchQueries({ email: sample.email, rareDomain: RARE_DOMAIN });
  const counts = new Map<string, number>(specs.map((s) => [s.name, 0]));
  const count = (user: UserRecord) => {
    for (const spec of specs) if (spec.matches(user)) counts.set(spec.name, (counts.get(spec.name) ?? 0) + 1);
  };

  progress(`search: loading ${USERS} users (profile, email claim, ${rootIndexes('ready').length} root + ${declared.length} declared index paths each)`);
  const load = await loadUsers({
    seed: SEED, count: USERS, indexes: [...rootIndexes('ready'), ...declared], concurrency: LOAD_CONCURRENCY, onUser: count,
    onProgress: (done, items, ms) => {
      if (done % 20_000 === 0 || done === USERS) progress(`search: ${done} users, ${items} items, ${round((items / ms) * 1000, 0)} items/s`);
    },
  });
  progress(`search: loaded ${load.items} items in ${round(load.ms / 1000, 1)} s`);

  // Same predicates before their paths are declared: the Scan fallback, reading everything.
  const runs: QueryRun[] = [];
  await declarationsSettle();
  for (const spec of specs.filter((s) => s.scanBefore && SCAN_REPS > 0).slice(0, SCAN_ALL ? undefined : 1)) {
    progress(`search: ${spec.q} by Scan (not declared yet), ${SCAN_REPS} runs`);
    runs.push(summary(spec, 'scan, not declared yet', counts, await repeat(SCAN_REPS, 0, () => viaListUsers(spec))));
  }

  await declare(generation);
  await declarationsSettle();
  for (const spec of specs.filter((s) => s.indexed)) {
    progress(`search: ${spec.q}, ${WARMUP} + ${REPS} runs`);
    const mode: QueryMode = spec.indexed === 'root' ? 'root index' : 'declared index';
    runs.push(summary(spec, mode, counts, await repeat(REPS, WARMUP, () => viaRoute(spec, token))));
  }

  // A path never declared, once indexes exist: the fallback as the route bounds it (and in full).
  for (const spec of specs.filter((s) => !s.indexed)) {
    progress(`search: ${spec.q} through the route (LIST_SCAN_BUDGET ${config.LIST_SCAN_BUDGET})${SCAN_ALL ? ` and by Scan, ${SCAN_REPS} runs` : ''}`);
    runs.push(summary(spec, 'route, default budget', counts, await repeat(1, 0, () => viaRoute(spec, token))));
    if (SCAN_ALL && SCAN_REPS > 0) runs.push(summary(spec, 'scan, never declared', counts, await repeat(SCAN_REPS, 0, () => viaListUsers(spec))));
  }
  const scans = runs.filter((r) => r.mode.startsWith('scan') && r.status === 200);
  return {
    users: USERS,
    tableItems: scans.length > 0 ? Math.max(...scans.map((r) => r.itemsRead)) : load.items,
    tableItemsFrom: scans.length > 0 ? 'scan' : 'load',
    load: {
      ms: round(load.ms, 0),
      itemsPerSec: round((load.items / load.ms) * 1000, 0),
      usersPerSec: round((USERS / load.ms) * 1000, 0),
      concurrency: LOAD_CONCURRENCY,
    },
    runs,
  };
}
