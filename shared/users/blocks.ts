import { clearFailedLogins, findUserPartition } from '#shared/db/logins-repo';
import { UserNotFoundError } from '#shared/errors';
import { BLOCK_THRESHOLD } from '#shared/login/authenticate';

/**
 * Brute-force blocks, as Auth0's user-blocks API shows them: the (identifier, IP) pairs refused
 * after too many consecutive failed logins. Unblocking forgets every failure counter of the user.
 */
export interface UserBlocks {
  blocked_for: { identifier: string; ip: string; connection: string }[];
}

async function partitionOf(userId: string) {
  const partition = await findUserPartition(userId, true);
  if (!partition) throw new UserNotFoundError();
  return partition;
}

export async function userBlocks(userId: string): Promise<UserBlocks> {
  const { user, failures } = await partitionOf(userId);
  return {
    blocked_for: failures
      .filter((f) => f.count >= BLOCK_THRESHOLD)
      .map((f) => ({ identifier: user.email, ip: f.ip, connection: user.connection })),
  };
}

export async function unblockUser(userId: string): Promise<void> {
  const { user, failures } = await partitionOf(userId);
  await clearFailedLogins(user.user_id, failures);
}
