import { connectionByName } from '#shared/connections/connections';
import type { ConnectionRecord } from '#shared/db/connections-repo';
import { findUserIdByIdentifier, findUserPartition, recordFailedLogin, type UserPartition } from '#shared/db/logins-repo';
import { OAuthError } from '#shared/errors';
import { log } from '#shared/log';
import { hashPassword, verifyPassword } from '#shared/passwords/hash';

/**
 * Email (or username) and password against a database connection, as Auth0 answers it.
 *
 * Reads are eventually consistent (half the price) and confirmed with a strongly consistent read
 * only when they miss or the password does not match, so a user who just signed up or changed
 * their password is never refused because of a stale read. Brute-force protection: after
 * BLOCK_THRESHOLD consecutive failures from one IP, that (user, IP) pair is refused before the
 * password is even checked, until unblocked (user-blocks API) or the password is reset.
 */
export const BLOCK_THRESHOLD = 10;

const wrongCredentials = () => new OAuthError(403, 'invalid_grant', 'Wrong email or password.');
const tooManyAttempts = () =>
  new OAuthError(
    429,
    'too_many_attempts',
    'Your account has been blocked after multiple consecutive login attempts. We’ve sent you an email with instructions on how to unblock it.',
  );

/** A hash to verify against when the user does not exist, so timing does not reveal that. */
let decoyHash: Promise<string> | undefined;

export interface PasswordLogin {
  connection: ConnectionRecord;
  partition: UserPartition;
}

export async function authenticatePassword(realm: string, username: string, password: string, ip: string): Promise<PasswordLogin> {
  const connection = await connectionByName(realm).catch(() => {
    throw new OAuthError(400, 'invalid_request', `The connection ${realm} does not exist`);
  });
  const identifier = username.includes('@') ? { email: username } : { username };
  const partition = await findPartition(connection.name, identifier);
  if (!partition?.user.password_hash) {
    await verifyPassword(await (decoyHash ??= hashPassword('decoy password')), password);
    throw wrongCredentials();
  }
  const failures = partition.failures.find((f) => f.ip === ip);
  if (failures && failures.count >= BLOCK_THRESHOLD) throw tooManyAttempts();
  const current = (await passwordMatches(partition, password)) ?? (await confirmWithStrongRead(partition, password));
  if (!current) {
    const count = await recordFailedLogin(partition.user.user_id, ip, new Date().toISOString());
    if (count === BLOCK_THRESHOLD) log.warn('login blocked', { user_id: partition.user.user_id, ip, failures: count });
    throw wrongCredentials();
  }
  if (current.user.blocked === true) throw new OAuthError(401, 'unauthorized', 'user is blocked');
  return { connection, partition: current };
}

async function findPartition(connection: string, identifier: { email?: string; username?: string }): Promise<UserPartition | undefined> {
  const userId =
    (await findUserIdByIdentifier(connection, identifier, false)) ?? (await findUserIdByIdentifier(connection, identifier, true));
  if (!userId) return undefined;
  return (await findUserPartition(userId, false)) ?? (await findUserPartition(userId, true));
}

async function passwordMatches(partition: UserPartition, password: string): Promise<UserPartition | undefined> {
  const hash = partition.user.password_hash;
  return hash && (await verifyPassword(hash, password)) ? partition : undefined;
}

/** The eventually consistent read may predate a password change: look again before refusing. */
async function confirmWithStrongRead(stale: UserPartition, password: string): Promise<UserPartition | undefined> {
  const fresh = await findUserPartition(stale.user.user_id, true);
  if (!fresh || fresh.user.password_hash === stale.user.password_hash) return undefined;
  return passwordMatches(fresh, password);
}
