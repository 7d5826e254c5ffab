import type { Caller } from '#shared/tenant/caller';
import { findUserPartition, loginItemKeys, type UserPartition } from '#shared/db/logins-repo';
import { connectionByName } from '#shared/tenant/connections';
import { ConnectionNotFoundError } from '#shared/tenant/errors';
import { customDbMode, type LegacyStore } from '#shared/tenant/custom-db';
import { managementScript } from '#shared/management/users/custom-db';
import { deleteUser as deleteUserRecord } from '#shared/db/users-repo';
import { VersionMismatchError } from '#shared/management/errors';
import { log } from '#shared/platform/log';
import { loadSearchIndexes } from '#shared/management/search-indexes/declarations';
import { indexChanges } from '#shared/management/search-indexes/writes';
import { assertCanDelete } from '#shared/management/users/access';
import { forgetLoginCounters } from '#shared/management/user-blocks/blocks';
import { idWithoutProvider, indexedUser, type UserRecord } from '#shared/management/users/model';
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
export async function removeUser(caller: Caller, userId: string, expectedVersions: number[] | undefined, legacy: LegacyStore): Promise<void> {
  assertCanDelete(caller, userId);
  const partition = await findUserPartition(userId, true);
  if (partition) await deleteFromLegacyStore(legacy, partition.user, expectedVersions);
  await deleteUserById(userId, expectedVersions, { partition });
}

/**
 * A user of a custom database connection without import mode is deleted from the legacy store
 * first (`deleteUser(id)`, the id without `auth0|`, as Auth0 passes it): if the script fails,
 * nothing is deleted here. An If-Match that cannot match is refused before the script runs.
 * (Deleting a connection deletes its users here only, with no script: connections/delete-job.ts.)
 */
async function deleteFromLegacyStore(legacy: LegacyStore, user: UserRecord, expectedVersions: number[] | undefined): Promise<void> {
  const connection = await connectionByName(user.connection).catch((error: unknown) => {
    // Its connection's deletion has begun: no script runs, and the user can still go.
    if (error instanceof ConnectionNotFoundError) return undefined;
    throw error;
  });
  if (!connection || customDbMode(connection) !== 'legacy') return;
  if (expectedVersions && !expectedVersions.includes(user.version)) throw new VersionMismatchError();
  await managementScript(() => legacy.delete(connection, idWithoutProvider(user.user_id)));
}

/**
 * The deletion itself, without a caller: the users of a deleted connection go this way
 * (management/connections/delete-job.ts). `read` is the user's partition as the caller just read
 * it, used by the first attempt.
 */
export async function deleteUserById(userId: string, expectedVersions?: number[], read?: { partition: UserPartition | undefined }): Promise<void> {
  let deleted: UserRecord | undefined;
  let first = read;
  await retryingOnRaces({ expectedVersions }, async () => {
    const partition = first ? first.partition : await findUserPartition(userId, true);
    first = undefined;
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
