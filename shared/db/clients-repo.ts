import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '#shared/db/client';
import { ConditionFailedError, ItemTooLargeError, WriteConflictError } from '#shared/db/errors';
import { isConditionFailed, withoutKeys } from '#shared/db/items';
import {
  CLIENT_GRANT_SK_PREFIX,
  CLIENT_SK,
  CLIENTS_PK,
  clientDirectoryKey,
  clientGrantDirectoryKey,
  clientKey,
  clientPartition,
} from '#shared/db/keys';
import { newGrantPuts, type StoredClientGrant } from '#shared/db/client-grants-repo';
import { queryAll } from '#shared/db/query-all';
import { conflictedWithAnother, failedConditions, isTransactionCanceled } from '#shared/db/transactions';
import { enableOnConnectionUpdates, type ConnectionRef } from '#shared/db/enabled-clients-repo';

/**
 * An application (Auth0 "client") is two items, always written together in one transaction:
 * - the hot-path item, clientKey(id) in the CLIENT#<id> partition with its grants, read in one
 *   Query by the token endpoint (through a cache);
 * - the directory item, clientDirectoryKey(id): the same record, listed with one Query.
 * Auth0's field names, verbatim; a field never set is absent (Auth0 omits it from reads).
 */
export type AppType = 'non_interactive' | 'regular_web' | 'spa' | 'native';
export type TokenEndpointAuthMethod = 'none' | 'client_secret_post' | 'client_secret_basic';

export interface ClientRefreshToken {
  rotation_type: 'rotating' | 'non-rotating';
  expiration_type: 'expiring' | 'non-expiring';
  leeway: number;
  token_lifetime: number;
  idle_token_lifetime: number;
  infinite_token_lifetime: boolean;
  infinite_idle_token_lifetime: boolean;
}

export interface ClientRecord {
  client_id: string;
  name: string;
  description?: string;
  app_type?: AppType;
  grant_types: string[];
  /** SHA-256 of the secret: secrets are 384 random bits, so a fast hash cannot be brute-forced. */
  client_secret_hash: string;
  is_first_party: boolean;
  created_at: string;
  updated_at?: string;
  token_endpoint_auth_method?: TokenEndpointAuthMethod;
  callbacks?: string[];
  allowed_logout_urls?: string[];
  web_origins?: string[];
  allowed_origins?: string[];
  /** `lifetime_in_seconds` is the ID token's lifetime. */
  jwt_configuration?: { lifetime_in_seconds?: number; secret_encoded?: boolean; alg?: string };
  refresh_token?: ClientRefreshToken;
  client_metadata?: Record<string, string>;
  logo_uri?: string;
  oidc_conformant?: boolean;
  sso_disabled?: boolean;
  cross_origin_authentication?: boolean;
  /** The application's cross-origin verification page (https), for browsers that block third-party cookies. */
  cross_origin_loc?: string;
  custom_login_page_on?: boolean;
  is_token_endpoint_ip_header_trusted?: boolean;
  /** Bumped by every write after creation (PATCH, rotation): the condition of the next. */
  revision?: number;
}

/** A grant as the token endpoint reads it (shared/db/client-grants-repo.ts writes and lists grants). */
export interface ClientGrantRecord {
  /** `cgr_…`; absent only on grant items written before grants were managed (the seed adopts them). */
  id?: string;
  client_id: string;
  audience: string;
  scope: string[];
  subject_type?: 'client' | 'user';
  created_at?: string;
  /** The seeded Management grant only: the scope catalogue it was last synced with (shared/management/client-grants/bootstrap.ts). */
  seeded_scopes?: string[];
}

/** A client with its grants: one Query over the client's partition. */
export async function findClientWithGrants(
  clientId: string,
  consistent = false,
): Promise<{ client: ClientRecord; grants: ClientGrantRecord[] } | undefined> {
  const out = await db.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': clientPartition(clientId) },
      ConsistentRead: consistent,
    }),
  );
  const items = out.Items ?? [];
  const client = items.find((i) => i.sk === CLIENT_SK);
  if (!client) return undefined;
  const grants = items.filter((i) => String(i.sk).startsWith(CLIENT_GRANT_SK_PREFIX));
  return { client: withoutKeys<ClientRecord>(client), grants: grants.map((g) => withoutKeys<ClientGrantRecord>(g)) };
}

/** The client record alone, strongly consistent (the Management API reads before it writes). */
export async function findClientRecord(clientId: string): Promise<ClientRecord | undefined> {
  const out = await db.send(new GetCommand({ TableName: tableName, Key: clientKey(clientId), ConsistentRead: true }));
  return out.Item ? withoutKeys<ClientRecord>(out.Item) : undefined;
}

/** Every client, from the directory (one Query per MB). */
export async function listClientRecords(): Promise<ClientRecord[]> {
  const items = await queryAll({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': CLIENTS_PK } });
  return items.map((item) => withoutKeys<ClientRecord>(item));
}

/**
 * A new client, its directory item and its grants (each with its directory item), and its id
 * appended to each connection of `enableOn` (Auth0's enable_client_connections), in one
 * transaction. WriteConflictError when a connection changed or went meanwhile (the caller lists
 * again and retries).
 */
export async function insertClient(client: ClientRecord, grants: StoredClientGrant[], enableOn: readonly ConnectionRef[] = []): Promise<void> {
  const notExists = 'attribute_not_exists(pk)';
  try {
    await db.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: tableName, Item: { ...clientKey(client.client_id), ...client }, ConditionExpression: notExists } },
          { Put: { TableName: tableName, Item: { ...clientDirectoryKey(client.client_id), ...client }, ConditionExpression: notExists } },
          ...grants.flatMap(newGrantPuts),
          ...enableOnConnectionUpdates(client.client_id, enableOn),
        ],
      }),
    );
  } catch (error) {
    if (isTransactionCanceled(error) && (failedConditions(error).some(Boolean) || conflictedWithAnother(error))) throw new WriteConflictError();
    throw translated(error);
  }
}

/**
 * Replaces a client's record (both items) if it is still at `expectedRevision`; the record
 * written carries the next revision. ConditionFailedError when it changed or is gone.
 */
export async function replaceClient(next: ClientRecord, expectedRevision: number | undefined): Promise<void> {
  const condition = expectedRevision === undefined
    ? { ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(revision)' }
    : { ConditionExpression: 'attribute_exists(pk) AND revision = :rev', ExpressionAttributeValues: { ':rev': expectedRevision } };
  try {
    await db.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: tableName, Item: { ...clientKey(next.client_id), ...next }, ...condition } },
          { Put: { TableName: tableName, Item: { ...clientDirectoryKey(next.client_id), ...next } } },
        ],
      }),
    );
  } catch (error) {
    if (isTransactionCanceled(error) && failedConditions(error)[0]) throw new ConditionFailedError(undefined, false);
    throw translated(error);
  }
}

/**
 * Deletes everything in the client's partition (the client and its grants), each grant's
 * directory item and the client's directory item, in one transaction (a client with more than
 * 48 grants: its grants first, in transactions of 100 items, then the client). Returns false
 * when there was nothing to delete. A grant written while this runs is caught by reading the
 * partition once more afterwards.
 */
export async function deleteClientItems(clientId: string): Promise<boolean> {
  const partition = () => queryAll({
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': clientPartition(clientId) },
    ConsistentRead: true,
  });
  const items = await partition();
  const directory = await db.send(new GetCommand({ TableName: tableName, Key: clientDirectoryKey(clientId), ConsistentRead: true }));
  if (items.length === 0 && !directory.Item) return false;
  const grants = items.filter((i) => String(i.sk).startsWith(CLIENT_GRANT_SK_PREFIX));
  const grantDeletes = grants.flatMap((g) => [
    { Delete: { TableName: tableName, Key: { pk: g.pk, sk: g.sk } } },
    ...(typeof g.id === 'string' ? [{ Delete: { TableName: tableName, Key: clientGrantDirectoryKey(g.id) } }] : []),
  ]);
  const rest = [
    ...items.filter((i) => !grants.includes(i)).map((i) => ({ Delete: { TableName: tableName, Key: { pk: i.pk, sk: i.sk } } })),
    { Delete: { TableName: tableName, Key: clientDirectoryKey(clientId) } },
  ];
  const batches = grantDeletes.length + rest.length <= MAX_TRANSACTION_ITEMS
    ? [[...grantDeletes, ...rest]]
    : [...chunks(grantDeletes, MAX_TRANSACTION_ITEMS), rest];
  for (const batch of batches) {
    try {
      await db.send(new TransactWriteCommand({ TransactItems: batch }));
    } catch (error) {
      throw translated(error);
    }
  }
  // A grant whose transaction checked the client just before this delete would outlive it.
  if ((await partition()).length > 0) await deleteClientItems(clientId);
  return true;
}

const MAX_TRANSACTION_ITEMS = 100;
function chunks<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/**
 * An install from before the directory: gives a client its directory item (idempotent). Returns
 * whether it wrote.
 */
export async function ensureClientDirectoryEntry(clientId: string): Promise<boolean> {
  const record = await findClientRecord(clientId);
  if (!record) return false;
  try {
    await db.send(new PutCommand({ TableName: tableName, Item: { ...clientDirectoryKey(clientId), ...record }, ConditionExpression: 'attribute_not_exists(pk)' }));
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

function translated(error: unknown): unknown {
  if (isTransactionCanceled(error) && conflictedWithAnother(error)) return new WriteConflictError();
  if ((error as Error).name === 'ValidationException' && /size/i.test((error as Error).message)) return new ItemTooLargeError();
  return error;
}
