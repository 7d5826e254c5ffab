import type { Caller } from '#shared/auth/caller';
import { findUserPartition, loginItemKeys } from '#shared/db/logins-repo';
import { deleteUser as deleteUserRecord } from '#shared/db/users-repo';
import { VersionMismatchError } from '#shared/errors';
import { loadSearchIndexes } from '#shared/search-index/declarations';
import { indexChanges } from '#shared/search-index/writes';
import { assertCanDelete } from '#shared/users/access';
import { retryingOnRaces } from '#shared/users/preconditions';

/**
 * DELETE /api/v2/users/{id}: the profile goes at the version read, and the user's email and
 * username claims and its search index entries go in the same transaction. Deleting a user that does not exist succeeds
 * (Auth0 answers 204 there too), unless If-Match names a version, which a missing user cannot
 * have. A concurrent write without If-Match is retried on fresh data, not reported.
 */
export async function removeUser(caller: Caller, userId: string, expectedVersions: number[] | undefined): Promise<void> {
  assertCanDelete(caller, userId);
  await retryingOnRaces({ expectedVersions }, async () => {
    const partition = await findUserPartition(userId, true);
    if (!partition) {
      if (expectedVersions) throw new VersionMismatchError();
      return;
    }
    if (expectedVersions && !expectedVersions.includes(partition.user.version)) throw new VersionMismatchError();
    const entries = indexChanges(partition.user, undefined, await loadSearchIndexes()).remove;
    await deleteUserRecord(partition.user, [...loginItemKeys(partition), ...entries]);
  });
}
