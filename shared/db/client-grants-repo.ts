import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '#shared/db/client';
import { ConditionFailedError, StorageError, WriteConflictError } from '#shared/db/errors';
import { withoutKeys } from '#shared/db/items';
import { CLIENT_GRANTS_PK, clientGrantDirectoryKey, clientGrantKey, clientKey, resourceServerKey } from '#shared/db/keys';
import { queryAll } from '#shared/db/query-all';
import { cancellationReasons, isTransactionCanceled } from '#shared/db/transactions';
import type { ClientGrantRecord } from '#shared/db/clients-repo';

/**
 * Client grants. Each lives twice, always written together in one transaction: the hot-path item
 * in the client's partition (CLIENT#<id> / GRANT#<audience>, read with the client in one Query by
 * the token endpoint) and the directory item (CLIENT_GRANTS / GRANT#<id>) for lists and by-id access.
 */
export interface StoredClientGrant extends ClientGrantRecord {
  id: string;
}

/** Which condition of a grant's creation failed. */
export class GrantRefusedError extends StorageError {
  constructor(readonly reason: 'client_missing' | 'grant_exists' | 'api_missing') {
    super(`The client grant was not written: ${reason}`);
  }
}

/** The two Puts of a new grant, each refusing to overwrite (also used when a client is created with grants). */
export function newGrantPuts(grant: StoredClientGrant) {
  return [
    { Put: { TableName: tableName, Item: { ...clientGrantKey(grant.client_id, grant.audience), ...grant }, ConditionExpression: 'attribute_not_exists(pk)' } },
    { Put: { TableName: tableName, Item: { ...clientGrantDirectoryKey(grant.id), ...grant }, ConditionExpression: 'attribute_not_exists(pk)' } },
  ];
}

/**
 * Writes a grant if its client exists and, for a custom API (`apiId`), if that API exists: the
 * API's revision moves too, so an API delete that listed its grants before this one retries.
 */
export async function insertClientGrant(grant: StoredClientGrant, apiId: string | undefined): Promise<void> {
  try {
    await db.send(
      new TransactWriteCommand({
        TransactItems: [
          { ConditionCheck: { TableName: tableName, Key: clientKey(grant.client_id), ConditionExpression: 'attribute_exists(pk)' } },
          ...newGrantPuts(grant),
          ...(apiId
            ? [
                {
                  Update: {
                    TableName: tableName,
                    Key: resourceServerKey(apiId),
                    UpdateExpression: 'SET #revision = #revision + :one',
                    ConditionExpression: 'attribute_exists(pk)',
                    ExpressionAttributeNames: { '#revision': 'revision' },
                    ExpressionAttributeValues: { ':one': 1 },
                  },
                },
              ]
            : []),
        ],
      }),
    );
  } catch (error) {
    if (!isTransactionCanceled(error)) throw error;
    const reasons = cancellationReasons(error).map((code) => code === 'ConditionalCheckFailed');
    if (reasons[0]) throw new GrantRefusedError('client_missing');
    if (reasons[1] || reasons[2]) throw new GrantRefusedError('grant_exists');
    if (reasons[3]) throw new GrantRefusedError('api_missing');
    throw new WriteConflictError();
  }
}

export async function findClientGrant(id: string): Promise<StoredClientGrant | undefined> {
  const out = await db.send(new GetCommand({ TableName: tableName, Key: clientGrantDirectoryKey(id), ConsistentRead: true }));
  return out.Item ? withoutKeys<StoredClientGrant>(out.Item) : undefined;
}

/** Every grant of the tenant, in id order (one Query of the directory). */
export async function listClientGrants(): Promise<StoredClientGrant[]> {
  const items = await queryAll({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': CLIENT_GRANTS_PK } });
  return items.map((item) => withoutKeys<StoredClientGrant>(item));
}

/** The hot-path item of (client, audience), read strongly (the seed adopts it). */
export async function findGrantItem(clientId: string, audience: string): Promise<ClientGrantRecord | undefined> {
  const out = await db.send(new GetCommand({ TableName: tableName, Key: clientGrantKey(clientId, audience), ConsistentRead: true }));
  return out.Item ? withoutKeys<ClientGrantRecord>(out.Item) : undefined;
}

/**
 * Sets a grant's scopes (and `extra` attributes) on both items, if both still exist and, when
 * `expectedScope` is given, the hot-path item still holds it: ConditionFailedError otherwise.
 */
export async function setClientGrantScope(
  grant: StoredClientGrant,
  scope: string[],
  options: { expectedScope?: string[]; seeded_scopes?: string[] } = {},
): Promise<void> {
  const set = (expected: boolean) => ({
    TableName: tableName,
    UpdateExpression: `SET #scope = :scope${options.seeded_scopes ? ', #seeded = :seeded' : ''}`,
    ConditionExpression: `attribute_exists(pk)${expected ? ' AND #scope = :expected' : ''}`,
    ExpressionAttributeNames: { '#scope': 'scope', ...(options.seeded_scopes ? { '#seeded': 'seeded_scopes' } : {}) },
    ExpressionAttributeValues: {
      ':scope': scope,
      ...(options.seeded_scopes ? { ':seeded': options.seeded_scopes } : {}),
      ...(expected ? { ':expected': options.expectedScope } : {}),
    },
  });
  try {
    await db.send(
      new TransactWriteCommand({
        TransactItems: [
          { Update: { ...set(options.expectedScope !== undefined), Key: clientGrantKey(grant.client_id, grant.audience) } },
          { Update: { ...set(false), Key: clientGrantDirectoryKey(grant.id) } },
        ],
      }),
    );
  } catch (error) {
    if (!isTransactionCanceled(error)) throw error;
    if (cancellationReasons(error).includes('ConditionalCheckFailed')) throw new ConditionFailedError(undefined, false);
    throw new WriteConflictError();
  }
}

/** Removes both items of a grant (nothing when already gone). */
export async function deleteClientGrant(grant: StoredClientGrant): Promise<void> {
  await db.send(
    new TransactWriteCommand({
      TransactItems: [
        { Delete: { TableName: tableName, Key: clientGrantKey(grant.client_id, grant.audience) } },
        { Delete: { TableName: tableName, Key: clientGrantDirectoryKey(grant.id) } },
      ],
    }),
  );
}

/**
 * Gives a grant item written before grants had ids (the seeded Management client's) its id and
 * directory item, if it still has no id: ConditionFailedError when it went or has one.
 */
export async function adoptGrantItem(grant: StoredClientGrant): Promise<void> {
  try {
    await db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: tableName,
              Key: clientGrantKey(grant.client_id, grant.audience),
              UpdateExpression: 'SET #id = :id, #scope = :scope, #seeded = :seeded',
              ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#id)',
              ExpressionAttributeNames: { '#id': 'id', '#scope': 'scope', '#seeded': 'seeded_scopes' },
              ExpressionAttributeValues: { ':id': grant.id, ':scope': grant.scope, ':seeded': grant.seeded_scopes ?? grant.scope },
            },
          },
          newGrantPuts(grant)[1]!,
        ],
      }),
    );
  } catch (error) {
    if (!isTransactionCanceled(error)) throw error;
    if (cancellationReasons(error).includes('ConditionalCheckFailed')) throw new ConditionFailedError(undefined, false);
    throw new WriteConflictError();
  }
}
