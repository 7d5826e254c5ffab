import { deleteCounters, listIpCounters } from '#shared/db/login-counters-repo';
import { findUserPartition } from '#shared/db/logins-repo';
import { UserNotFoundError } from '#shared/management/errors';
import { BLOCK_THRESHOLD } from '#shared/tenant/attack-protection';
import type { UserRecord } from '#shared/management/users/model';

/**
 * Brute-force blocks, as Auth0's user-blocks API shows them: the (identifier, IP) pairs refused
 * after too many consecutive failed logins. Counters are kept per identifier a login may name (the
 * user's email, and username where the connection has them); unblocking forgets all of them,
 * the account-wide backoff included.
 */
export interface UserBlocks {
  blocked_for: { identifier: string; ip: string; connection: string }[];
}

async function userOf(userId: string): Promise<UserRecord> {
  const partition = await findUserPartition(userId, true);
  if (!partition) throw new UserNotFoundError();
  return partition.user;
}

/** The identifiers a login may name this user by. */
const identifiersOf = (user: UserRecord) => [user.email, user.username].filter((id): id is string => typeof id === 'string' && id !== '');

export async function userBlocks(userId: string): Promise<UserBlocks> {
  const user = await userOf(userId);
  const now = Date.now();
  const blocked_for: UserBlocks['blocked_for'] = [];
  for (const identifier of identifiersOf(user)) {
    for (const counter of await listIpCounters(user.connection, identifier, now)) {
      if (counter.count >= BLOCK_THRESHOLD) blocked_for.push({ identifier, ip: counter.ip, connection: user.connection });
    }
  }
  return { blocked_for };
}

export async function unblockUser(userId: string): Promise<void> {
  await forgetLoginCounters(await userOf(userId));
}

/**
 * Every brute-force counter of the user's identifiers, deleted: an unblock, a password reset, a
 * deleted user. At most LOGIN_TRACKED_IPS + 1 items per identifier (a few more after concurrent
 * first attempts), deleted 25 at a time; a failure leaves them to their TTL.
 */
export async function forgetLoginCounters(user: UserRecord): Promise<void> {
  await Promise.all(identifiersOf(user).map((identifier) => deleteCounters(user.connection, identifier)));
}
