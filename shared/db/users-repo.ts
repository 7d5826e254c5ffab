import {
  BatchGetCommand,
  GetCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { db, itemFromError, tableName } from '#shared/db/client';
import { emailClaimKey, emailPartition, USER_PROFILE_SK, userKey, usernameClaimKey, type Key } from '#shared/db/keys';
import { buildUserUpdate } from '#shared/db/user-update-expression';
import {
  ForbiddenError,
  NoIdentityInConnectionError,
  MetadataLimitError,
  UserExistsError,
  UserNotFoundError,
  VersionMismatchError,
} from '#shared/errors';
import type { MetadataStore } from '#shared/metadata/rules';
import type { UserChanges } from '#shared/users/changes';
import type { UserRecord } from '#shared/users/model';

/**
 * Users in DynamoDB: the profile item plus one claim item per unique identifier (email and
 * username, per connection). Multi-item writes are transactions; condition failures become
 * domain errors here and go no further.
 */
const conditionFailed = (e: unknown) => (e as Error).name === 'ConditionalCheckFailedException';
const transactionCanceled = (e: unknown) => (e as Error).name === 'TransactionCanceledException';
const tooLarge = (e: unknown) =>
  (e as Error).name === 'ValidationException' && /item size has exceeded/i.test((e as Error).message);

function claimKeys(user: Pick<UserRecord, 'email' | 'username' | 'connection'>): Key[] {
  const keys = [emailClaimKey(user.email, user.connection)];
  if (user.username) keys.push(usernameClaimKey(user.username, user.connection));
  return keys;
}

const claimItem = (key: Key, user: UserRecord) => ({ ...key, user_id: user.user_id });

function fromItem(item: Record<string, unknown> | undefined): UserRecord | undefined {
  if (!item) return undefined;
  const { pk: _pk, sk: _sk, ...user } = item;
  return user as unknown as UserRecord;
}

export async function insertUser(user: UserRecord): Promise<void> {
  const notExists = 'attribute_not_exists(pk)';
  try {
    await db.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: tableName, Item: { ...userKey(user.user_id), ...user }, ConditionExpression: notExists } },
          ...claimKeys(user).map((key) => ({
            Put: { TableName: tableName, Item: claimItem(key, user), ConditionExpression: notExists },
          })),
        ],
      }),
    );
  } catch (error) {
    if (transactionCanceled(error)) throw new UserExistsError();
    if (tooLarge(error)) throw new MetadataLimitError('The user is larger than DynamoDB allows (400 KB).');
    throw error;
  }
}

export async function findUser(userId: string): Promise<UserRecord | undefined> {
  const out = await db.send(new GetCommand({ TableName: tableName, Key: userKey(userId), ConsistentRead: true }));
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
    if (conditionFailed(error)) throw explainFailedUpdate(fromItem(itemFromError(error)), changes, maxKeys);
    if (tooLarge(error)) throw new MetadataLimitError('The user would be larger than DynamoDB allows (400 KB).');
    throw error;
  }
}

/** Which condition failed, told from the item as it was. */
function explainFailedUpdate(old: UserRecord | undefined, changes: UserChanges, maxKeys: number): Error {
  if (!old) return new UserNotFoundError();
  if (changes.expectedVersions?.length && !changes.expectedVersions.includes(old.version)) return new VersionMismatchError();
  if (changes.expectedConnection !== undefined && changes.expectedConnection !== old.connection) {
    return new NoIdentityInConnectionError(changes.expectedConnection);
  }
  const userMetadataSets = changes.metadata.user_metadata?.set ?? [];
  const existing = userMetadataSets.find(([key]) => Object.hasOwn(old.user_metadata, key));
  if (changes.createOnlyUserMetadata && existing) {
    return new ForbiddenError(
      `user_metadata.${existing[0]} exists; create:current_user_metadata may only add keys (replacing needs update:current_user_metadata)`,
    );
  }
  for (const store of ['user_metadata', 'app_metadata'] as MetadataStore[]) {
    const sets = changes.metadata[store]?.set ?? [];
    const added = sets.filter(([key]) => !Object.hasOwn(old[store], key)).length;
    if (added > 0 && Object.keys(old[store]).length + added > maxKeys) {
      return new MetadataLimitError(`${store} would have more than ${maxKeys} keys; the limit is ${maxKeys} (METADATA_MAX_KEYS).`);
    }
  }
  return new VersionMismatchError();
}

/**
 * A change that moves a unique identifier (email, username): the profile update (at the version
 * read), the new claims and the release of the old ones commit together or not at all.
 */
export async function updateUserAndClaims(before: UserRecord, after: UserRecord, changes: UserChanges, now: string, maxKeys: number): Promise<void> {
  const oldClaims = claimKeys(before);
  const newClaims = claimKeys(after);
  const same = (a: Key, b: Key) => a.pk === b.pk && a.sk === b.sk;
  const added = newClaims.filter((k) => !oldClaims.some((o) => same(o, k)));
  const released = oldClaims.filter((k) => !newClaims.some((n) => same(n, k)));
  const update = buildUserUpdate({ ...changes, expectedVersions: [before.version] }, now, maxKeys);
  try {
    await db.send(
      new TransactWriteCommand({
        TransactItems: [
          { Update: { TableName: tableName, Key: userKey(before.user_id), ...update } },
          ...added.map((key) => ({
            Put: { TableName: tableName, Item: claimItem(key, after), ConditionExpression: 'attribute_not_exists(pk)' },
          })),
          ...released.map((key) => ({ Delete: { TableName: tableName, Key: key } })),
        ],
      }),
    );
  } catch (error) {
    if (!transactionCanceled(error)) throw error;
    const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
    const claimTaken = reasons.slice(1, 1 + added.length).some((r) => r.Code === 'ConditionalCheckFailed');
    throw claimTaken ? new UserExistsError() : new VersionMismatchError();
  }
}

/** Deletes the user and releases its claims, only at the version read. */
export async function deleteUser(user: UserRecord): Promise<void> {
  try {
    await db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Delete: {
              TableName: tableName,
              Key: userKey(user.user_id),
              ConditionExpression: '#version = :version',
              ExpressionAttributeNames: { '#version': 'version' },
              ExpressionAttributeValues: { ':version': user.version },
            },
          },
          ...claimKeys(user).map((key) => ({ Delete: { TableName: tableName, Key: key } })),
        ],
      }),
    );
  } catch (error) {
    if (transactionCanceled(error)) throw new VersionMismatchError();
    throw error;
  }
}

/** Users with this email in any connection: a strongly consistent Query of the email's claims, then a batch read. */
export async function findUsersByEmail(email: string): Promise<UserRecord[]> {
  const claims = await db.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': emailPartition(email) },
      ConsistentRead: true,
    }),
  );
  const ids = (claims.Items ?? []).map((c) => String(c.user_id));
  const users: UserRecord[] = [];
  let keys: Record<string, unknown>[] = ids.map((id) => ({ ...userKey(id) }));
  while (keys.length > 0) {
    const out = await db.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys, ConsistentRead: true } } }));
    for (const item of out.Responses?.[tableName] ?? []) users.push(fromItem(item)!);
    keys = out.UnprocessedKeys?.[tableName]?.Keys ?? [];
  }
  return users.sort((a, b) => a.user_id.localeCompare(b.user_id));
}

/**
 * Every user, by Scan: the cost grows with the table. It serves the unfiltered list until the
 * search issue brings indexed queries.
 */
export async function scanUsers(): Promise<UserRecord[]> {
  const users: UserRecord[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: 'sk = :profile',
        ExpressionAttributeValues: { ':profile': USER_PROFILE_SK },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) users.push(fromItem(item)!);
    start = page.LastEvaluatedKey;
  } while (start);
  return users;
}
