import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '#shared/db/client';
import { isConditionFailed, withoutKeys } from '#shared/db/items';
import { sessionKey } from '#shared/db/keys';
import type { JsonValue } from '#shared/platform/json';

/**
 * A login session (its id is the tokens' `sid`). It keeps what later requests need without
 * re-running the login: the refresh-token state (generation and secret hash, rotated on every
 * use) and the custom claims that rules put in the ID token, which /userinfo returns.
 */
export interface SessionRecord {
  sid: string;
  user_id: string;
  client_id: string;
  connection: string;
  scope: string[];
  audience?: string;
  id_token_claims: Record<string, JsonValue>;
  /**
   * Present when the login asked for offline_access: the current generation, the key its tokens
   * are MACed with (only this item holds it), and when the last rotation happened (epoch ms).
   */
  refresh?: { generation: number; key: string; rotated_at?: number };
  revoked?: boolean;
  /** Epoch seconds of the user's authentication (browser logins): refreshed ID tokens repeat it as `auth_time`. */
  auth_time?: number;
  created_at: string;
  /** Epoch seconds: DynamoDB's TTL removes the session after it. */
  ttl: number;
}

export async function putSession(session: SessionRecord): Promise<void> {
  await db.send(new PutCommand({ TableName: tableName, Item: { ...sessionKey(session.sid), ...session } }));
}

export async function findSession(sid: string, consistent: boolean): Promise<SessionRecord | undefined> {
  const out = await db.send(new GetCommand({ TableName: tableName, Key: sessionKey(sid), ConsistentRead: consistent }));
  return out.Item ? withoutKeys<SessionRecord>(out.Item) : undefined;
}

/**
 * Moves the refresh token to its next generation, only if the presented one is still current
 * and the session not revoked: of two concurrent uses of one token, exactly one wins.
 */
export async function rotateRefresh(sid: string, fromGeneration: number, idTokenClaims: Record<string, JsonValue>): Promise<boolean> {
  try {
    await db.send(
      new UpdateCommand({
        TableName: tableName,
        Key: sessionKey(sid),
        UpdateExpression: 'SET refresh.generation = :next, refresh.rotated_at = :now, id_token_claims = :claims',
        ConditionExpression: 'refresh.generation = :gen AND attribute_not_exists(revoked)',
        ExpressionAttributeValues: { ':next': fromGeneration + 1, ':now': Date.now(), ':claims': idTokenClaims, ':gen': fromGeneration },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/** Revokes the whole session (a refresh token was reused: its family is no longer trusted). */
export async function revokeSession(sid: string): Promise<void> {
  await db.send(
    new UpdateCommand({
      TableName: tableName,
      Key: sessionKey(sid),
      UpdateExpression: 'SET revoked = :true',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':true': true },
    }),
  ).catch((error: unknown) => {
    if (!isConditionFailed(error)) throw error;
  });
}
