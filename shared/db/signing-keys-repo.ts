import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db, itemFromError, tableName } from '#shared/db/client';
import { isConditionFailed, withoutKeys } from '#shared/db/items';
import { isTransactionCanceled } from '#shared/db/transactions';
import { ConditionFailedError, WriteConflictError } from '#shared/db/errors';
import { SIGNING_KEYS_PK, signingKeyKey } from '#shared/db/keys';
import type { JWK } from 'jose';

/**
 * Signing keys, all in one partition (JWKS and the key list are one Query). A table key carries
 * its private half (`privateJwk`, local only) until it stops being current; a KMS key carries
 * `kms_key_id` instead, and its private half never exists outside KMS. The flags are Auth0's:
 * one `current` key signs, one `next` key waits, every other key is a previous one until it is
 * `revoked`. The current key names its next key (`next_kid`), so making a next key and rotating
 * are conditional transactions on the current key: two at once cannot both apply.
 */
export interface SigningKeyRecord {
  kid: string;
  alg: 'RS256';
  publicJwk: JWK;
  privateJwk?: JWK;
  /** The KMS key's ARN: this key signs through kms:Sign. */
  kms_key_id?: string;
  /** A KMS key made by rotation: the stack whose tag it carries (revocation schedules its deletion). */
  kms_key_stack?: string;
  current: boolean;
  next?: boolean;
  /** On the current key: the kid of the next key. */
  next_kid?: string;
  revoked?: boolean;
  current_since?: string;
  current_until?: string;
  revoked_at?: string;
  /** The self-signed X.509 certificate, PEM (Auth0's form). */
  cert?: string;
  /** `cert` as a certs-only PKCS #7, PEM: made once with the certificate, so reads need no X.509 library. */
  pkcs7?: string;
  created_at: string;
}

export type PublicSigningKeyRecord = Omit<SigningKeyRecord, 'privateJwk'>;

const NAMES = { '#current': 'current', '#next': 'next', '#revoked': 'revoked' };

/** Everything but the private half: what verifiers, JWKS, the KMS signer and the Management API read. */
const PUBLIC_FIELDS = {
  ProjectionExpression:
    'kid, alg, publicJwk, kms_key_id, kms_key_stack, #current, #next, next_kid, #revoked, current_since, current_until, revoked_at, cert, pkcs7, created_at',
  ExpressionAttributeNames: NAMES,
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

/** Every key, revoked ones included, public halves only (strongly consistent: a revocation is seen at once). */
export async function listPublicSigningKeys(): Promise<PublicSigningKeyRecord[]> {
  const out = await db.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': SIGNING_KEYS_PK },
      ConsistentRead: true,
      ...PUBLIC_FIELDS,
    }),
  );
  return (out.Items ?? []) as PublicSigningKeyRecord[];
}

/** One key by kid, public half only. */
export async function findSigningKey(kid: string): Promise<PublicSigningKeyRecord | undefined> {
  const out = await db.send(new GetCommand({ TableName: tableName, Key: signingKeyKey(kid), ConsistentRead: true, ...PUBLIC_FIELDS }));
  return out.Item as PublicSigningKeyRecord | undefined;
}

/** The current key; its private half only when asked for (the local table signer). */
export async function findCurrentSigningKey(options: { withPrivateKey: boolean }): Promise<SigningKeyRecord | undefined> {
  const out = await db.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk',
      FilterExpression: '#current = :true',
      ExpressionAttributeValues: { ':pk': SIGNING_KEYS_PK, ':true': true },
      ConsistentRead: true,
      ...(options.withPrivateKey ? { ExpressionAttributeNames: { '#current': 'current' } } : PUBLIC_FIELDS),
    }),
  );
  return out.Items?.[0] as SigningKeyRecord | undefined;
}

const put = (key: SigningKeyRecord) => ({
  Put: { TableName: tableName, Item: { ...signingKeyKey(key.kid), ...key }, ConditionExpression: 'attribute_not_exists(pk)' },
});

/** Runs a transaction whose conditions guard a state change; a lost race is a WriteConflictError. */
async function transact(items: object[]): Promise<void> {
  try {
    await db.send(new TransactWriteCommand({ TransactItems: items as never }));
  } catch (error) {
    if (isTransactionCanceled(error)) throw new WriteConflictError();
    throw error;
  }
}

/**
 * Adds `next` as the next key of the current key `currentKid`, if that key is still current and
 * has no next key yet (one transaction).
 */
export async function addNextSigningKey(next: SigningKeyRecord, currentKid: string): Promise<void> {
  await transact([
    put({ ...next, current: false, next: true }),
    {
      Update: {
        TableName: tableName,
        Key: signingKeyKey(currentKid),
        UpdateExpression: 'SET next_kid = :next',
        ConditionExpression: '#current = :true AND attribute_not_exists(next_kid)',
        ExpressionAttributeNames: { '#current': 'current' },
        ExpressionAttributeValues: { ':true': true, ':next': next.kid },
      },
    },
  ]);
}

/**
 * The rotation, one transaction: the next key becomes current (and names `newNext` as its next
 * key), the current key becomes a previous key and loses any private half, `newNext` is added.
 * Conditional on the current key still being current with that next key: of two rotations at
 * once one applies, the other throws WriteConflictError, and there is never a second current key.
 */
export async function rotateSigningKeys(rotation: { currentKid: string; nextKid: string; newNext: SigningKeyRecord; at: string }): Promise<void> {
  const { currentKid, nextKid, newNext, at } = rotation;
  await transact([
    put({ ...newNext, current: false, next: true }),
    {
      Update: {
        TableName: tableName,
        Key: signingKeyKey(nextKid),
        UpdateExpression: 'SET #current = :true, #next = :false, current_since = :at, next_kid = :newNext',
        ConditionExpression: '#next = :true AND #current = :false AND attribute_not_exists(#revoked)',
        ExpressionAttributeNames: NAMES,
        ExpressionAttributeValues: { ':true': true, ':false': false, ':at': at, ':newNext': newNext.kid },
      },
    },
    {
      Update: {
        TableName: tableName,
        Key: signingKeyKey(currentKid),
        UpdateExpression: 'SET #current = :false, current_until = :at REMOVE privateJwk, next_kid',
        ConditionExpression: '#current = :true AND next_kid = :next',
        ExpressionAttributeNames: { '#current': 'current' },
        ExpressionAttributeValues: { ':true': true, ':false': false, ':at': at, ':next': nextKid },
      },
    },
  ]);
}

/**
 * Revokes a previous key: neither current nor next nor revoked. A key in any other state throws
 * ConditionFailedError with the key as it is (undefined when there is no such key).
 */
export async function revokeSigningKey(kid: string, at: string): Promise<PublicSigningKeyRecord> {
  try {
    const out = await db.send(
      new UpdateCommand({
        TableName: tableName,
        Key: signingKeyKey(kid),
        UpdateExpression: 'SET #revoked = :true, revoked_at = :at REMOVE privateJwk',
        ConditionExpression:
          'attribute_exists(pk) AND #current = :false AND (attribute_not_exists(#next) OR #next = :false) AND attribute_not_exists(#revoked)',
        ExpressionAttributeNames: NAMES,
        ExpressionAttributeValues: { ':true': true, ':false': false, ':at': at },
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return withoutKeys(out.Attributes!) as PublicSigningKeyRecord;
  } catch (error) {
    if (isConditionFailed(error)) {
      const item = itemFromError(error);
      // The key as it was, without a private half (the domain never needs it).
      const { privateJwk: _private, ...current } = item ? withoutKeys<SigningKeyRecord>(item) : ({} as SigningKeyRecord);
      throw new ConditionFailedError(item && (current as PublicSigningKeyRecord), true);
    }
    throw error;
  }
}

/** Gives a key that has none its certificate and that certificate's PKCS #7 (keys made before certificates existed). */
export async function setSigningKeyCert(kid: string, cert: string, pkcs7: string): Promise<void> {
  try {
    await db.send(
      new UpdateCommand({
        TableName: tableName,
        Key: signingKeyKey(kid),
        UpdateExpression: 'SET cert = :cert, pkcs7 = :pkcs7',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(cert)',
        ExpressionAttributeValues: { ':cert': cert, ':pkcs7': pkcs7 },
      }),
    );
  } catch (error) {
    if (!isConditionFailed(error)) throw error; // another seed gave it one first
  }
}

/** Stores the PKCS #7 of a key's certificate (keys certified before it was stored); only for that very certificate. */
export async function setSigningKeyPkcs7(kid: string, cert: string, pkcs7: string): Promise<void> {
  try {
    await db.send(
      new UpdateCommand({
        TableName: tableName,
        Key: signingKeyKey(kid),
        UpdateExpression: 'SET pkcs7 = :pkcs7',
        ConditionExpression: 'cert = :cert AND attribute_not_exists(pkcs7)',
        ExpressionAttributeValues: { ':cert': cert, ':pkcs7': pkcs7 },
      }),
    );
  } catch (error) {
    if (!isConditionFailed(error)) throw error; // another seed stored it first
  }
}

/**
 * Makes a new key (with no private half) current in one transaction: the previous current key
 * stops being current and loses its private half, and keeps its public half so that tokens it
 * signed verify until they expire; its next key (`orphanNextKid`, a table key that never signed
 * and can never sign where KMS keys are used) is revoked. Conditional, so two seeds cannot leave
 * two current keys. (The AWS seed's registration of a KMS key.)
 */
export async function replaceCurrentSigningKey(key: PublicSigningKeyRecord, previousKid: string | undefined, orphanNextKid?: string): Promise<void> {
  const item = put({ ...key, current: true });
  if (previousKid === undefined) {
    await db.send(new PutCommand(item.Put));
    return;
  }
  const at = key.current_since ?? key.created_at;
  const demote = {
    Update: {
      TableName: tableName,
      Key: signingKeyKey(previousKid),
      UpdateExpression: 'SET #current = :false, current_until = :at REMOVE privateJwk, next_kid',
      ConditionExpression: '#current = :true',
      ExpressionAttributeNames: { '#current': 'current' },
      ExpressionAttributeValues: { ':true': true, ':false': false, ':at': at },
    },
  };
  const retire = orphanNextKid && {
    Update: {
      TableName: tableName,
      Key: signingKeyKey(orphanNextKid),
      UpdateExpression: 'SET #next = :false, #revoked = :true, revoked_at = :at REMOVE privateJwk',
      ConditionExpression: '#next = :true',
      ExpressionAttributeNames: { '#next': 'next', '#revoked': 'revoked' },
      ExpressionAttributeValues: { ':true': true, ':false': false, ':at': at },
    },
  };
  await db.send(new TransactWriteCommand({ TransactItems: retire ? [item, demote, retire] : [item, demote] }));
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
