import { putEntriesAtVersion, scanProfiles } from '#shared/db/jobs-repo';
import { markIndexReady, markRootIndexReady, queryIndexDeclarations } from '#shared/db/search-indexes-repo';
import { findUser } from '#shared/db/users-repo';
import { JobFailedError } from '#shared/management/jobs/errors';
import { SCAN_SEGMENTS, type BackfillJob } from '#shared/management/jobs/model';
import { forEachLimit, sleep, type Step } from '#shared/management/jobs/steps';
import { toSearchIndexes } from '#shared/management/search-indexes/declarations';
import { entriesOf, userEntries, type IndexEntry } from '#shared/management/search-indexes/entries';
import { MAX_INDEX_ENTRIES_PER_USER, rootIndexes, type DeclaredType, type SearchIndex } from '#shared/management/search-indexes/model';
import { indexedUser, type UserRecord } from '#shared/management/users/model';

/**
 * Gives the users that existed before an index their entries. It starts once every writer knows
 * the index (the job's not_before), so a user written after the declaration has its entries from
 * its writer; the backfill writes a user's entries only at the version it read (a writer that
 * changed the user since wrote them itself), reading the user again when that check fails.
 * One step is one Scan page of one of SCAN_SEGMENTS segments, taken one after the other.
 */
const PAGE_ITEMS = 500;
const USERS_IN_FLIGHT = 8;
/** A user that keeps changing is left to its writers, which keep its entries. */
const ATTEMPTS_PER_USER = 20;

interface Target {
  indexes: SearchIndex[];
  /** The other indexes users hold entries of (for the per-user limit). */
  others: SearchIndex[];
  /** Declared indexes: values of another type are counted. */
  type?: DeclaredType;
  /** Marks the index ready; false if it was deleted or declared again meanwhile. */
  markReady: (mixed: boolean) => Promise<boolean>;
}

const DELETED = 'The index was deleted before its backfill ended.';

export async function backfillStep(job: BackfillJob): Promise<Step<BackfillJob>> {
  const target = await targetOf(job);
  if (!target) return { kind: 'done', job: { ...job, status_details: DELETED } };
  if (job.cursor.segment >= SCAN_SEGMENTS) return finish(job, target);

  const { segment, start } = job.cursor;
  const page = await scanProfiles(segment, SCAN_SEGMENTS, start, PAGE_ITEMS);
  let mismatches = 0;
  await forEachLimit(page.users, USERS_IN_FLIGHT, async (user) => {
    // Not `mismatches += await …`: that reads the sum before the await and loses concurrent additions.
    const found = await indexUser(user, target);
    mismatches += found;
  });
  const segmentScanned = job.scanned_segment + page.scanned;
  const next: BackfillJob = {
    ...job,
    processed_users: job.processed_users + page.users.length,
    type_mismatches: job.type_mismatches + mismatches,
    ...(page.next
      ? { cursor: { segment, start: page.next }, scanned_segment: segmentScanned }
      : { cursor: { segment: segment + 1 }, scanned_done: job.scanned_done + segmentScanned, scanned_segment: 0 }),
  };
  return next.cursor.segment >= SCAN_SEGMENTS ? finish(next, target) : { kind: 'progress', job: next };
}

async function finish(job: BackfillJob, target: Target): Promise<Step<BackfillJob>> {
  const marked = await target.markReady(job.type_mismatches > 0);
  return { kind: 'done', job: marked ? job : { ...job, status_details: DELETED } };
}

/** What the job builds, as declared now; undefined once the declaration is gone or belongs to another job. */
async function targetOf(job: BackfillJob): Promise<Target | undefined> {
  const declarations = await queryIndexDeclarations();
  const { root, declared } = declarations;
  const all = toSearchIndexes(declarations);
  const { path, generation } = job;
  if (path === undefined) {
    if (root?.job_id !== job.id) return undefined;
    return { indexes: rootIndexes('building'), others: all.filter((index) => index.type !== undefined), markReady: () => markRootIndexReady(job.id) };
  }
  const declaration = declared.find((d) => d.path === path && d.generation === generation);
  if (!declaration) return undefined;
  return {
    indexes: all.filter((index) => index.path === path),
    others: all.filter((index) => index.path !== path),
    type: declaration.type,
    markReady: (mixed) => markIndexReady(path, generation, mixed),
  };
}

/**
 * Writes one user's entries at the version read; returns how many of its values are not of the
 * declared type. A user whose version moved is read again: its writers keep only the entries
 * their own changes move, so skipping it would leave it out of the index for good.
 */
async function indexUser(scanned: UserRecord, target: Target): Promise<number> {
  let user: UserRecord | undefined = scanned;
  for (let attempt = 1; user; attempt++) {
    const entries = entriesFor(user, target);
    const mismatches = target.type ? typeMismatches(entries, target.type) : 0;
    if (entries.length === 0 || (await putEntriesAtVersion(user, entries))) return mismatches;
    if (attempt >= ATTEMPTS_PER_USER) {
      throw new JobFailedError(`User ${user.user_id} kept changing while it was being indexed; delete the index and declare it again.`);
    }
    await sleep(25 * attempt);
    user = await findUser(user.user_id);
  }
  return 0;
}

/**
 * The user's entries of the indexes being built. Its entries of every index together must stay
 * within what one user may hold (writers and deletes move them in one transaction).
 */
function entriesFor(user: UserRecord, target: Target): IndexEntry[] {
  const wire = indexedUser(user);
  const entries = target.indexes.flatMap((index) => entriesOf(index, wire, user.user_id, user.created_at));
  const total = userEntries(wire, [...target.others, ...target.indexes], false).length;
  if (total > MAX_INDEX_ENTRIES_PER_USER) {
    throw new JobFailedError(
      `User ${user.user_id} would hold ${total} indexed values; at most ${MAX_INDEX_ENTRIES_PER_USER} can be indexed per user. Change the user, then delete the index and declare it again.`,
    );
  }
  return entries;
}

/** Values that are not of the declared type (objects included): their entries make the index `mixed`. */
export function typeMismatches(entries: readonly Pick<IndexEntry, 'v'>[], type: DeclaredType): number {
  return entries.filter((entry) => entry.v === undefined || typeof entry.v !== type).length;
}
