import { BatchWriteCommand, DeleteCommand, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '#shared/db/client';
import { batchGetItems } from '#shared/db/batch-get';
import { isConditionFailed } from '#shared/db/items';
import { queryAll } from '#shared/db/query-all';
import { LOGIN_ACCOUNT_SK, LOGIN_IP_SK_PREFIX, loginAccountKey, loginCountersPartition, loginIpKey, type Key } from '#shared/db/keys';

/**
 * Brute-force counters: small items of their own, keyed by the identifier a login names (see
 * keys.ts), so a login reads and writes two fixed keys however many IPs have tried, and an unknown
 * identifier is counted exactly like a known one. Every write sets `ttl` (epoch seconds), and
 * every read ignores an expired item, since DynamoDB deletes them only lazily (within days).
 *
 * The account item: `attempts` reserved since the last correct password (from any IP), `last_at`
 * (epoch ms of the last reservation, for the backoff), `ips` (IP items it has counted, for the cap;
 * an upper bound). An IP item: `count` of attempts reserved from that IP.
 */
export interface CountersRef {
  connection: string;
  identifier: string;
  ip: string;
}

export interface AccountCounter {
  attempts: number;
  lastAt: number;
  ips: number;
}

/** What a login knows of its counters; an absent or expired item is undefined (expired ones flagged). */
export interface CounterState {
  account?: AccountCounter;
  accountExpired: boolean;
  ipCount?: number;
  ipExpired: boolean;
}

export interface IpCounter {
  ip: string;
  count: number;
}

export const counterKeys = (ref: CountersRef): Key[] => [loginAccountKey(ref.connection, ref.identifier), loginIpKey(ref.connection, ref.identifier, ref.ip)];

const alive = (item: Record<string, unknown> | undefined, nowSeconds: number) => item !== undefined && Number(item.ttl) >= nowSeconds;

/** The counters among items a login read (with its other keys), expired ones left out. */
export function countersIn(items: Record<string, unknown>[], ref: CountersRef, now: number): CounterState {
  const [accountKey, ipKey] = counterKeys(ref);
  const find = (key: Key) => items.find((i) => i.pk === key.pk && i.sk === key.sk);
  const account = find(accountKey!);
  const ip = find(ipKey!);
  const nowSeconds = Math.floor(now / 1000);
  return {
    account: alive(account, nowSeconds)
      ? { attempts: Number(account!.attempts ?? 0), lastAt: Number(account!.last_at ?? 0), ips: Number(account!.ips ?? 0) }
      : undefined,
    accountExpired: account !== undefined && !alive(account, nowSeconds),
    ipCount: alive(ip, nowSeconds) ? Number(ip!.count ?? 0) : undefined,
    ipExpired: ip !== undefined && !alive(ip, nowSeconds),
  };
}

/** The counters, read strongly consistently (a reservation that met a newer state than it read). */
export async function readCounters(ref: CountersRef, now: number): Promise<CounterState> {
  return countersIn(await batchGetItems(counterKeys(ref), { consistent: true }), ref, now);
}

/** How an account reservation may proceed, decided from the counters as read. */
export type AccountReservation = { countIp: boolean; cap: number } & (
  | { kind: 'free'; below: number }
  | { kind: 'after-wait'; seen: number }
  | { kind: 'restart' }
);

/**
 * Reserves an attempt on the account item (one conditional write): while free attempts remain,
 * only below that number (so concurrent attempts cannot exceed it); past it, only at the exact
 * count read (one attempt per backoff window). An expired item starts again at 1. False when
 * the condition failed: the item changed since it was read.
 */
export async function reserveAccount(ref: CountersRef, plan: AccountReservation, now: number, ttlSeconds: number): Promise<boolean> {
  const nowSeconds = Math.floor(now / 1000);
  const common = { ':one': 1, ':ip': plan.countIp ? 1 : 0, ':now': now, ':ttl': nowSeconds + ttlSeconds, ':nowSeconds': nowSeconds };
  const key = { TableName: tableName, Key: loginAccountKey(ref.connection, ref.identifier), ExpressionAttributeNames: { '#ttl': 'ttl' } };
  if (plan.kind === 'restart') {
    // An expired item DynamoDB has not deleted yet counts as none: start again at 1.
    return conditionally({
      ...key, UpdateExpression: 'SET attempts = :one, ips = :ip, last_at = :now, #ttl = :ttl', ConditionExpression: '#ttl < :nowSeconds',
      ExpressionAttributeValues: common,
    });
  }
  const capped = plan.countIp ? ' AND (attribute_not_exists(ips) OR ips < :cap)' : '';
  const live = `(${plan.kind === 'free' ? 'attempts < :below' : 'attempts = :seen'} AND #ttl >= :nowSeconds${capped})`;
  return conditionally({
    ...key,
    UpdateExpression: 'SET attempts = if_not_exists(attempts, :zero) + :one, ips = if_not_exists(ips, :zero) + :ip, last_at = :now, #ttl = :ttl',
    ConditionExpression: plan.kind === 'free' ? `attribute_not_exists(attempts) OR ${live}` : live,
    ExpressionAttributeValues: {
      ...common, ':zero': 0, ...(plan.countIp ? { ':cap': plan.cap } : {}),
      ...(plan.kind === 'free' ? { ':below': plan.below } : { ':seen': plan.seen }),
    },
  });
}

/**
 * Reserves an attempt on the IP's item, only below `limit`; an item the login saw expired starts
 * again at 1. Returns whether it was reserved, and whether a live item existed (already counted).
 * A revived expired item may or may not still be counted: it is taken as not, so `ips` errs high.
 */
export async function reserveIp(
  ref: CountersRef, limit: number, sawExpired: boolean, now: number, ttlSeconds: number,
): Promise<{ reserved: boolean; existed: boolean }> {
  const nowSeconds = Math.floor(now / 1000);
  const key = { TableName: tableName, Key: loginIpKey(ref.connection, ref.identifier, ref.ip), ExpressionAttributeNames: { '#count': 'count', '#ttl': 'ttl' } };
  if (sawExpired) {
    const reserved = await conditionally({
      ...key, UpdateExpression: 'SET #count = :one, #ttl = :ttl', ConditionExpression: '#ttl < :nowSeconds',
      ExpressionAttributeValues: { ':one': 1, ':ttl': nowSeconds + ttlSeconds, ':nowSeconds': nowSeconds },
    });
    return { reserved, existed: false };
  }
  try {
    const out = await db.send(
      new UpdateCommand({
        ...key,
        UpdateExpression: 'SET #count = if_not_exists(#count, :zero) + :one, #ttl = :ttl',
        ConditionExpression: 'attribute_not_exists(#count) OR (#count < :limit AND #ttl >= :nowSeconds)',
        ExpressionAttributeValues: { ':zero': 0, ':one': 1, ':limit': limit, ':ttl': nowSeconds + ttlSeconds, ':nowSeconds': nowSeconds },
        ReturnValues: 'UPDATED_OLD',
      }),
    );
    return { reserved: true, existed: out.Attributes?.count !== undefined };
  } catch (error) {
    if (isConditionFailed(error)) return { reserved: false, existed: true };
    throw error;
  }
}

/** Gives back an account reservation the IP's counter refused (and the IP it counted, if any). */
export async function releaseAccount(ref: CountersRef, attempts: number, ips: number): Promise<void> {
  await conditionally({
    TableName: tableName,
    Key: loginAccountKey(ref.connection, ref.identifier),
    UpdateExpression: 'ADD attempts :attempts, ips :ips',
    ConditionExpression: 'attribute_exists(attempts)',
    ExpressionAttributeValues: { ':attempts': -attempts, ':ips': -ips },
  });
}

/**
 * A correct password: the identifier's account-wide count starts again, and this IP's counter goes
 * (uncounted from the cap). Two writes, in parallel.
 */
export async function clearAttempts(ref: CountersRef, ipCounted: boolean, now: number, ttlSeconds: number): Promise<void> {
  await Promise.all([
    conditionally({
      TableName: tableName,
      Key: loginAccountKey(ref.connection, ref.identifier),
      UpdateExpression: 'SET attempts = :zero, #ttl = :ttl ADD ips :ips',
      ConditionExpression: 'attribute_exists(attempts)',
      ExpressionAttributeNames: { '#ttl': 'ttl' },
      ExpressionAttributeValues: { ':zero': 0, ':ttl': Math.floor(now / 1000) + ttlSeconds, ':ips': ipCounted ? -1 : 0 },
    }),
    ipCounted ? db.send(new DeleteCommand({ TableName: tableName, Key: loginIpKey(ref.connection, ref.identifier, ref.ip) })) : undefined,
  ]);
}

/**
 * The live per-IP counters of an identifier: one Query of its partition, which holds at most
 * LOGIN_TRACKED_IPS IP items (plus a few from concurrent first attempts) and the account item.
 */
export async function listIpCounters(connection: string, identifier: string, now: number): Promise<IpCounter[]> {
  const nowSeconds = Math.floor(now / 1000);
  return (await partitionItems(connection, identifier))
    .filter((item) => String(item.sk).startsWith(LOGIN_IP_SK_PREFIX) && alive(item, nowSeconds))
    .map((item) => ({ ip: String(item.sk).slice(LOGIN_IP_SK_PREFIX.length), count: Number(item.count ?? 0) }));
}

/** Forgets every counter of an identifier (an unblock, a password reset, a deleted user). */
export async function deleteCounters(connection: string, identifier: string): Promise<void> {
  const keys = (await partitionItems(connection, identifier)).map((item) => ({ pk: item.pk, sk: item.sk }));
  // The account item last: until it goes, `ips` still counts the IP items left.
  keys.sort((a, b) => Number(a.sk === LOGIN_ACCOUNT_SK) - Number(b.sk === LOGIN_ACCOUNT_SK));
  for (let i = 0; i < keys.length; i += 25) {
    let pending: Record<string, unknown>[] = keys.slice(i, i + 25).map((Key) => ({ DeleteRequest: { Key } }));
    for (let round = 0; pending.length > 0; round++) {
      if (round > 0) await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** Math.min(round, 6)));
      const out = await db.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
      pending = (out.UnprocessedItems?.[tableName] as Record<string, unknown>[] | undefined) ?? [];
    }
  }
}

const partitionItems = (connection: string, identifier: string) =>
  queryAll({
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': loginCountersPartition(connection, identifier) },
    ConsistentRead: true,
  });

async function conditionally(input: UpdateCommandInput): Promise<boolean> {
  try {
    await db.send(new UpdateCommand(input));
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}
