import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { InitializeHandler, InitializeHandlerArguments, MetadataBearer } from '@smithy/types';
import { afterEach, describe, expect, it } from 'vitest';
import { batchGetItems } from '#shared/db/batch-get';
import { db, tableName } from '#shared/db/client';
import type { Key } from '#shared/db/keys';
import { withDbMetrics } from '#shared/db/metrics';

/**
 * The one BatchGetItem helper, against DynamoDB Local: 100 keys per request, and the keys DynamoDB
 * leaves unprocessed asked again. DynamoDB Local never leaves any, so a client middleware holds
 * back part of a real request and reports those keys as unprocessed, as DynamoDB does when it
 * throttles or reaches its 16 MB response limit.
 */
const keyAt = (i: number): Key => ({ pk: `BATCH_GET_TEST#${String(i).padStart(3, '0')}`, sk: 'ITEM' });

async function seed(count: number): Promise<Key[]> {
  const keys = Array.from({ length: count }, (_, i) => keyAt(i));
  for (let i = 0; i < keys.length; i += 25) {
    const puts = keys.slice(i, i + 25).map((key, j) => ({ PutRequest: { Item: { ...key, n: i + j } } }));
    await db.send(new BatchWriteCommand({ RequestItems: { [tableName]: puts } }));
  }
  return keys;
}

const HOLD_BACK = 'holdBackKeys';

/** For the next `times` BatchGetItem requests, sends only the first `sent` keys and reports the rest unprocessed. */
function holdBackKeys(sent: number, times: number): { consistency: (boolean | undefined)[] } {
  const seen: (boolean | undefined)[] = [];
  let left = times;
  db.middlewareStack.add(
    (next: InitializeHandler<object, MetadataBearer>) => async (args: InitializeHandlerArguments<object>) => {
      const input = args.input as { RequestItems?: Record<string, { Keys: Record<string, unknown>[]; ConsistentRead?: boolean }> };
      const request = input.RequestItems?.[tableName];
      if (!request || left === 0) return next(args);
      left -= 1;
      seen.push(request.ConsistentRead);
      const held = request.Keys.slice(sent);
      const result = await next({ ...args, input: { RequestItems: { [tableName]: { ...request, Keys: request.Keys.slice(0, sent) } } } });
      const output = result.output as { UnprocessedKeys?: Record<string, { Keys: Record<string, unknown>[]; ConsistentRead?: boolean }> };
      if (held.length > 0) output.UnprocessedKeys = { [tableName]: { Keys: held, ConsistentRead: request.ConsistentRead } };
      return result;
    },
    { step: 'initialize', name: HOLD_BACK },
  );
  return { consistency: seen };
}

afterEach(() => {
  db.middlewareStack.remove(HOLD_BACK);
});

const ns = (items: Record<string, unknown>[]) => items.map((item) => Number(item.n)).sort((a, b) => a - b);
const range = (count: number) => Array.from({ length: count }, (_, i) => i);

describe('batchGetItems', () => {
  it('reads 250 keys in 3 requests of at most 100 and returns every item', async () => {
    const keys = await seed(250);
    const { result, metrics } = await withDbMetrics(() => batchGetItems(keys, { consistent: true }));
    expect(ns(result)).toEqual(range(250));
    expect(metrics.commands).toEqual(['BatchGetItem', 'BatchGetItem', 'BatchGetItem']);
    expect(metrics.itemsRead).toBe(250);
  });

  it('makes one request for up to 100 keys, and none for no key; absent keys are left out', async () => {
    const keys = await seed(100);
    const one = await withDbMetrics(() => batchGetItems([...keys.slice(0, 99), keyAt(999)], { consistent: false }));
    expect(ns(one.result)).toEqual(range(99));
    expect(one.metrics.requests).toBe(1);
    const none = await withDbMetrics(() => batchGetItems([], { consistent: true }));
    expect({ result: none.result, requests: none.metrics.requests }).toEqual({ result: [], requests: 0 });
  });

  it('asks again for the keys DynamoDB left unprocessed, with the same consistency, until none is left', async () => {
    const keys = await seed(60);
    // Two rounds send 20 keys each and leave the rest; the third is answered whole.
    const held = holdBackKeys(20, 2);
    const { result, metrics } = await withDbMetrics(() => batchGetItems(keys, { consistent: true }));
    expect(ns(result)).toEqual(range(60));
    expect(metrics.commands).toEqual(['BatchGetItem', 'BatchGetItem', 'BatchGetItem']);
    expect(held.consistency).toEqual([true, true]);
  });
});
