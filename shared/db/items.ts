import { cancellationReasons, isTransactionCanceled } from '#shared/db/transactions';

/** Small helpers every repository shares. */

/** An item without its table keys: what the domain sees. */
export function withoutKeys<T>(item: Record<string, unknown>): T {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest as T;
}

/** A condition that an attribute still holds a value (a version, revision or generation read earlier). */
export const attributeIs = (name: string, value: unknown) => ({
  ConditionExpression: `#${name} = :${name}`,
  ExpressionAttributeNames: { [`#${name}`]: name },
  ExpressionAttributeValues: { [`:${name}`]: value },
});

const TRANSIENT = new Set([
  'ThrottlingException', 'ProvisionedThroughputExceededException', 'RequestLimitExceeded', 'InternalServerError',
  'ServiceUnavailable', 'TransactionConflictException', 'TimeoutError', 'NetworkingError',
]);

/** A failure that the same request may not meet again: throttling, a conflict, a server or network fault. */
export function isTransient(error: unknown): boolean {
  const e = error as { name?: string; $retryable?: unknown; $metadata?: { httpStatusCode?: number } };
  if (e.$retryable || TRANSIENT.has(e.name ?? '') || (e.$metadata?.httpStatusCode ?? 0) >= 500) return true;
  const reasons = cancellationReasons(error).filter((code) => code !== 'None');
  return isTransactionCanceled(error) && reasons.length > 0 && reasons.every((code) => code === 'TransactionConflict' || code === 'ThrottlingError');
}

export const isConditionFailed = (error: unknown) => (error as Error).name === 'ConditionalCheckFailedException';
