import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '#shared/db/client';
import { isConditionFailed, withoutKeys } from '#shared/db/items';
import { connectionKey } from '#shared/db/keys';
import type { PasswordPolicyLevel } from '#shared/tenant/passwords/policy';

export interface ConnectionRecord {
  id: string;
  name: string;
  /** `auth0` is a database connection (users with passwords); other strategies are Auth0's social and enterprise ones. */
  strategy: string;
  /** Auth0's option names, verbatim (`passwordPolicy` is camelCase on Auth0 too). */
  options: {
    requires_username?: boolean;
    /** Password strength level; absent or null means `none`, as on Auth0. */
    passwordPolicy?: PasswordPolicyLevel | null;
    /** Replaces the level's minimum length (1-128). */
    password_complexity_options?: { min_length?: number };
  };
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
