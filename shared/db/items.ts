/** Small helpers every repository shares. */

/** An item without its table keys: what the domain sees. */
export function withoutKeys<T>(item: Record<string, unknown>): T {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest as T;
}

export const isConditionFailed = (error: unknown) => (error as Error).name === 'ConditionalCheckFailedException';
export const isTransactionCanceled = (error: unknown) => (error as Error).name === 'TransactionCanceledException';
