import { deleteUser as deleteUserRecord, findUser } from '#shared/db/users-repo';
import { VersionMismatchError } from '#shared/errors';

/**
 * DELETE /api/v2/users/{id}: releases the user's email and username in the same transaction.
 * Deleting a user that does not exist succeeds (Auth0 answers 204 there too), unless If-Match
 * names a version, which a missing user cannot have.
 */
export async function removeUser(userId: string, expectedVersions: number[] | undefined): Promise<void> {
  const user = await findUser(userId);
  if (!user) {
    if (expectedVersions) throw new VersionMismatchError();
    return;
  }
  if (expectedVersions && !expectedVersions.includes(user.version)) throw new VersionMismatchError();
  await deleteUserRecord(user);
}
