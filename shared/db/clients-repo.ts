import { PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '#shared/db/client';
import { withoutKeys } from '#shared/db/items';
import { CLIENT_GRANT_SK_PREFIX, clientGrantKey, clientKey, clientPartition } from '#shared/db/keys';

export interface ClientRecord {
  client_id: string;
  name: string;
  app_type: 'non_interactive' | 'regular_web' | 'spa' | 'native';
  grant_types: string[];
  /** SHA-256 of the secret: secrets are 384 random bits, so a fast hash cannot be brute-forced. */
  client_secret_hash: string;
  is_first_party: boolean;
  created_at: string;
}

export interface ClientGrantRecord {
  client_id: string;
  audience: string;
  scope: string[];
}

/** A client with its grants: one Query over the client's partition. */
export async function findClientWithGrants(
  clientId: string,
): Promise<{ client: ClientRecord; grants: ClientGrantRecord[] } | undefined> {
  const out = await db.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': clientPartition(clientId) },
    }),
  );
  const items = out.Items ?? [];
  const client = items.find((i) => i.sk === 'CLIENT');
  if (!client) return undefined;
  const grants = items.filter((i) => String(i.sk).startsWith(CLIENT_GRANT_SK_PREFIX));
  return { client: withoutKeys<ClientRecord>(client), grants: grants.map((g) => withoutKeys<ClientGrantRecord>(g)) };
}

export async function insertClient(client: ClientRecord, grants: ClientGrantRecord[]): Promise<void> {
  await db.send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Put: {
            TableName: tableName,
            Item: { ...clientKey(client.client_id), ...client },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        ...grants.map((g) => ({ Put: { TableName: tableName, Item: { ...clientGrantKey(g.client_id, g.audience), ...g } } })),
      ],
    }),
  );
}

export async function putClientGrant(grant: ClientGrantRecord): Promise<void> {
  await db.send(new PutCommand({ TableName: tableName, Item: { ...clientGrantKey(grant.client_id, grant.audience), ...grant } }));
}
