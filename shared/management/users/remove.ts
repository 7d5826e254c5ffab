import type { Caller } from '#shared/tenant/caller';
import { findUserPartition, loginItemKeys } from '#shared/db/logins-repo';
import { deleteUser as deleteUserRecord } from '#shared/db/users-repo';
import { VersionMismatchError } from '#shared/management/errors';
import { log } from '#shared/platform/log';
import { loadSearchIndexes } from '#shared/management/search-indexes/declarations';
import { indexChanges } from '#shared/management/search-indexes/writes';
import { assertCanDelete } from '#shared/management/users/access';
import { forgetLoginCounters } from '#shared/management/user-blocks/blocks';
import { indexedUser, type UserRecord } from '#shared/management/users/model';
import { retryingOnRaces } from '#shared/management/users/preconditions';

/**
 * DELETE /api/v2/users/{id}: the profile goes at the version read, and the user's email and
 * username claims and its search index entries go in the same transaction. Its brute-force
 * counters (keyed by identifier, up to LOGIN_TRACKED_IPS + 1 items each, too many for the
 * transaction) are deleted after it commits; if that fails, their TTL removes them. Deleting a
 * user that does not exist succeeds
 * (Auth0 answers 204 there too), unless If-Match names a version, which a missing user cannot
 * have. A concurrent write without If-Match is retried on fresh data, not reported.
 */
export async function removeUser(caller: Caller, userId: string, expectedVersions: number[] | undefined): Promise<void> {
  assertCanDelete(caller, userId);
  await deleteUserById(userId, expectedVersions);
}

/** The deletion itself, without a caller: the users of a deleted connection go this way (management/connections/delete-job.ts). */
export async function deleteUserById(userId: string, expectedVersions?: number[]): Promise<void> {
  let deleted: UserRecord | undefined;
  await retryingOnRaces({ expectedVersions }, async () => {
    const partition = await findUserPartition(userId, true);
    if (!partition) {
      if (expectedVersions) throw new VersionMismatchError();
      return;
    }
    if (expectedVersions && !expectedVersions.includes(partition.user.version)) throw new VersionMismatchError();
    const entries = indexChanges(indexedUser(partition.user), undefined, await loadSearchIndexes()).remove;
    await deleteUserRecord(partition.user, [...loginItemKeys(partition), ...entries]);
    deleted = partition.user;
  });
  // The user is gone: a failed clean-up must not say otherwise.
  if (deleted) {
    await forgetLoginCounters(deleted).catch((error: unknown) => {
      log.warn('brute-force counters of a deleted user left to expire', { user_id: userId, error: (error as Error).name });
    });
  }
}
