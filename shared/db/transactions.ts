/**
 * Reading a cancelled TransactWriteItems. DynamoDB gives one reason per item, in the order of
 * TransactItems: 'None' for an item that did not fail, else 'ConditionalCheckFailed',
 * 'TransactionConflict' (another transaction held the item), 'ThrottlingError', ...
 */
export const isTransactionCanceled = (error: unknown) => (error as Error).name === 'TransactionCanceledException';

/** The reason of each item of a cancelled transaction; empty for any other error. */
export function cancellationReasons(error: unknown): string[] {
  if (!isTransactionCanceled(error)) return [];
  return ((error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? []).map((reason) => reason.Code ?? 'None');
}

/** Whether the item at `index` of a cancelled transaction failed its condition. */
export const conditionFailedAt = (error: unknown, index: number) => cancellationReasons(error)[index] === 'ConditionalCheckFailed';

/** For each item of a cancelled transaction, whether it failed its condition (others may fail for other reasons). */
export const failedConditions = (error: unknown): boolean[] => cancellationReasons(error).map((code) => code === 'ConditionalCheckFailed');

/** Whether another transaction held one of the items (DynamoDB cancels rather than waits). */
export const conflictedWithAnother = (error: unknown) => cancellationReasons(error).includes('TransactionConflict');
