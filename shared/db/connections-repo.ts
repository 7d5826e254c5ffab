import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '#shared/db/client';
import { isConditionFailed, withoutKeys } from '#shared/db/items';
import { connectionKey } from '#shared/db/keys';

export interface ConnectionRecord {
  id: string;
  name: string;
  strategy: 'auth0';
  options: { requires_username?: boolean };
  enabled_clients: string[];
  realms: string[];
  is_domain_connection: boolean;
}

export async function findConnection(name: string): Promise<ConnectionRecord | undefined> {
  const out = await db.send(new GetCommand({ TableName: tableName, Key: connectionKey(name) }));
  return out.Item ? withoutKeys<ConnectionRecord>(out.Item) : undefined;
}

/** Creates the connection unless one of that name exists; returns whether it wrote. */
export async function insertConnection(connection: ConnectionRecord): Promise<boolean> {
  try {
    await db.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...connectionKey(connection.name), ...connection },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}
