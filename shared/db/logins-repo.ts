import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '#shared/db/client';
import { withoutKeys } from '#shared/db/items';
import { type Key, SSO_SESSION_SK_PREFIX, USER_PROFILE_SK, userPartition, userStatsKey } from '#shared/db/keys';
import { batchGetItems } from '#shared/db/batch-get';
import type { UserRecord } from '#shared/management/users/model';

/**
 * What a login reads and writes about a user, priced for logins: the profile and the login stats
 * share the user's partition, so one Query (≤ 4 KB: 0.5 RCU eventually consistent) reads both; a
 * successful login writes the small stats item (1 WCU). Brute-force counters are items of their
 * own (login-counters-repo.ts), read with the identifier's claims in one BatchGetItem.
 */
export interface LoginStats {
  logins_count: number;
  last_login?: string;
  last_ip?: string;
}

export interface UserPartition {
  user: UserRecord;
  stats: LoginStats;
  /**
   * The user's browser SSO sessions, as the same Query returns them (they live in the user's
   * partition): their key and start, so a new login can keep their number bounded.
   */
  ssoSessions?: SsoSessionRef[];
}

export interface SsoSessionRef {
  sk: string;
  auth_time: number;
}

export async function findUserPartition(userId: string, consistent: boolean): Promise<UserPartition | undefined> {
  return partitionOf(await readUserPartitionItems(userId, consistent));
}

/** Every item of the user's partition, in one Query (profile, statistics, SSO sessions). */
export async function readUserPartitionItems(userId: string, consistent: boolean): Promise<Record<string, unknown>[]> {
  const out = await db.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': userPartition(userId) },
      ConsistentRead: consistent,
    }),
  );
  return out.Items ?? [];
}

/** The user, their statistics and their SSO sessions among a partition's items; undefined without a profile. */
export function partitionOf(items: Record<string, unknown>[]): UserPartition | undefined {
  const profile = items.find((i) => i.sk === USER_PROFILE_SK);
  if (!profile) return undefined;
  const stats = (items.find((i) => i.sk === 'STATS') ?? {}) as { logins_count?: unknown; last_login?: string; last_ip?: string };
  return {
    user: withoutKeys<UserRecord>(profile),
    stats: { logins_count: Number(stats.logins_count ?? 0), last_login: stats.last_login, last_ip: stats.last_ip },
    ssoSessions: ssoSessionRefs(items),
  };
}

/**
 * The first read of a login: the identifier's uniqueness claims and its brute-force counters, in
 * one eventually consistent BatchGetItem, whether or not the identifier exists. (Whether the
 * connection still stands rides on the extensions generation read: complete-login.ts.)
 */
export async function readLoginItems(claimKeys: Key[], counterKeys: Key[]): Promise<{ claims: (string | undefined)[]; items: Record<string, unknown>[] }> {
  const items = await batchGetItems([...claimKeys, ...counterKeys], { consistent: false });
  const claims = claimKeys.map((key) => items.find((i) => i.pk === key.pk && i.sk === key.sk)?.user_id as string | undefined);
  return { claims, items };
}

/**
 * A claim read strongly consistently, by a Query of its key (so a refused unknown identifier makes
 * the same requests as a refused known user, whose confirmation is a Query of its partition).
 */
export async function confirmClaim(key: Key): Promise<string | undefined> {
  const out = await db.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk AND sk = :sk',
      ExpressionAttributeValues: { ':pk': key.pk, ':sk': key.sk },
      ConsistentRead: true,
    }),
  );
  const item = out.Items?.[0];
  return item ? String(item.user_id) : undefined;
}

/** A successful login: count it (last IP and time). */
export async function recordLogin(userId: string, ip: string, now: string): Promise<void> {
  await db.send(
    new UpdateCommand({
      TableName: tableName,
      Key: userStatsKey(userId),
      UpdateExpression: 'ADD logins_count :one SET last_login = :now, last_ip = :ip',
      ExpressionAttributeValues: { ':one': 1, ':now': now, ':ip': ip },
    }),
  );
}

/** The keys of the user's login items, for deleting the user (its counters go by identifier). */
export const loginItemKeys = (partition: UserPartition) => [userStatsKey(partition.user.user_id)];

/** The SSO session items among a user partition's items. */
export function ssoSessionRefs(items: Record<string, unknown>[]): SsoSessionRef[] {
  return items
    .filter((i) => typeof i.sk === 'string' && i.sk.startsWith(SSO_SESSION_SK_PREFIX))
    .map((i) => ({ sk: i.sk as string, auth_time: Number(i.auth_time ?? 0) }));
}
