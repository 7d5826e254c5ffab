import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db, itemFromError, tableName } from '#shared/db/client';
import { ConditionFailedError, ItemExistsError, ItemTooLargeError, WriteConflictError } from '#shared/db/errors';
import { isConditionFailed, withoutKeys } from '#shared/db/items';
import { connectionDirectoryKey, connectionKey, CONNECTIONS_PK, jobKey } from '#shared/db/keys';
import { batchGetItems } from '#shared/db/batch-get';
import { conflictedWithAnother, failedConditions, isTransactionCanceled } from '#shared/db/transactions';
import { bumpGeneration } from '#shared/db/extensions-items';
import type { PasswordPolicyLevel } from '#shared/tenant/passwords/policy';

/**
 * A connection is two items written in one transaction:
 * - the hot-path item, connectionKey(name): the whole record (options may hold custom scripts:
 *   up to ~350 KB), read by signup and login through a cache;
 * - the directory item, connectionDirectoryKey(id): `{id, name}` (neither ever changes) and the
 *   deletion mark: found by id, listed with one Query, checked by a user insert's transaction.
 * The deletion's first write also bumps the extensions generation, which every login reads, so a
 * deleted connection refuses logins everywhere at once (docs/connections.md).
 * Everything that changes (options, enabled_clients, ...) lives on the hot-path item only, so a
 * writer of one field (e.g. the enabled-clients relation) updates one item; only the deletion
 * mark is written on both (markConnectionDeleted).
 */
export interface ConnectionRecord {
  id: string;
  name: string;
  /** `auth0` is a database connection (users with passwords); other strategies are Auth0's social and enterprise ones. */
  strategy: string;
  display_name?: string;
  show_as_button?: boolean;
  /** Auth0's option names, verbatim (`passwordPolicy` is camelCase on Auth0 too); validated by the management area. */
  options: ConnectionOptions;
  enabled_clients: string[];
  realms: string[];
  is_domain_connection: boolean;
  metadata?: Record<string, string>;
  /** Set by the deletion's first write: from then on the connection refuses logins and signups, and is gone for reads. */
  deleted_at?: string;
  /** The job deleting the connection's users, then the connection. */
  delete_job_id?: string;
  /** One random token per `options.configuration` key: what reads answer in place of the secret (management/connections/model.ts). */
  configuration_tokens?: Record<string, string>;
  /** Bumped by every PATCH. */
  revision?: number;
}

export interface ConnectionOptions {
  requires_username?: boolean;
  validation?: { username?: { min?: number; max?: number } } | null;
  /** Password strength level; absent or null means `none`, as on Auth0. */
  passwordPolicy?: PasswordPolicyLevel | null;
  /** Replaces the level's minimum length (1-128). */
  password_complexity_options?: { min_length?: number } | null;
  password_no_personal_info?: { enable?: boolean } | null;
  password_dictionary?: { enable?: boolean; dictionary?: string[] } | null;
  password_history?: { enable?: boolean; size?: number } | null;
  brute_force_protection?: boolean;
  disable_signup?: boolean;
  [key: string]: unknown;
}

export type ConnectionDirectoryEntry = Pick<ConnectionRecord, 'id' | 'name'>;

/** The directory item: whether the connection (this id) still stands. */
export interface ConnectionLiveness {
  id: string;
  name: string;
  deleted_at?: string;
}

export async function findConnection(name: string): Promise<ConnectionRecord | undefined> {
  const out = await db.send(new GetCommand({ TableName: tableName, Key: connectionKey(name) }));
  return out.Item ? withoutKeys<ConnectionRecord>(out.Item) : undefined;
}

/** The directory item of an id, deletion mark included. */
export async function findConnectionEntry(id: string): Promise<ConnectionLiveness & { delete_job_id?: string } | undefined> {
  const out = await db.send(new GetCommand({ TableName: tableName, Key: connectionDirectoryKey(id), ConsistentRead: true }));
  return out.Item ? withoutKeys<ConnectionLiveness & { delete_job_id?: string }>(out.Item) : undefined;
}

/** The live record of a connection named by its id: the directory item, then the record (both strongly consistent). */
export async function findConnectionById(id: string): Promise<ConnectionRecord | undefined> {
  const entry = await findConnectionEntry(id);
  if (!entry || entry.deleted_at !== undefined) return undefined;
  const out = await db.send(new GetCommand({ TableName: tableName, Key: connectionKey(entry.name), ConsistentRead: true }));
  const record = out.Item ? withoutKeys<ConnectionRecord>(out.Item) : undefined;
  return record?.id === id && record.deleted_at === undefined ? record : undefined;
}

/** Every connection: one Query of the directory, then one BatchGetItem per 100 records. */
export async function listConnectionRecords(): Promise<ConnectionRecord[]> {
  const entries: ConnectionDirectoryEntry[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': CONNECTIONS_PK },
        ExclusiveStartKey: start,
      }),
    );
    entries.push(...(page.Items ?? []).filter((item) => item.deleted_at === undefined).map((item) => ({ id: String(item.id), name: String(item.name) })));
    start = page.LastEvaluatedKey;
  } while (start);
  const items = await batchGetItems(entries.map((e) => connectionKey(e.name)), { consistent: false });
  const byName = new Map(items.map((item) => [String(item.name), withoutKeys<ConnectionRecord>(item)]));
  return entries.flatMap((e) => {
    const record = byName.get(e.name);
    return record?.id === e.id && record.deleted_at === undefined ? [record] : [];
  });
}

const directoryItem = (c: ConnectionDirectoryEntry) => ({ ...connectionDirectoryKey(c.id), id: c.id, name: c.name });

/** The seed's: creates the connection (both items) unless one of that name exists; returns whether it wrote. */
export async function insertConnection(connection: ConnectionRecord): Promise<boolean> {
  try {
    await createConnectionItems(connection);
    return true;
  } catch (error) {
    if (error instanceof ItemExistsError) return false;
    throw error;
  }
}

/** Both items of a new connection, in one transaction; ItemExistsError when the name is taken (even by one being deleted). */
export async function createConnectionItems(connection: ConnectionRecord): Promise<void> {
  const notExists = 'attribute_not_exists(pk)';
  try {
    await db.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: tableName, Item: { ...connectionKey(connection.name), ...connection }, ConditionExpression: notExists } },
          { Put: { TableName: tableName, Item: directoryItem(connection), ConditionExpression: notExists } },
        ],
      }),
    );
  } catch (error) {
    if (isTransactionCanceled(error) && failedConditions(error).some(Boolean)) throw new ItemExistsError();
    throw translated(error);
  }
}

/**
 * An install from before the directory: gives the connection its directory item (idempotent,
 * conditional on the record being the one named). Returns whether it wrote.
 */
export async function ensureDirectoryEntry(name: string): Promise<boolean> {
  const record = await findConnection(name);
  if (!record) return false;
  try {
    await db.send(new PutCommand({ TableName: tableName, Item: directoryItem(record), ConditionExpression: 'attribute_not_exists(pk)' }));
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/** The fields a PATCH may change (Auth0's names); `undefined` leaves a field as it is. */
export type ConnectionChanges = Partial<Pick<ConnectionRecord, 'display_name' | 'show_as_button' | 'options' | 'configuration_tokens' | 'enabled_clients' | 'metadata' | 'is_domain_connection' | 'realms'>>;

/**
 * Sets the given fields (names from a fixed list, values as placeholders) of a live connection and
 * returns the record as written; ConditionFailedError when it is gone or being deleted, and
 * WriteConflictError when its revision is no longer `record.revision` (another writer came
 * between the caller's read and this write: every writer of the item bumps it). Fields not
 * named keep what other writers (the enabled-clients relation) put there.
 */
export async function updateConnectionFields(record: Pick<ConnectionRecord, 'id' | 'name' | 'revision'>, changes: ConnectionChanges): Promise<ConnectionRecord> {
  const fields = (Object.keys(changes) as (keyof ConnectionChanges)[]).filter((f) => changes[f] !== undefined && CHANGEABLE.includes(f));
  const names = Object.fromEntries(fields.map((f, i) => [`#f${i}`, f]));
  const values = Object.fromEntries(fields.map((f, i) => [`:v${i}`, changes[f]]));
  const sets = fields.map((_, i) => `#f${i} = :v${i}`);
  try {
    const out = await db.send(
      new UpdateCommand({
        TableName: tableName,
        Key: connectionKey(record.name),
        UpdateExpression: `SET ${[...sets, '#rev = if_not_exists(#rev, :zero) + :one'].join(', ')}`,
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(deleted_at) AND id = :id AND (#rev = :expected OR (attribute_not_exists(#rev) AND :expected = :zero))',
        ExpressionAttributeNames: { ...names, '#rev': 'revision' },
        ExpressionAttributeValues: { ...values, ':id': record.id, ':expected': record.revision ?? 0, ':zero': 0, ':one': 1 },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        ReturnValues: 'ALL_NEW',
      }),
    );
    return withoutKeys<ConnectionRecord>(out.Attributes ?? {});
  } catch (error) {
    if (isConditionFailed(error)) {
      const current = itemFromError(error);
      const live = current !== undefined && current.id === record.id && current.deleted_at === undefined;
      throw live ? new WriteConflictError() : new ConditionFailedError(undefined, false);
    }
    throw translated(error);
  }
}
const CHANGEABLE: readonly string[] = ['display_name', 'show_as_button', 'options', 'configuration_tokens', 'enabled_clients', 'metadata', 'is_domain_connection', 'realms'];

/**
 * The deletion's first write, one transaction: marks the hot-path record and the directory item
 * deleted, writes the job that deletes its users, and bumps the extensions generation, which every
 * login reads (then re-reading its connection past the caches), so from this write on no login
 * through the connection succeeds, wherever it runs. Returns false when it is gone or already marked.
 */
export async function markConnectionDeleted(record: ConnectionDirectoryEntry, deletedAt: string, job: { id: string }): Promise<boolean> {
  const values = { ':id': record.id, ':at': deletedAt, ':job': job.id };
  try {
    await db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: tableName,
              Key: connectionKey(record.name),
              UpdateExpression: 'SET deleted_at = :at, delete_job_id = :job',
              ConditionExpression: 'attribute_exists(pk) AND id = :id AND attribute_not_exists(deleted_at)',
              ExpressionAttributeValues: values,
            },
          },
          {
            Update: {
              TableName: tableName,
              Key: connectionDirectoryKey(record.id),
              UpdateExpression: 'SET deleted_at = :at, delete_job_id = :job',
              ConditionExpression: 'attribute_exists(pk) AND id = :id',
              ExpressionAttributeValues: values,
            },
          },
          { Put: { TableName: tableName, Item: { ...jobKey(job.id), ...job }, ConditionExpression: 'attribute_not_exists(pk)' } },
          // Every login reads the generation: a moved one makes warm functions drop their caches
          // and re-read the connection, so the mark refuses logins everywhere at once.
          bumpGeneration(),
        ],
      }),
    );
    return true;
  } catch (error) {
    if (isTransactionCanceled(error) && failedConditions(error).some(Boolean)) return false;
    throw translated(error);
  }
}

/** The deletion's last write: both items go (the name is free again). */
export async function removeConnectionItems(record: ConnectionDirectoryEntry): Promise<void> {
  await db.send(
    new TransactWriteCommand({
      TransactItems: [
        { Delete: { TableName: tableName, Key: connectionKey(record.name), ConditionExpression: 'attribute_not_exists(pk) OR id = :id', ExpressionAttributeValues: { ':id': record.id } } },
        { Delete: { TableName: tableName, Key: connectionDirectoryKey(record.id) } },
      ],
    }),
  );
}

function translated(error: unknown): unknown {
  if (isTransactionCanceled(error) && conflictedWithAnother(error)) return new WriteConflictError();
  if ((error as Error).name === 'ValidationException' && /size.*exceeded/i.test((error as Error).message)) return new ItemTooLargeError();
  return error;
}
