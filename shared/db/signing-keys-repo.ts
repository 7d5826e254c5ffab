import { PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '#shared/db/client';
import { SIGNING_KEYS_PK, signingKeyKey } from '#shared/db/keys';
import type { JWK } from 'jose';

/**
 * Signing keys, all in one partition. A table key carries its private half (`privateJwk`, local
 * only); a KMS key carries `kms_key_id` instead, and its private half never exists outside KMS.
 */
export interface SigningKeyRecord {
  kid: string;
  alg: 'RS256';
  publicJwk: JWK;
  privateJwk?: JWK;
  /** The KMS key's ARN: this key signs through kms:Sign. */
  kms_key_id?: string;
  current: boolean;
  created_at: string;
}

export type PublicSigningKeyRecord = Omit<SigningKeyRecord, 'privateJwk'>;

/** Everything but the private half: what verifiers, JWKS and the KMS signer read. */
const PUBLIC_FIELDS = {
  ProjectionExpression: 'kid, alg, publicJwk, kms_key_id, #current, created_at',
  ExpressionAttributeNames: { '#current': 'current' },
};

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
export async function listPublicSigningKeys(): Promise<PublicSigningKeyRecord[]> {
  const out = await db.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': SIGNING_KEYS_PK },
      ...PUBLIC_FIELDS,
    }),
  );
  return (out.Items ?? []) as PublicSigningKeyRecord[];
}

/** The current key; its private half only when asked for (the local table signer). */
export async function findCurrentSigningKey(options: { withPrivateKey: boolean }): Promise<SigningKeyRecord | undefined> {
  const out = await db.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk',
      FilterExpression: '#current = :true',
      ExpressionAttributeNames: { '#current': 'current' },
      ExpressionAttributeValues: { ':pk': SIGNING_KEYS_PK, ':true': true },
      ...(options.withPrivateKey ? {} : { ProjectionExpression: PUBLIC_FIELDS.ProjectionExpression }),
    }),
  );
  return out.Items?.[0] as SigningKeyRecord | undefined;
}

/**
 * Makes a new key (with no private half) current in one transaction: the previous current key
 * stops being current and loses its private half, and keeps its public half so that tokens it
 * signed verify until they expire. Conditional, so two seeds cannot leave two current keys.
 */
export async function replaceCurrentSigningKey(key: PublicSigningKeyRecord, previousKid: string | undefined): Promise<void> {
  const put = { Put: { TableName: tableName, Item: { ...signingKeyKey(key.kid), ...key, current: true }, ConditionExpression: 'attribute_not_exists(pk)' } };
  if (previousKid === undefined) {
    await db.send(new PutCommand(put.Put));
    return;
  }
  const demote = {
    Update: {
      TableName: tableName,
      Key: signingKeyKey(previousKid),
      UpdateExpression: 'SET #current = :false REMOVE privateJwk',
      ConditionExpression: '#current = :true',
      ExpressionAttributeNames: { '#current': 'current' },
      ExpressionAttributeValues: { ':true': true, ':false': false },
    },
  };
  await db.send(new TransactWriteCommand({ TransactItems: [put, demote] }));
}

/** Removes every private half left in the table (keys made before KMS was used); returns their kids. */
export async function dropPrivateSigningKeys(): Promise<string[]> {
  const out = await db.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk',
      FilterExpression: 'attribute_exists(privateJwk)',
      ProjectionExpression: 'kid',
      ExpressionAttributeValues: { ':pk': SIGNING_KEYS_PK },
    }),
  );
  const kids = (out.Items ?? []).map((item) => item.kid as string);
  for (const kid of kids) {
    await db.send(new UpdateCommand({ TableName: tableName, Key: signingKeyKey(kid), UpdateExpression: 'REMOVE privateJwk' }));
  }
  return kids;
}
