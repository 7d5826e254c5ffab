import { config } from '#shared/config';
import { findUserPartition, type LoginStats } from '#shared/db/logins-repo';
import { findUsersByEmail, scanUsers } from '#shared/db/users-repo';
import { InvalidPagingError, ListBudgetExceededError, SearchBudgetExceededError, UserNotFoundError } from '#shared/errors';
import { compileQuery } from '#shared/search/compile';
import { matches } from '#shared/search/evaluate';
import { fieldsOf } from '#shared/search/fields';
import type { Caller } from '#shared/auth/caller';
import { assertCanRead } from '#shared/users/access';
import { toWireUser, type UserRecord } from '#shared/users/model';
import type { ListUsersQuery } from '#shared/users/schemas';

/** Reads: by id (one strongly consistent GetItem), by email, and the unfiltered list. */
/** The user with its login statistics: one strongly consistent Query of the user's partition. */
export async function getUser(caller: Caller, userId: string): Promise<{ user: UserRecord; stats: LoginStats }> {
  assertCanRead(caller, userId);
  const partition = await findUserPartition(userId, true);
  if (!partition) throw new UserNotFoundError();
  return partition;
}

export const usersByEmail = (email: string) => findUsersByEmail(email);

/** Auth0 serves at most the first 1,000 results of a list or search. */
export const RESULT_WINDOW = 1000;

export interface UserPage {
  /** Users in Auth0's wire form (with login statistics), sorted and paged. */
  users: Record<string, unknown>[];
  total: number;
}

/**
 * The list, or with `q` Auth0's v3 search: every user examined (a Scan bounded by
 * LIST_SCAN_BUDGET) and matched in memory, so results are immediately consistent with writes.
 * Indexed search on declared paths comes with the search issue's second half.
 */
export async function listUsers(query: ListUsersQuery, budget = config.LIST_SCAN_BUDGET): Promise<UserPage> {
  const search = query.q?.trim() ? compileQuery(query.q) : undefined;
  if (query.page * query.per_page + query.per_page > RESULT_WINDOW) throw new InvalidPagingError();
  const rows = await scanUsers(budget, query.connection).catch((error: unknown) => {
    if (search && error instanceof ListBudgetExceededError) throw new SearchBudgetExceededError(budget, fieldsOf(search));
    throw error;
  });
  const wire = rows.map(({ user, stats }) => toWireUser(user, stats));
  const all = search ? wire.filter((user) => matches(search, user)) : wire;
  const [field, order] = (query.sort ?? 'created_at:1').split(':') as [string, string];
  const direction = order === '-1' ? -1 : 1;
  all.sort((a, b) => direction * compare(a[field], b[field]) || String(a.user_id).localeCompare(String(b.user_id)));
  const start = query.page * query.per_page;
  return { users: all.slice(start, start + query.per_page), total: all.length };
}

/** Missing values sort last in either direction's natural order; numbers and strings by value. */
function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === undefined || a === null) return 1;
  if (b === undefined || b === null) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : 1;
}
