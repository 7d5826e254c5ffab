import { BatchWriteCommand, GetCommand, PutCommand, QueryCommand, ScanCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '#shared/db/client';
import { attributeIs, isConditionFailed, withoutKeys } from '#shared/db/items';
import { conditionFailedAt } from '#shared/db/transactions';
import { jobKey, USER_PROFILE_SK, userKey, type Key } from '#shared/db/keys';
import type { JobRecord, PageStart } from '#shared/management/jobs/model';
import type { IndexEntry } from '#shared/management/search-indexes/entries';
import type { UserRecord } from '#shared/management/users/model';

/**
 * Job items, and the passes over the table that jobs make: a segmented Scan of the user profiles,
 * index entries written beside a user only at the version read, and the deletion of a whole
 * entry partition. Job items themselves are first written with their index declaration
 * (search-indexes-repo.ts), in one transaction.
 */
export async function findJob(id: string): Promise<JobRecord | undefined> {
  const out = await db.send(new GetCommand({ TableName: tableName, Key: jobKey(id), ConsistentRead: true }));
  return out.Item ? withoutKeys<JobRecord>(out.Item) : undefined;
}

/** Replaces the job read at `revision`; false if another runner saved it since (it owns the job now). */
export async function saveJob(job: JobRecord, revision: number): Promise<boolean> {
  try {
    await db.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...jobKey(job.id), ...job },
        ...attributeIs('revision', revision),
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

export interface ProfilePage {
  users: UserRecord[];
  /** Items the page examined (profiles and everything else). */
  scanned: number;
  next?: PageStart;
}

/** One page of one Scan segment, profiles only, strongly consistent (a user written before the scan is seen). */
export async function scanProfiles(segment: number, segments: number, start: PageStart | undefined, limit: number): Promise<ProfilePage> {
  const page = await db.send(
    new ScanCommand({
      TableName: tableName,
      Segment: segment,
      TotalSegments: segments,
      ConsistentRead: true,
      FilterExpression: 'sk = :profile',
      ExpressionAttributeValues: { ':profile': USER_PROFILE_SK },
      ExclusiveStartKey: start,
      Limit: limit,
    }),
  );
  return {
    users: (page.Items ?? []).map((item) => withoutKeys<UserRecord>(item)),
    scanned: page.ScannedCount ?? 0,
    ...(page.LastEvaluatedKey ? { next: page.LastEvaluatedKey } : {}),
  };
}

/** Whether the table holds any user: pages through the Scan until a profile turns up or the table ends. */
export async function hasUserProfiles(): Promise<boolean> {
  let start: PageStart | undefined;
  do {
    const page = await db.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: 'sk = :profile',
        ExpressionAttributeValues: { ':profile': USER_PROFILE_SK },
        ProjectionExpression: 'pk',
        ExclusiveStartKey: start,
      }),
    );
    if ((page.Items ?? []).length > 0) return true;
    start = page.LastEvaluatedKey;
  } while (start);
  return false;
}

/** Items per transaction: DynamoDB's 100, less the condition check on the user. */
const ENTRIES_PER_TRANSACTION = 99;

/**
 * Writes a user's entries only while the user is at the version they were computed from (a
 * condition check on the profile in each transaction). False when the user changed or is gone:
 * its writer keeps the entries, and the caller reads the user again.
 */
export async function putEntriesAtVersion(user: Pick<UserRecord, 'user_id' | 'version'>, entries: readonly IndexEntry[]): Promise<boolean> {
  for (let i = 0; i < entries.length; i += ENTRIES_PER_TRANSACTION) {
    try {
      await db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              ConditionCheck: {
                TableName: tableName,
                Key: userKey(user.user_id),
                ...attributeIs('version', user.version),
              },
            },
            ...entries.slice(i, i + ENTRIES_PER_TRANSACTION).map((entry) => ({ Put: { TableName: tableName, Item: { ...entry } } })),
          ],
        }),
      );
    } catch (error) {
      // The user changed (its writer keeps the entries from here): read it again. Any other
      // cancellation (a conflict, throttling, an invalid item) is an error the runner retries or reports.
      if (conditionFailedAt(error, 0)) return false;
      throw error;
    }
  }
  return true;
}

export interface KeyPage {
  keys: Key[];
  next?: PageStart;
}

/** One page of a partition's keys. */
export async function queryPartitionKeys(pk: string, start: PageStart | undefined, limit: number): Promise<KeyPage> {
  const page = await db.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ProjectionExpression: 'pk, sk',
      ExclusiveStartKey: start,
      Limit: limit,
    }),
  );
  return {
    keys: (page.Items ?? []).map((item) => ({ pk: String(item.pk), sk: String(item.sk) })),
    ...(page.LastEvaluatedKey ? { next: page.LastEvaluatedKey } : {}),
  };
}

const BATCH_WRITE_MAX = 25;
const MAX_BACKOFF_MS = 2_000;

/** Deletes the items, 25 per BatchWriteItem, retrying what DynamoDB left unprocessed (with backoff). */
export async function deleteItems(keys: readonly Key[]): Promise<void> {
  for (let i = 0; i < keys.length; i += BATCH_WRITE_MAX) {
    let pending = keys.slice(i, i + BATCH_WRITE_MAX).map((key) => ({ DeleteRequest: { Key: { pk: key.pk, sk: key.sk } } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await new Promise((done) => setTimeout(done, Math.min(MAX_BACKOFF_MS, 50 * 2 ** attempt)));
      const out = await db.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
      pending = (out.UnprocessedItems?.[tableName] ?? []) as typeof pending;
    }
  }
}
