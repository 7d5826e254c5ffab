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

export const isConditionFailed = (error: unknown) => (error as Error).name === 'ConditionalCheckFailedException';
export const isTransactionCanceled = (error: unknown) => (error as Error).name === 'TransactionCanceledException';
