import { config } from '#shared/platform/config';
import { findUserPartition, type LoginStats } from '#shared/db/logins-repo';
import { indexEntryPartition } from '#shared/db/keys';
import { queryEntries } from '#shared/db/index-entries-repo';
import { fetchListedUsers, findUserIdsByEmail, type ListedUser } from '#shared/db/users-repo';
import { scanUsers } from '#shared/management/users/store';
import { InvalidPagingError, ListBudgetExceededError, ListTooLargeError, SearchBudgetExceededError, SearchTooBroadError, UserNotFoundError } from '#shared/management/errors';
import type { Query } from '#shared/management/search/ast';
import { compileQuery } from '#shared/management/search/compile';
import { matches } from '#shared/management/search/evaluate';
import { findCandidates } from '#shared/management/search/execute';
import { isMetadataPath } from '#shared/management/search/fields';
import { planQuery, type Plan } from '#shared/management/search/plan';
import { compareText } from '#shared/management/search/values';
import { loadSearchIndexes } from '#shared/management/search-indexes/declarations';
import type { SearchIndex } from '#shared/management/search-indexes/model';
import type { Caller } from '#shared/tenant/caller';
import { assertCanRead } from '#shared/management/users/access';
import { toWireUser, type UserRecord } from '#shared/management/users/model';
import type { ListUsersQuery } from '#shared/management/users/schemas';

/** Reads: by id (one strongly consistent GetItem), by email, and the unfiltered list. */
/** The user with its login statistics: one strongly consistent Query of the user's partition. */
export async function getUser(caller: Caller, userId: string): Promise<{ user: UserRecord; stats: LoginStats }> {
  assertCanRead(caller, userId);
  const partition = await findUserPartition(userId, true);
  if (!partition) throw new UserNotFoundError();
  return partition;
}

/**
 * Users by email, with their login statistics as GET by id and the list show them: the claims'
 * Query, then one BatchGetItem of each user's profile and statistics (strongly consistent, as
 * Auth0 promises this lookup is).
 */
export const usersByEmail = async (email: string): Promise<ListedUser[]> => fetchListedUsers(await findUserIdsByEmail(email));

/** Auth0 serves at most the first 1,000 results of a list or search. */
export const RESULT_WINDOW = 1000;

export interface UserPage {
  /** Users in Auth0's wire form (with login statistics), sorted and paged. */
  users: Record<string, unknown>[];
  /** All matches; computed when include_totals asks for it (or when it comes free). */
  total?: number;
}

/**
 * The list, or with `q` Auth0's v3 search, answered from the indexes when they can narrow it
 * (see shared/management/search/plan.ts), else by a Scan bounded by LIST_SCAN_BUDGET. Index entries are
 * written with the users and read strongly consistently, so results follow writes at once. The
 * cost model is in docs/search.md ("How search costs").
 */
export async function listUsers(query: ListUsersQuery, budget = config.LIST_SCAN_BUDGET): Promise<UserPage> {
  const indexes = await loadSearchIndexes();
  const declared = new Set(indexes.filter((index) => index.type !== undefined).map((index) => index.path));
  const search = query.q?.trim() ? compileQuery(query.q, { allowPatternsOn: (path) => declared.has(path) }) : undefined;
  if (query.page * query.per_page + query.per_page > RESULT_WINDOW) throw new InvalidPagingError();
  const [field, order] = (query.sort ?? 'created_at:1').split(':') as [string, string];
  const sort: Sort = { field, direction: order === '-1' ? -1 : 1 };
  const window = { start: query.page * query.per_page, size: query.per_page };
  const filter = withConnection(search, query.connection);
  const byCreation = indexes.find((index) => index.path === 'created_at' && index.status === 'ready');

  if (!filter && byCreation && sort.field === 'created_at' && !query.include_totals) {
    return { users: await usersOf(await firstCreated(byCreation, sort.direction, window)) };
  }
  const planned = filter
    ? planQuery(filter, indexes)
    : { plan: byCreation && allUsersPlan(byCreation), exact: true, unindexed: ['created_at'] };
  if (!planned.plan) return pageOf(await scanForSearch(filter, budget, planned.unindexed), filter, sort, window);

  const found = await findCandidates(planned.plan, config.SEARCH_INDEX_BUDGET, (read) => {
    throw tooManyEntries(filter, read);
  });
  // Exact and in creation order: the entries say everything but the page's users.
  if (planned.exact && found.complete && sort.field === 'created_at') {
    const ids = [...found.ids].sort(([a, ca], [b, cb]) => sort.direction * (compareText(ca, cb) || compareText(a, b)));
    return { users: await usersOf(ids.slice(window.start, window.start + window.size).map(([id]) => id)), total: ids.length };
  }
  if (found.ids.size > budget) throw tooManyCandidates(filter, found.ids.size, sort, budget);
  return pageOf(await fetchListedUsers([...found.ids.keys()]), filter, sort, window);
}

function tooManyEntries(filter: Query | undefined, read: number): Error {
  const limit = config.SEARCH_INDEX_BUDGET;
  if (!filter) {
    return new ListTooLargeError(`Counting users (include_totals) reads one index entry per user, and this tenant has more than ${limit} (SEARCH_INDEX_BUDGET). List without include_totals, or search with q.`);
  }
  return new SearchTooBroadError(`The query reads more than ${limit} index entries (SEARCH_INDEX_BUDGET; ${read} so far); add a more selective term on an indexed field`);
}

function tooManyCandidates(filter: Query | undefined, candidates: number, sort: Sort, budget: number): Error {
  if (!filter) {
    return new ListTooLargeError(`Sorting by ${sort.field} reads every user, and this tenant has more than ${budget} (LIST_SCAN_BUDGET). Sort by created_at, or search with q.`);
  }
  return new SearchTooBroadError(
    `The indexed terms match ${candidates} users, more than one request checks or sorts (LIST_SCAN_BUDGET ${budget}); add a more selective term on an indexed field, or sort by created_at`,
  );
}

interface Sort {
  field: string;
  direction: 1 | -1;
}

/** Auth0's `connection` filter is a term on the user's identities (a database user has one). */
function withConnection(search: Query | undefined, connection: string | undefined): Query | undefined {
  if (connection === undefined) return search;
  const term: Query = { kind: 'term', field: 'identities.connection', value: { kind: 'exact', text: connection } };
  return search ? { kind: 'and', clauses: [search, term] } : term;
}

/** Every user: each has one created_at entry. */
const allUsersPlan = (index: SearchIndex): Plan => ({
  kind: 'lookup', index, compareAs: 'date', ranges: [{ all: true }],
  term: { kind: 'term', field: 'created_at', value: { kind: 'exists' } },
});

/**
 * A page of the plain list in creation order without reading every entry: each shard's first
 * `start + size` entries in that order hold the page (entries sort by created_at, then user id).
 */
async function firstCreated(index: SearchIndex, direction: 1 | -1, window: { start: number; size: number }): Promise<string[]> {
  const heads = await Promise.all(
    Array.from({ length: index.shards }, (_, shard) =>
      queryEntries(indexEntryPartition(index.path, index.generation, shard), { all: true }, {
        limit: window.start + window.size,
        forward: direction === 1,
      }),
    ),
  );
  const entries = heads.flatMap((head) => head.entries).sort((a, b) => direction * compareText(a.sk, b.sk));
  return entries.slice(window.start, window.start + window.size).map((entry) => entry.u);
}

async function usersOf(ids: readonly string[]): Promise<Record<string, unknown>[]> {
  return (await fetchListedUsers(ids)).map(({ user, stats }) => toWireUser(user, stats));
}

/** Without an index: every user, if the table is within the budget. */
async function scanForSearch(filter: Query | undefined, budget: number, unindexed: readonly string[]): Promise<ListedUser[]> {
  return scanUsers(budget).catch((error: unknown) => {
    if (filter && error instanceof ListBudgetExceededError) throw new SearchBudgetExceededError(budget, unindexed, adviceFor(unindexed));
    throw error;
  });
}

/** What would let an index answer: declare the metadata paths; root fields without an index need an indexed companion. */
function adviceFor(unindexed: readonly string[]): string {
  const metadata = unindexed.filter(isMetadataPath);
  const root = unindexed.filter((path) => !isMetadataPath(path));
  const advice: string[] = [];
  if (metadata.length > 0) advice.push(`Declare an index on ${metadata.join(', ')} (POST /api/v2/search-indexes)`);
  if (root.length > 0) {
    advice.push(`${root.join(', ')} ${root.length === 1 ? 'is' : 'are'} not indexed: combine ${root.length === 1 ? 'it' : 'them'} with AND and a term on an indexed field`);
  }
  return `${advice.join('. ')}.`;
}

/** Matches, sorted and paged in memory, for users read by a scan or fetched to be checked. */
function pageOf(rows: ListedUser[], filter: Query | undefined, sort: Sort, window: { start: number; size: number }): UserPage {
  const wire = rows.map(({ user, stats }) => toWireUser(user, stats));
  const all = filter ? wire.filter((user) => matches(filter, user)) : wire;
  all.sort((a, b) => sort.direction * (compare(a[sort.field], b[sort.field]) || compareText(String(a.user_id), String(b.user_id))));
  return { users: all.slice(window.start, window.start + window.size), total: all.length };
}

/** Missing values sort last in either direction's natural order; numbers and strings by value. */
function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === undefined || a === null) return 1;
  if (b === undefined || b === null) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return compareText(String(a), String(b));
}
