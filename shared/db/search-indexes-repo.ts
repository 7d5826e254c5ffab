import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '#shared/db/client';
import { attributeIs, isConditionFailed, withoutKeys } from '#shared/db/items';
import { isTransactionCanceled } from '#shared/db/transactions';
import { jobKey, ROOT_INDEX_KEY, SEARCH_INDEX_SK_PREFIX, SEARCH_INDEXES_PK, searchIndexKey, type Key } from '#shared/db/keys';
import { queryAll } from '#shared/db/query-all';

/** Re-exported for test/bench/search-run.ts (not mine to edit); the key shape lives in keys.ts. */
import type { DeclaredType, IndexStatus } from '#shared/management/search-indexes/model';

/**
 * Search index declarations, all in one partition: writers and the planner load them with one
 * Query. The root-field index has an item too (`ROOT`): its status says whether the users that
 * existed before root indexing have entries yet.
 */
export interface StoredIndex {
  path: string;
  type: DeclaredType;
  status: IndexStatus;
  generation: string;
  shards: number;
  mixed: boolean;
  created_at: string;
  /** The backfill job that builds it. */
  job_id: string;
  /**
   * Writers keep its entries from this time (ISO), when every writer knows it: before, a writer
   * that does not know it could change a value without moving an entry written by one that does.
   */
  writes_from?: string;
}

export interface StoredRootIndex {
  status: IndexStatus;
  created_at: string;
  job_id?: string;
}

export interface IndexDeclarations {
  root: StoredRootIndex | undefined;
  declared: StoredIndex[];
}

export async function queryIndexDeclarations(): Promise<IndexDeclarations> {
  const items = await queryAll({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': SEARCH_INDEXES_PK }, ConsistentRead: true });
  const root = items.find((item) => item.sk === ROOT_INDEX_KEY.sk);
  return {
    root: root ? withoutKeys<StoredRootIndex>(root) : undefined,
    declared: items.filter((item) => String(item.sk).startsWith(SEARCH_INDEX_SK_PREFIX)).map((item) => withoutKeys<StoredIndex>(item)),
  };
}

/** A job item as the jobs module stores it (opaque here). */
export type JobItem = Record<string, unknown> & { id: string };

/** Writes a declaration (or the root item) and the job that builds it, together; false if it exists already. */
export async function insertIndexDeclaration(key: Key, declaration: StoredIndex | StoredRootIndex, job: JobItem | undefined): Promise<boolean> {
  try {
    await db.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: tableName, Item: { ...key, ...declaration }, ConditionExpression: 'attribute_not_exists(pk)' } },
          ...(job ? [{ Put: { TableName: tableName, Item: { ...jobKey(job.id), ...job }, ConditionExpression: 'attribute_not_exists(pk)' } }] : []),
        ],
      }),
    );
    return true;
  } catch (error) {
    if (isTransactionCanceled(error)) return false;
    throw error;
  }
}

/** Removes a declaration of this generation and writes the job that deletes its entries; false if it is gone or was declared again. */
export async function deleteIndexDeclaration(path: string, generation: string, job: JobItem): Promise<boolean> {
  try {
    await db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Delete: {
              TableName: tableName,
              Key: searchIndexKey(path),
              ...attributeIs('generation', generation),
            },
          },
          { Put: { TableName: tableName, Item: { ...jobKey(job.id), ...job }, ConditionExpression: 'attribute_not_exists(pk)' } },
        ],
      }),
    );
    return true;
  } catch (error) {
    if (isTransactionCanceled(error)) return false;
    throw error;
  }
}

/** The backfill is done (jobs): only the generation it built; false if the path was deleted or declared again. */
export async function markIndexReady(path: string, generation: string, mixed: boolean): Promise<boolean> {
  return conditionalUpdate({
    Key: searchIndexKey(path),
    UpdateExpression: 'SET #status = :ready, #mixed = :mixed',
    ConditionExpression: '#generation = :generation',
    ExpressionAttributeNames: { '#status': 'status', '#mixed': 'mixed', '#generation': 'generation' },
    ExpressionAttributeValues: { ':ready': 'ready', ':mixed': mixed, ':generation': generation },
  });
}

/** The root backfill is done (jobs): only if the root item still names this job. */
export async function markRootIndexReady(jobId: string): Promise<boolean> {
  return conditionalUpdate({
    Key: ROOT_INDEX_KEY,
    UpdateExpression: 'SET #status = :ready',
    ConditionExpression: '#job = :job',
    ExpressionAttributeNames: { '#status': 'status', '#job': 'job_id' },
    ExpressionAttributeValues: { ':ready': 'ready', ':job': jobId },
  });
}

async function conditionalUpdate(input: Omit<ConstructorParameters<typeof UpdateCommand>[0], 'TableName'>): Promise<boolean> {
  try {
    await db.send(new UpdateCommand({ TableName: tableName, ...input }));
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}
