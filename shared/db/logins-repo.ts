import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '#shared/db/client';
import { isConditionFailed, withoutKeys } from '#shared/db/items';
import { emailClaimKey, USER_PROFILE_SK, userPartition, userStatsKey, usernameClaimKey } from '#shared/db/keys';
import type { UserRecord } from '#shared/users/model';

/**
 * What a login reads and writes about a user, priced for logins: the profile, the login stats and
 * the brute-force counters share the user's partition, so one Query (≤ 4 KB: 0.5 RCU eventually
 * consistent) reads them all; a successful login writes the small stats item (1 WCU).
 */
export interface LoginStats {
  logins_count: number;
  last_login?: string;
  last_ip?: string;
}

/** Failed (or in-flight) logins from one IP; at the threshold the (user, IP) pair is blocked. */
export interface FailedLogins {
  ip: string;
  count: number;
}

export interface UserPartition {
  user: UserRecord;
  stats: LoginStats;
  failures: FailedLogins[];
}

/**
 * Failure counters are attributes of the stats item, one per IP (`FAILED#<ip>`): a login reads
 * them with the profile, and a successful login clears its IP's counter in the same write that
 * counts the login.
 */
const FAILURES_PREFIX = 'FAILED#';
const failuresAttribute = (ip: string) => `${FAILURES_PREFIX}${ip}`;

/** The user id an email (or username) names in a connection, from its uniqueness claim. */
export async function findUserIdByIdentifier(
  connection: string,
  identifier: { email?: string; username?: string },
  consistent: boolean,
): Promise<string | undefined> {
  const key = identifier.email !== undefined ? emailClaimKey(identifier.email, connection) : usernameClaimKey(identifier.username!, connection);
  const out = await db.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: consistent }));
  return out.Item ? String(out.Item.user_id) : undefined;
}

export async function findUserPartition(userId: string, consistent: boolean): Promise<UserPartition | undefined> {
  const out = await db.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': userPartition(userId) },
      ConsistentRead: consistent,
    }),
  );
  const items = out.Items ?? [];
  const profile = items.find((i) => i.sk === USER_PROFILE_SK);
  if (!profile) return undefined;
  const stats = items.find((i) => i.sk === 'STATS') ?? {};
  return {
    user: withoutKeys<UserRecord>(profile),
    stats: { logins_count: Number(stats.logins_count ?? 0), last_login: stats.last_login, last_ip: stats.last_ip },
    failures: Object.entries(stats)
      .filter(([name]) => name.startsWith(FAILURES_PREFIX))
      .map(([name, count]) => ({ ip: name.slice(FAILURES_PREFIX.length), count: Number(count) })),
  };
}

/**
 * Reserves one login attempt from `ip` before the password is checked: the counter goes up only
 * while it is below `limit`, so however many attempts run at once, at most `limit` are checked
 * before the pair is blocked. Returns false when it is blocked. A success clears the counter.
 */
export async function reserveLoginAttempt(userId: string, ip: string, limit: number): Promise<boolean> {
  try {
    await db.send(
      new UpdateCommand({
        TableName: tableName,
        Key: userStatsKey(userId),
        UpdateExpression: 'ADD #failed :one',
        ConditionExpression: 'attribute_not_exists(#failed) OR #failed < :limit',
        ExpressionAttributeNames: { '#failed': failuresAttribute(ip) },
        ExpressionAttributeValues: { ':one': 1, ':limit': limit },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/** A successful login: count it and clear this IP's failure counter, in one write. */
export async function recordLogin(userId: string, ip: string, now: string): Promise<void> {
  await db.send(
    new UpdateCommand({
      TableName: tableName,
      Key: userStatsKey(userId),
      UpdateExpression: 'ADD logins_count :one SET last_login = :now, last_ip = :ip REMOVE #failed',
      ExpressionAttributeNames: { '#failed': failuresAttribute(ip) },
      ExpressionAttributeValues: { ':one': 1, ':now': now, ':ip': ip },
    }),
  );
}

/** The password was right but the login did not complete (a rule denied it): release the slot. */
export const releaseLoginAttempt = (userId: string, ip: string) => clearFailedLogins(userId, [{ ip, count: 0 }]);

/** The keys of the user's login items, for deleting the user. */
export const loginItemKeys = (partition: UserPartition) => [userStatsKey(partition.user.user_id)];

/** Every failure counter of the user, cleared: an unblock or a password reset. */
export async function clearFailedLogins(userId: string, failures: FailedLogins[]): Promise<void> {
  for (let i = 0; i < failures.length; i += 50) {
    const batch = failures.slice(i, i + 50);
    await db.send(
      new UpdateCommand({
        TableName: tableName,
        Key: userStatsKey(userId),
        UpdateExpression: `REMOVE ${batch.map((_, j) => `#f${j}`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(batch.map((f, j) => [`#f${j}`, failuresAttribute(f.ip)])),
      }),
    );
  }
}
