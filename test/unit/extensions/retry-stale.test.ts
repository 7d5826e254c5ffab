import { describe, expect, it } from 'vitest';
import { WriteConflictError } from '#shared/db/errors';
import { cancellation } from '#shared/db/extensions-items';
import { retryStale } from '#shared/management/rules/retry-stale';
import { ResourceChangedError } from '#shared/management/errors';

/**
 * Every write a login can see now shares one item (the extensions generation), so two writers'
 * transactions meet there even when they change different rules: DynamoDB cancels one with
 * TransactionConflict (DynamoDB Local never does, hence a unit test). Such a write is retried,
 * after a short random pause, before the client is told to try again.
 */
const conflict = Object.assign(new Error('Transaction cancelled'), {
  name: 'TransactionCanceledException',
  CancellationReasons: [{ Code: 'None' }, { Code: 'TransactionConflict' }],
});

describe('retryStale', () => {
  it('reads a TransactionConflict on the generation item as a stale write', () => {
    expect(() => cancellation(conflict)).toThrow(WriteConflictError);
  });

  it('gets a write through four conflicts in a row', async () => {
    let attempts = 0;
    const result = await retryStale(async () => {
      attempts += 1;
      if (attempts <= 4) throw new WriteConflictError();
      return 'written';
    });
    expect({ result, attempts }).toEqual({ result: 'written', attempts: 5 });
  });

  it('answers 409 concurrent_update after five, and passes other errors through at once', async () => {
    let attempts = 0;
    const always = retryStale(async () => {
      attempts += 1;
      throw new WriteConflictError();
    });
    await expect(always).rejects.toBeInstanceOf(ResourceChangedError);
    expect(attempts).toBe(5);
    let other = 0;
    await expect(retryStale(async () => {
      other += 1;
      throw new TypeError('bug');
    })).rejects.toThrow('bug');
    expect(other).toBe(1);
  });
});
