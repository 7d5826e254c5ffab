import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db, itemFromError, tableName } from '#shared/db/client';
import { ConditionFailedError } from '#shared/db/errors';
import { isConditionFailed, withoutKeys } from '#shared/db/items';
import { authorizationCodeKey } from '#shared/db/keys';
import type { JsonValue } from '#shared/platform/json';

/**
 * Authorization codes, keyed by the code's digest. A code is valid until `expires_at`; its item
 * stays until `ttl` (later), so a code replayed after its first use is still recognised and the
 * session its first exchange made can be revoked. DynamoDB's TTL deletes it after that.
 */
export interface CodeRecord {
  /** The grant /authorize stored (AuthorizationCodeGrant): opaque to this repository. */
  grant: Record<string, JsonValue>;
  /** Epoch seconds: the code is refused from this second on. */
  expires_at: number;
  /** Epoch seconds: DynamoDB's TTL removes the item after it. */
  ttl: number;
  /** Epoch seconds of the (only) exchange. */
  used_at?: number;
  /** The token session that exchange created. */
  sid?: string;
}

export async function putCode(codeHash: string, record: CodeRecord): Promise<void> {
  await db.send(
    new PutCommand({
      TableName: tableName,
      Item: { ...authorizationCodeKey(codeHash), ...record },
      // 256 random bits never collide; the condition makes sure a code is never silently replaced.
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

/**
 * Uses the code: one conditional write, so of two concurrent exchanges exactly one wins. It
 * records the session the exchange is about to create. A code that is unknown, used or expired
 * throws ConditionFailedError with the item as it was (undefined when there is none).
 */
export async function consumeCode(codeHash: string, now: number, sid: string): Promise<CodeRecord> {
  try {
    const out = await db.send(
      new UpdateCommand({
        TableName: tableName,
        Key: authorizationCodeKey(codeHash),
        UpdateExpression: 'SET used_at = :now, sid = :sid',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(used_at) AND expires_at > :now',
        ExpressionAttributeValues: { ':now': now, ':sid': sid },
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return withoutKeys<CodeRecord>(out.Attributes!);
  } catch (error) {
    if (isConditionFailed(error)) {
      const item = itemFromError(error);
      throw new ConditionFailedError<CodeRecord>(item && withoutKeys<CodeRecord>(item), true);
    }
    throw error;
  }
}

/** Moves a code's expiry (tests make a code expire without waiting; nothing else calls it). */
export async function setCodeExpiry(codeHash: string, expiresAt: number): Promise<void> {
  await db.send(
    new UpdateCommand({
      TableName: tableName,
      Key: authorizationCodeKey(codeHash),
      UpdateExpression: 'SET expires_at = :at',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':at': expiresAt },
    }),
  );
}
