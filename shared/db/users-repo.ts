import {
  GetCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { db, itemFromError, tableName } from '#shared/db/client';
import { batchGetItems } from '#shared/db/batch-get';
import { attributeIs, isConditionFailed, withoutKeys } from '#shared/db/items';
import { failedConditions, isTransactionCanceled } from '#shared/db/transactions';
import { emailClaimKey, emailPartition, USER_PROFILE_SK, USER_STATS_SK, userKey, userPartition, usernameClaimKey, type Key } from '#shared/db/keys';
import { buildUserUpdate } from '#shared/db/user-update-expression';
import { ConditionFailedError, ItemExistsError, ItemTooLargeError, ScanBudgetExceededError } from '#shared/db/errors';
import type { EntryChanges, IndexEntry } from '#shared/management/search-indexes/entries';
import type { UserChanges } from '#shared/management/users/changes';
import type { UserRecord } from '#shared/management/users/model';

/**
 * Users in DynamoDB: the profile item plus one claim item per unique identifier (email and
 * username, per connection). Multi-item writes are transactions; they fail with storage errors
 * (shared/db/errors.ts): a claim taken is ItemExistsError, a profile condition that did not hold
 * is ConditionFailedError (with the user as it was, when DynamoDB returns it); the domain decides
 * what that means (404, 409, 412, a limit, or a race to retry).
 */

const tooLarge = (e: unknown) =>
  (e as Error).name === 'ValidationException' && /item size has exceeded/i.test((e as Error).message);

function claimKeys(user: Pick<UserRecord, 'email' | 'username' | 'connection'>): Key[] {
  const keys = [emailClaimKey(user.email, user.connection)];
  if (user.username) keys.push(usernameClaimKey(user.username, user.connection));
  return keys;
}

const claimItem = (key: Key, user: UserRecord) => ({ ...key, user_id: user.user_id });

const fromItem = (item: Record<string, unknown> | undefined) => (item ? withoutKeys<UserRecord>(item) : undefined);

const entryWrites = ({ put, remove }: EntryChanges) => [
  ...put.map((entry) => ({ Put: { TableName: tableName, Item: entry } })),
  ...remove.map((key) => ({ Delete: { TableName: tableName, Key: key } })),
];

/**
 * The user, its claims and its search index entries, in one transaction. `liveConnection` (the
 * connection's small directory item) must exist and not be marked deleted, or nothing is written
 * (ConditionFailedError): a user cannot join a connection whose deletion has begun.
 */
export async function insertUser(user: UserRecord, entries: IndexEntry[], liveConnection?: Key): Promise<void> {
  const notExists = 'attribute_not_exists(pk)';
  const check = liveConnection
    ? [{ ConditionCheck: { TableName: tableName, Key: liveConnection, ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(deleted_at)' } }]
    : [];
  try {
    await db.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: tableName, Item: { ...userKey(user.user_id), ...user }, ConditionExpression: notExists } },
          ...claimKeys(user).map((key) => ({
            Put: { TableName: tableName, Item: claimItem(key, user), ConditionExpression: notExists },
          })),
          ...entryWrites({ put: entries, remove: [] }),
          ...check,
        ],
      }),
    );
  } catch (error) {
    if (check.length > 0 && failedConditions(error).at(-1) === true) throw new ConditionFailedError(undefined, false);
    if (isTransactionCanceled(error) && failedConditions(error).some(Boolean)) throw new ItemExistsError();
    if (tooLarge(error)) throw new ItemTooLargeError();
    throw error;
  }
}

/** Strongly consistent unless told otherwise (a caller that can retry a miss strongly saves half). */
export async function findUser(userId: string, consistent = true): Promise<UserRecord | undefined> {
  const out = await db.send(new GetCommand({ TableName: tableName, Key: userKey(userId), ConsistentRead: consistent }));
  return fromItem(out.Item);
}

/** One UpdateItem, conditional, returning the new user. */
export async function updateUser(userId: string, changes: UserChanges, now: string, maxKeys: number): Promise<UserRecord> {
  try {
    const out = await db.send(
      new UpdateCommand({
        TableName: tableName,
        Key: userKey(userId),
        ...buildUserUpdate(changes, now, maxKeys),
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return fromItem(out.Attributes)!;
  } catch (error) {
    if (isConditionFailed(error)) throw new ConditionFailedError(fromItem(itemFromError(error)), true);
    if (tooLarge(error)) throw new ItemTooLargeError();
    throw error;
  }
}

/**
 * A change that moves a unique identifier (email, username) or an indexed value: the profile
 * update (at the version read), the new claims and the release of the old ones, and the index
 * entries put and deleted commit together or not at all.
 */
export async function updateUserAndClaims(
  before: UserRecord,
  after: UserRecord,
  changes: UserChanges,
  now: string,
  entries: EntryChanges,
): Promise<void> {
  const oldClaims = claimKeys(before);
  const newClaims = claimKeys(after);
  const same = (a: Key, b: Key) => a.pk === b.pk && a.sk === b.sk;
  const added = newClaims.filter((k) => !oldClaims.some((o) => same(o, k)));
  const released = oldClaims.filter((k) => !newClaims.some((n) => same(n, k)));
  const update = buildUserUpdate({ ...changes, expectedVersions: [before.version], keyCountChecked: true }, now, 0);
  try {
    await db.send(
      new TransactWriteCommand({
        TransactItems: [
          { Update: { TableName: tableName, Key: userKey(before.user_id), ...update } },
          ...added.map((key) => ({
            Put: { TableName: tableName, Item: claimItem(key, after), ConditionExpression: 'attribute_not_exists(pk)' },
          })),
          ...released.map((key) => ({ Delete: { TableName: tableName, Key: key } })),
          ...entryWrites(entries),
        ],
      }),
    );
  } catch (error) {
    if (!isTransactionCanceled(error)) throw error;
    const [profileFailed, ...claimsFailed] = failedConditions(error);
    if (claimsFailed.slice(0, added.length).some(Boolean)) throw new ItemExistsError();
    if (profileFailed) throw new ConditionFailedError<UserRecord>(undefined, false);
    throw error;
  }
}

/**
 * Deletes the user and releases its claims, only at the version read. `alsoDelete`: the user's
 * other items (login stats, index entries) go in the same transaction.
 */
export async function deleteUser(user: UserRecord, alsoDelete: Key[] = []): Promise<void> {
  try {
    await db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Delete: {
              TableName: tableName,
              Key: userKey(user.user_id),
              ...attributeIs('version', user.version),
            },
          },
          ...[...claimKeys(user), ...alsoDelete].map((key) => ({ Delete: { TableName: tableName, Key: key } })),
        ],
      }),
    );
  } catch (error) {
    if (isTransactionCanceled(error) && failedConditions(error)[0]) throw new ConditionFailedError<UserRecord>(undefined, false);
    throw error;
  }
}

/** The ids of the users with this email in any connection, sorted: a strongly consistent Query of the email's claims. */
export async function findUserIdsByEmail(email: string): Promise<string[]> {
  const claims = await db.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': emailPartition(email) },
      ConsistentRead: true,
    }),
  );
  return (claims.Items ?? []).map((c) => String(c.user_id)).sort((a, b) => a.localeCompare(b));
}

/** A user with its login statistics, as lists and searches show them. */
export interface ListedUser {
  user: UserRecord;
  stats: { logins_count: number; last_login?: string; last_ip?: string };
}

const toStats = (item: Record<string, unknown> | undefined): ListedUser['stats'] =>
  item
    ? { logins_count: Number(item.logins_count ?? 0), last_login: item.last_login as string | undefined, last_ip: item.last_ip as string | undefined }
    : { logins_count: 0 };

/**
 * Users by id with their login statistics, in the order given (strongly consistent BatchGets of
 * profile and stats items); ids of users that no longer exist are left out.
 */
export async function fetchListedUsers(ids: readonly string[]): Promise<ListedUser[]> {
  const items = new Map<string, Record<string, unknown>>();
  const keyOf = (item: { pk?: unknown; sk?: unknown }) => `${String(item.pk)}\u0000${String(item.sk)}`;
  const all = ids.flatMap((id) => [userKey(id), { pk: userPartition(id), sk: USER_STATS_SK }]);
  for (const item of await batchGetItems(all, { consistent: true })) items.set(keyOf(item), item);
  return ids.flatMap((id) => {
    const profile = items.get(keyOf(userKey(id)));
    return profile ? [{ user: fromItem(profile)!, stats: toStats(items.get(keyOf({ pk: userPartition(id), sk: USER_STATS_SK }))) }] : [];
  });
}

/**
 * Every user with its login statistics, by Scan: the cost grows with the table (index entries
 * included), so the scan stops with ScanBudgetExceededError once it has examined more than
 * `budget` items. Lists and searches no index can narrow use it.
 */
const SCAN_PAGE_ITEMS = 2000;

export async function scanUsers(budget: number): Promise<ListedUser[]> {
  const profiles: UserRecord[] = [];
  const stats = new Map<string, ListedUser['stats']>();
  let examined = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: 'sk IN (:profile, :stats)',
        ExpressionAttributeValues: { ':profile': USER_PROFILE_SK, ':stats': USER_STATS_SK },
        ExclusiveStartKey: start,
        // Pages of at most 2,000 items: the same reads, and DynamoDB Local otherwise reads every
        // remaining row for each page (a 1.4 M-item Scan took 48 minutes instead of about one).
        Limit: Math.min(budget + 1 - examined, SCAN_PAGE_ITEMS),
      }),
    );
    examined += page.ScannedCount ?? 0;
    if (examined > budget) throw new ScanBudgetExceededError(budget);
    for (const item of page.Items ?? []) {
      if (item.sk === USER_PROFILE_SK) profiles.push(fromItem(item)!);
      else stats.set(String(item.pk), toStats(item));
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return profiles.map((user) => ({ user, stats: stats.get(userPartition(user.user_id)) ?? { logins_count: 0 } }));
}
