import { QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '#shared/db/client';
import { withoutKeys } from '#shared/db/items';
import { CLIENT_GRANT_SK_PREFIX, clientKey, clientPartition } from '#shared/db/keys';
import { newGrantPuts, type StoredClientGrant } from '#shared/db/client-grants-repo';

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

/** The client and its grants (each with its directory item), in one transaction. */
export async function insertClient(client: ClientRecord, grants: StoredClientGrant[]): Promise<void> {
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
        ...grants.flatMap(newGrantPuts),
      ],
    }),
  );
}
