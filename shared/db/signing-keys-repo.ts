import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '#shared/db/client';
import { SIGNING_KEYS_PK, signingKeyKey } from '#shared/db/keys';
import type { JWK } from 'jose';

export interface SigningKeyRecord {
  kid: string;
  alg: 'RS256';
  publicJwk: JWK;
  privateJwk: JWK;
  current: boolean;
  created_at: string;
}

export async function putSigningKey(key: SigningKeyRecord): Promise<void> {
  await db.send(
    new PutCommand({
      TableName: tableName,
      Item: { ...signingKeyKey(key.kid), ...key },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

/** Every key, public halves only: what verifiers and JWKS need. */
export async function listPublicSigningKeys(): Promise<Omit<SigningKeyRecord, 'privateJwk'>[]> {
  const out = await db.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': SIGNING_KEYS_PK },
      ProjectionExpression: 'kid, alg, publicJwk, #current, created_at',
      ExpressionAttributeNames: { '#current': 'current' },
    }),
  );
  return (out.Items ?? []) as Omit<SigningKeyRecord, 'privateJwk'>[];
}

export async function findCurrentSigningKey(): Promise<SigningKeyRecord | undefined> {
  const out = await db.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk',
      FilterExpression: '#current = :true',
      ExpressionAttributeNames: { '#current': 'current' },
      ExpressionAttributeValues: { ':pk': SIGNING_KEYS_PK, ':true': true },
    }),
  );
  return out.Items?.[0] as SigningKeyRecord | undefined;
}
