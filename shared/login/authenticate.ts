import { connectionByName } from '#shared/connections/connections';
import type { ConnectionRecord } from '#shared/db/connections-repo';
import {
  findUserIdByIdentifier,
  findUserPartition,
  releaseLoginAttempt,
  reserveLoginAttempt,
  type UserPartition,
} from '#shared/db/logins-repo';
import { ConnectionNotFoundError, OAuthError } from '#shared/errors';
import { log } from '#shared/log';
import { hashPassword, verifyPassword } from '#shared/passwords/hash';

/**
 * Email (or username) and password against a database connection, as Auth0 answers it.
 *
 * Reads are eventually consistent (half the price) and confirmed with a strongly consistent read
 * only when they miss or the password does not match, so a user who just signed up or changed
 * their password is never refused because of a stale read.
 *
 * Brute-force protection: each attempt from an IP reserves a slot in that IP's failure counter
 * before the password is checked (a conditional write), so at most BLOCK_THRESHOLD attempts can
 * ever be checked, even all at once; a success clears the counter. A blocked (user, IP) pair is
 * refused until unblocked (user-blocks API) or the password is reset.
 */
export const BLOCK_THRESHOLD = 10;
/** Longer identifiers cannot exist (emails ≤ 254, usernames ≤ 128) and must not become keys. */
const MAX_IDENTIFIER_LENGTH = 512;

const wrongCredentials = () => new OAuthError(403, 'invalid_grant', 'Wrong email or password.');
const tooManyAttempts = () =>
  new OAuthError(
    429,
    'too_many_attempts',
    'Your account has been blocked after multiple consecutive login attempts. We’ve sent you an email with instructions on how to unblock it.',
  );
export const userBlocked = () => new OAuthError(401, 'unauthorized', 'user is blocked');

/** A hash to verify against when the user does not exist, so timing does not reveal that. */
let decoyHash: Promise<string> | undefined;

export interface PasswordLogin {
  connection: ConnectionRecord;
  partition: UserPartition;
}

export async function authenticatePassword(realm: string, username: string, password: string, ip: string): Promise<PasswordLogin> {
  const connection = await connectionByName(realm).catch((error: unknown) => {
    if (error instanceof ConnectionNotFoundError) throw new OAuthError(400, 'invalid_request', `The connection ${realm} does not exist`);
    throw error;
  });
  const partition = username.length <= MAX_IDENTIFIER_LENGTH ? await findPartition(connection, username) : undefined;
  if (!partition?.user.password_hash) {
    await verifyPassword(await (decoyHash ??= hashPassword('decoy password')), password);
    throw wrongCredentials();
  }
  const userId = partition.user.user_id;
  // The read may be stale; the reservation is authoritative.
  const seen = partition.failures.find((f) => f.ip === ip);
  if ((seen && seen.count >= BLOCK_THRESHOLD) || !(await reserveLoginAttempt(userId, ip, BLOCK_THRESHOLD))) {
    throw tooManyAttempts();
  }
  const current = (await passwordMatches(partition, password)) ?? (await confirmWithStrongRead(partition, password));
  if (!current) {
    if ((seen?.count ?? 0) + 1 >= BLOCK_THRESHOLD) log.warn('login blocked after failed attempts', { user_id: userId, ip });
    throw wrongCredentials();
  }
  if (current.user.blocked === true) {
    await releaseLoginAttempt(userId, ip);
    throw userBlocked();
  }
  return { connection, partition: current };
}

/**
 * The user an identifier names: an email, or a username on a connection that has them (a
 * username may contain '@', so that is tried when no email matches).
 */
async function findPartition(connection: ConnectionRecord, identifier: string): Promise<UserPartition | undefined> {
  const candidates: { email?: string; username?: string }[] = [];
  if (identifier.includes('@')) candidates.push({ email: identifier });
  if (connection.options.requires_username === true) candidates.push({ username: identifier });
  for (const candidate of candidates) {
    const userId =
      (await findUserIdByIdentifier(connection.name, candidate, false)) ??
      (await findUserIdByIdentifier(connection.name, candidate, true));
    if (userId) return (await findUserPartition(userId, false)) ?? (await findUserPartition(userId, true));
  }
  return undefined;
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
