import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '#shared/db/client';
import { isConditionFailed, withoutKeys } from '#shared/db/items';
import { loginTransactionKey, ssoSessionKey, userPartition } from '#shared/db/keys';
import { partitionOf, readUserPartitionItems, type UserPartition } from '#shared/db/logins-repo';
import type { JsonObject } from '#shared/platform/json';

/**
 * The browser's side of hosted login: SSO sessions (cookie `auth0`) and login transactions (the
 * state between /authorize and the hosted screens). Both are keyed by the SHA-256 of a secret only
 * the browser holds, so the table never holds a usable cookie or transaction id.
 */
export interface SsoSessionRecord {
  /** The user's `created_at`: a session never carries over to a user re-created under the same id. */
  user_created_at: string;
  connection: string;
  /** Epoch seconds of the authentication (the ID token's `auth_time`). */
  auth_time: number;
  /** Epoch seconds: the absolute end (tenant `session_lifetime`). */
  expires_at: number;
  /** Epoch seconds: the session ends unused after this (tenant `idle_session_lifetime`), moved on by use. */
  idle_expires_at: number;
  /** Epoch seconds: DynamoDB's TTL removes the item after it. */
  ttl: number;
}

/** The item is kept small (it is read with its user): the user id is in its key, nothing is repeated. */
export async function putSsoSession(userId: string, secretHash: string, session: SsoSessionRecord): Promise<void> {
  await db.send(new PutCommand({ TableName: tableName, Item: { ...ssoSessionKey(userId, secretHash), ...session } }));
}

/**
 * The user, their login statistics and the session, in one Query of the user's partition
 * (eventually consistent: half the price; the caller retries strongly before concluding "none").
 */
export async function findSessionWithUser(
  userId: string,
  secretHash: string,
  consistent: boolean,
): Promise<{ partition: UserPartition | undefined; session: SsoSessionRecord | undefined }> {
  const items = await readUserPartitionItems(userId, consistent);
  const session = items.find((i) => i.sk === ssoSessionKey(userId, secretHash).sk);
  return { partition: partitionOf(items), session: session ? withoutKeys<SsoSessionRecord>(session) : undefined };
}

/** Moves the idle end on; a session deleted meanwhile (a logout) stays deleted. */
export async function touchSsoSession(userId: string, secretHash: string, idleExpiresAt: number): Promise<void> {
  try {
    await db.send(
      new UpdateCommand({
        TableName: tableName,
        Key: ssoSessionKey(userId, secretHash),
        UpdateExpression: 'SET idle_expires_at = :idle',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':idle': idleExpiresAt },
      }),
    );
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
}

export async function deleteSsoSession(userId: string, secretHash: string): Promise<void> {
  await db.send(new DeleteCommand({ TableName: tableName, Key: ssoSessionKey(userId, secretHash) }));
}

/** Deletes session items by their sort key (the oldest, evicted to keep a user's number bounded). */
export async function deleteSsoSessionItems(userId: string, sks: readonly string[]): Promise<void> {
  await Promise.all(sks.map((sk) => db.send(new DeleteCommand({ TableName: tableName, Key: { pk: userPartition(userId), sk } }))));
}

export interface LoginTransactionRecord {
  /** The validated /authorize request, as the screens and the final answer need it. */
  request: JsonObject;
  /** SHA-256 of the `did` cookie of the browser that started it. */
  did_hash: string;
  /** The forms' CSRF token. */
  csrf: string;
  created_at: string;
  ttl: number;
}

export async function putLoginTransaction(idHash: string, record: LoginTransactionRecord): Promise<void> {
  await db.send(new PutCommand({ TableName: tableName, Item: { ...loginTransactionKey(idHash), ...record } }));
}

/** Strongly consistent by default: the screen is loaded right after /authorize wrote the transaction. */
export async function findLoginTransaction(idHash: string, consistent = true): Promise<LoginTransactionRecord | undefined> {
  const out = await db.send(new GetCommand({ TableName: tableName, Key: loginTransactionKey(idHash), ConsistentRead: consistent }));
  return out.Item ? withoutKeys<LoginTransactionRecord>(out.Item) : undefined;
}

/** Ends a transaction once it produced its answer: only one submit of a form completes it. */
export async function endLoginTransaction(idHash: string): Promise<boolean> {
  try {
    await db.send(new DeleteCommand({ TableName: tableName, Key: loginTransactionKey(idHash), ConditionExpression: 'attribute_exists(pk)' }));
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}
