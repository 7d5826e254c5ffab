import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '#shared/db/client';
import { ItemExistsError, ItemTooLargeError, WriteConflictError } from '#shared/db/errors';
import { withoutKeys } from '#shared/db/items';
import { clientGrantDirectoryKey, clientGrantKey, RESOURCE_SERVERS_PK, resourceServerIdentifierKey, resourceServerKey } from '#shared/db/keys';
import { queryAll } from '#shared/db/query-all';
import { cancellationReasons, isTransactionCanceled } from '#shared/db/transactions';

/**
 * APIs (Auth0 "resource servers"): one item each plus a claim of its identifier, both in the
 * RESOURCE_SERVERS partition, so the token endpoint loads every API with one Query. `revision`
 * moves with every write of the API and with every grant created for it, so a delete that listed
 * the API's grants applies only if no grant was added since.
 */
export interface ResourceServerScope {
  value: string;
  description?: string;
}

export interface ResourceServerRecord {
  id: string;
  identifier: string;
  name: string;
  scopes: ResourceServerScope[];
  signing_alg: 'RS256';
  token_lifetime: number;
  token_lifetime_for_web: number;
  allow_offline_access: boolean;
  skip_consent_for_verifiable_first_party_clients: boolean;
  enforce_policies?: boolean;
  token_dialect?: string;
  created_at: string;
  revision: number;
}

/** What a delete removes with the API: each grant's hot-path and directory items. */
export interface GrantKeys {
  id: string;
  client_id: string;
  audience: string;
}

const API_SK_PREFIX = 'API#';
const MAX_TRANSACTION_ITEMS = 100;

/** Every API of the tenant (one Query of the partition, claims skipped). */
export async function listResourceServers(): Promise<ResourceServerRecord[]> {
  const items = await queryAll({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :api)',
    ExpressionAttributeValues: { ':pk': RESOURCE_SERVERS_PK, ':api': API_SK_PREFIX },
  });
  return items.map((item) => withoutKeys<ResourceServerRecord>(item));
}

export async function findResourceServer(id: string): Promise<ResourceServerRecord | undefined> {
  const out = await db.send(new GetCommand({ TableName: tableName, Key: resourceServerKey(id), ConsistentRead: true }));
  return out.Item ? withoutKeys<ResourceServerRecord>(out.Item) : undefined;
}

/** The API holding `identifier`: its claim, then the API (two strongly consistent Gets). */
export async function findResourceServerByIdentifier(identifier: string): Promise<ResourceServerRecord | undefined> {
  const claim = await db.send(new GetCommand({ TableName: tableName, Key: resourceServerIdentifierKey(identifier), ConsistentRead: true }));
  const id = claim.Item?.resource_server_id;
  return typeof id === 'string' ? findResourceServer(id) : undefined;
}

/** Writes the API and claims its identifier, together: ItemExistsError when the identifier is taken. */
export async function insertResourceServer(api: ResourceServerRecord): Promise<void> {
  try {
    await db.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: tableName, Item: { ...resourceServerKey(api.id), ...api }, ConditionExpression: 'attribute_not_exists(pk)' } },
          {
            Put: {
              TableName: tableName,
              Item: { ...resourceServerIdentifierKey(api.identifier), resource_server_id: api.id },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
      }),
    );
  } catch (error) {
    throw storageError(error, () => new ItemExistsError());
  }
}

/** Replaces the API read at `before.revision`: WriteConflictError when it moved (or the API went). */
export async function replaceResourceServer(before: ResourceServerRecord, after: ResourceServerRecord): Promise<void> {
  try {
    await db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: tableName,
              Item: { ...resourceServerKey(after.id), ...after, revision: before.revision + 1 },
              ConditionExpression: '#revision = :revision',
              ExpressionAttributeNames: { '#revision': 'revision' },
              ExpressionAttributeValues: { ':revision': before.revision },
            },
          },
        ],
      }),
    );
  } catch (error) {
    throw storageError(error, () => new WriteConflictError());
  }
}

/**
 * Deletes the API read as `api` with the grants listed for it. Up to 49 grants: one transaction.
 * More: the grants first, 50 at a time (each grant's two items together), then the API with the
 * rest; a failure part-way leaves the API with fewer grants, never a grant without its API, and a
 * repeated DELETE finishes the work. WriteConflictError when a grant was added after the listing.
 */
export async function deleteResourceServerWithGrants(api: ResourceServerRecord, grants: readonly GrantKeys[]): Promise<void> {
  const perGrant = (g: GrantKeys) => [
    { Delete: { TableName: tableName, Key: clientGrantKey(g.client_id, g.audience) } },
    { Delete: { TableName: tableName, Key: clientGrantDirectoryKey(g.id) } },
  ];
  const last = Math.floor((MAX_TRANSACTION_ITEMS - 2) / 2);
  let rest = [...grants];
  while (rest.length > last) {
    const batch = rest.slice(0, MAX_TRANSACTION_ITEMS / 2);
    rest = rest.slice(batch.length);
    await db.send(new TransactWriteCommand({ TransactItems: batch.flatMap(perGrant) }));
  }
  try {
    await db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Delete: {
              TableName: tableName,
              Key: resourceServerKey(api.id),
              ConditionExpression: '#revision = :revision',
              ExpressionAttributeNames: { '#revision': 'revision' },
              ExpressionAttributeValues: { ':revision': api.revision },
            },
          },
          { Delete: { TableName: tableName, Key: resourceServerIdentifierKey(api.identifier) } },
          ...rest.flatMap(perGrant),
        ],
      }),
    );
  } catch (error) {
    throw storageError(error, () => new WriteConflictError());
  }
}

function storageError(error: unknown, conditionFailed: () => Error): unknown {
  if ((error as Error).name === 'ValidationException' && /size/i.test((error as Error).message)) return new ItemTooLargeError();
  if (!isTransactionCanceled(error)) return error;
  const reasons = cancellationReasons(error);
  if (reasons.includes('ValidationError') || reasons.includes('ItemCollectionSizeLimitExceeded')) return new ItemTooLargeError();
  return reasons.includes('ConditionalCheckFailed') ? conditionFailed() : new WriteConflictError();
}
