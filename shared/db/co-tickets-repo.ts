import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { db, itemFromError, tableName } from '#shared/db/client';
import { ConditionFailedError } from '#shared/db/errors';
import { isConditionFailed, withoutKeys } from '#shared/db/items';
import { coTicketKey } from '#shared/db/keys';

/**
 * Cross-origin login tickets: what POST /co/authenticate proved (this user, this connection, now)
 * until /authorize (or /co/verify) redeems it. Keyed by the ticket's SHA-256, holding only the
 * verifier's SHA-256, so a read of the table yields neither secret.
 */
export interface CoTicketRecord {
  client_id: string;
  user_id: string;
  connection: string;
  /** Epoch seconds of the password check (the ID token's `auth_time`). */
  auth_time: number;
  /** SHA-256 (base64url) of the verifier bound to the browser (cookie, or the app's storage). */
  verifier_hash: string;
  /** Epoch seconds: refused from this second on. */
  expires_at: number;
  /** Epoch seconds: DynamoDB's TTL removes the item after it. */
  ttl: number;
}

export async function putCoTicket(ticketHash: string, record: CoTicketRecord): Promise<void> {
  await db.send(
    new PutCommand({
      TableName: tableName,
      Item: { ...coTicketKey(ticketHash), ...record },
      // 256 random bits never collide; the condition makes sure a ticket is never silently replaced.
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

/**
 * Redeems the ticket: one conditional DeleteItem, so it is used once even when two redemptions
 * race. It must exist, be unexpired, belong to `clientId` and carry `verifierHash`. Anything else
 * throws ConditionFailedError with the item as it was (undefined when there is none); a ticket
 * refused for its verifier or client stays (only its rightful browser can still use it).
 */
export async function redeemCoTicket(ticketHash: string, clientId: string, verifierHash: string, now: number): Promise<CoTicketRecord> {
  try {
    const out = await db.send(
      new DeleteCommand({
        TableName: tableName,
        Key: coTicketKey(ticketHash),
        ConditionExpression: 'attribute_exists(pk) AND client_id = :client AND verifier_hash = :verifier AND expires_at > :now',
        ExpressionAttributeValues: { ':client': clientId, ':verifier': verifierHash, ':now': now },
        ReturnValues: 'ALL_OLD',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return withoutKeys<CoTicketRecord>(out.Attributes!);
  } catch (error) {
    if (isConditionFailed(error)) {
      const item = itemFromError(error);
      throw new ConditionFailedError<CoTicketRecord>(item && withoutKeys<CoTicketRecord>(item), true);
    }
    throw error;
  }
}
