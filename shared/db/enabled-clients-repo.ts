import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '#shared/db/client';
import { ConditionFailedError } from '#shared/db/errors';
import { isConditionFailed, withoutKeys } from '#shared/db/items';
import { connectionDirectoryKey, connectionKey, CONNECTIONS_PK } from '#shared/db/keys';
import { queryAll } from '#shared/db/query-all';

/**
 * Which applications may use a connection: `enabled_clients` on the connection's hot-path item
 * (connectionKey(name)), read with the connection by signup and login (cached, no extra read).
 * Changed by a conditional read-modify-write (`enabled_clients = :old`), so two writers never
 * lose each other's change: the loser's condition fails and it reads again. Every write here
 * bumps the connection's `revision` too, so a connection PATCH read before it retries.
 */
export interface ConnectionRef {
  id: string;
  name: string;
}

export interface EnabledClients extends ConnectionRef {
  enabled_clients: string[];
}

/** The live connections of the tenant, from the directory (one Query). */
export async function listLiveConnectionRefs(): Promise<ConnectionRef[]> {
  const items = await queryAll({
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': CONNECTIONS_PK },
    ProjectionExpression: 'id, #name, deleted_at',
    ExpressionAttributeNames: { '#name': 'name' },
  });
  return items.filter((i) => i.deleted_at === undefined).map((i) => ({ id: String(i.id), name: String(i.name) }));
}

/** A live connection's directory entry by id (strongly consistent), or undefined. */
export async function findConnectionRef(id: string): Promise<ConnectionRef | undefined> {
  const out = await db.send(new GetCommand({ TableName: tableName, Key: connectionDirectoryKey(id), ConsistentRead: true }));
  const item = out.Item ? withoutKeys<ConnectionRef & { deleted_at?: string }>(out.Item) : undefined;
  return item && item.deleted_at === undefined ? { id: item.id, name: item.name } : undefined;
}

/** The list as stored now (strongly consistent); undefined when the connection is gone or being deleted. */
export async function readEnabledClients(ref: ConnectionRef): Promise<EnabledClients | undefined> {
  const out = await db.send(
    new GetCommand({
      TableName: tableName,
      Key: connectionKey(ref.name),
      ConsistentRead: true,
      ProjectionExpression: 'id, #name, enabled_clients, deleted_at',
      ExpressionAttributeNames: { '#name': 'name' },
    }),
  );
  const item = out.Item;
  if (!item || item.id !== ref.id || item.deleted_at !== undefined) return undefined;
  return { id: ref.id, name: ref.name, enabled_clients: Array.isArray(item.enabled_clients) ? (item.enabled_clients as string[]) : [] };
}

/**
 * Sets the list if it still is `current.enabled_clients` (and the connection is the same live one).
 * ConditionFailedError when another writer changed it or the connection went.
 */
export async function replaceEnabledClients(current: EnabledClients, next: readonly string[]): Promise<void> {
  const unchanged = current.enabled_clients.length === 0
    ? '(attribute_not_exists(enabled_clients) OR enabled_clients = :old OR size(enabled_clients) = :zero)'
    : 'enabled_clients = :old';
  try {
    await db.send(
      new UpdateCommand({
        TableName: tableName,
        Key: connectionKey(current.name),
        UpdateExpression: 'SET enabled_clients = :next, revision = if_not_exists(revision, :none) + :one',
        ConditionExpression: `attribute_exists(pk) AND id = :id AND attribute_not_exists(deleted_at) AND ${unchanged}`,
        ExpressionAttributeValues: {
          ':next': [...next],
          ':none': 0,
          ':one': 1,
          ':old': current.enabled_clients,
          ':id': current.id,
          ...(current.enabled_clients.length === 0 ? { ':zero': 0 } : {}),
        },
      }),
    );
  } catch (error) {
    if (isConditionFailed(error)) throw new ConditionFailedError(undefined, false);
    throw error;
  }
}

/**
 * The transaction items that append a new client's id to each connection's list (the client's
 * creation, clients-repo.ts): each on the live connection of that id only.
 */
export function enableOnConnectionUpdates(clientId: string, connections: readonly ConnectionRef[]) {
  return connections.map((c) => ({
    Update: {
      TableName: tableName,
      Key: connectionKey(c.name),
      UpdateExpression: 'SET enabled_clients = list_append(if_not_exists(enabled_clients, :empty), :me), revision = if_not_exists(revision, :none) + :one',
      ConditionExpression: 'attribute_exists(pk) AND id = :id AND attribute_not_exists(deleted_at)',
      ExpressionAttributeValues: { ':empty': [], ':me': [clientId], ':id': c.id, ':none': 0, ':one': 1 },
    },
  }));
}
