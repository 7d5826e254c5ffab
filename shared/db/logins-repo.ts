import { DeleteCommand, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '#shared/db/client';
import { withoutKeys } from '#shared/db/items';
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

/** Failed logins from one IP; at BLOCK_THRESHOLD the (user, IP) pair is blocked. */
export interface FailedLogins {
  ip: string;
  count: number;
  last_failure: string;
}

export interface UserPartition {
  user: UserRecord;
  stats: LoginStats;
  failures: FailedLogins[];
}

const FAILURES_PREFIX = 'FAILED#';
const failuresKey = (userId: string, ip: string) => ({ pk: userPartition(userId), sk: `${FAILURES_PREFIX}${ip}` });

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
  const stats = items.find((i) => i.sk === 'STATS');
  return {
    user: withoutKeys<UserRecord>(profile),
    stats: stats ? withoutKeys<LoginStats>(stats) : { logins_count: 0 },
    failures: items.filter((i) => String(i.sk).startsWith(FAILURES_PREFIX)).map((i) => withoutKeys<FailedLogins>(i)),
  };
}

/** A successful login: count it, and forget this IP's failures if it had any. */
export async function recordLogin(userId: string, ip: string, now: string, hadFailures: boolean): Promise<void> {
  await Promise.all([
    db.send(
      new UpdateCommand({
        TableName: tableName,
        Key: userStatsKey(userId),
        UpdateExpression: 'ADD logins_count :one SET last_login = :now, last_ip = :ip',
        ExpressionAttributeValues: { ':one': 1, ':now': now, ':ip': ip },
      }),
    ),
    hadFailures ? db.send(new DeleteCommand({ TableName: tableName, Key: failuresKey(userId, ip) })) : undefined,
  ]);
}

/** A failed login from `ip`; returns the count after it. */
export async function recordFailedLogin(userId: string, ip: string, now: string): Promise<number> {
  const out = await db.send(
    new UpdateCommand({
      TableName: tableName,
      Key: failuresKey(userId, ip),
      UpdateExpression: 'ADD #count :one SET ip = :ip, last_failure = :now',
      ExpressionAttributeNames: { '#count': 'count' },
      ExpressionAttributeValues: { ':one': 1, ':ip': ip, ':now': now },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  return Number(out.Attributes?.count ?? 1);
}

/** The keys of the user's login items (stats and failure counters), for deleting the user. */
export const loginItemKeys = (partition: UserPartition) => [
  userStatsKey(partition.user.user_id),
  ...partition.failures.map((f) => failuresKey(partition.user.user_id, f.ip)),
];

/** Every failure counter of the user (blocked or not), deleted: an unblock or a password reset. */
export async function clearFailedLogins(userId: string, failures: FailedLogins[]): Promise<void> {
  await Promise.all(failures.map((f) => db.send(new DeleteCommand({ TableName: tableName, Key: failuresKey(userId, f.ip) }))));
}
