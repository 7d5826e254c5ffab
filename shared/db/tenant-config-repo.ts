import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '#shared/db/client';
import { isConditionFailed } from '#shared/db/items';
import type { Key } from '#shared/db/keys';
import { ItemTooLargeError, WriteConflictError } from '#shared/db/errors';

/**
 * The tenant's own configuration items (branding, tenant settings, a prompt's partials): one
 * item each, holding the document under `value` (so no field of it can meet the table's keys) and
 * a `revision` that every write moves. A writer reads, merges and writes on the revision it read,
 * so two concurrent writers never lose each other's fields: the second one's write fails its
 * condition (WriteConflictError) and it reads again.
 */
export interface TenantConfigItem<T> {
  value: T | undefined;
  /** undefined when the item was never written. */
  revision: number | undefined;
}

/** One GetItem. The hot path reads eventually consistent (it is cached anyway); writers read strongly. */
export async function readTenantConfig<T>(key: Key, consistent: boolean): Promise<TenantConfigItem<T>> {
  const out = await db.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: consistent }));
  const item = out.Item as { value?: T; revision?: number } | undefined;
  return { value: item?.value, revision: item?.revision };
}

/** Writes `value` on the revision read (`undefined`: the item must not exist yet); returns the new revision. */
export async function writeTenantConfig<T extends object>(key: Key, value: T, readRevision: number | undefined): Promise<number> {
  const revision = (readRevision ?? 0) + 1;
  try {
    await db.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...key, kind: 'tenant_config', value, revision },
        ...(readRevision === undefined
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : {
              ConditionExpression: '#revision = :revision',
              ExpressionAttributeNames: { '#revision': 'revision' },
              ExpressionAttributeValues: { ':revision': readRevision },
            }),
      }),
    );
  } catch (error) {
    if (isConditionFailed(error)) throw new WriteConflictError();
    if ((error as Error).name === 'ValidationException' && /size.*exceeded/i.test((error as Error).message)) throw new ItemTooLargeError();
    throw error;
  }
  return revision;
}

/** Replaces the item whatever it held (a PUT with replace semantics); the revision still moves. */
export async function replaceTenantConfig<T extends object>(key: Key, value: T): Promise<void> {
  try {
    await db.send(
      new UpdateCommand({
        TableName: tableName,
        Key: key,
        UpdateExpression: 'SET #value = :value, #kind = :kind ADD #revision :one',
        ExpressionAttributeNames: { '#value': 'value', '#kind': 'kind', '#revision': 'revision' },
        ExpressionAttributeValues: { ':value': value, ':kind': 'tenant_config', ':one': 1 },
      }),
    );
  } catch (error) {
    if ((error as Error).name === 'ValidationException' && /size.*exceeded/i.test((error as Error).message)) throw new ItemTooLargeError();
    throw error;
  }
}
