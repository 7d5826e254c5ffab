import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '#shared/db/client';
import type { Key } from '#shared/db/keys';

/** BatchGetItem takes at most 100 keys per request. */
export const BATCH_GET_KEYS = 100;
const MAX_BACKOFF_MS = 2_000;

const pause = (round: number) => new Promise((resume) => setTimeout(resume, Math.min(MAX_BACKOFF_MS, 20 * 2 ** round)));

/**
 * The items at these keys, in no particular order, absent ones left out: one BatchGetItem per 100
 * keys, and the keys DynamoDB leaves unprocessed (throttling, its 16 MB response limit) asked
 * again after a pause that doubles each round, as AWS advises. Keys must not repeat.
 */
export async function batchGetItems(keys: readonly Key[], options: { consistent: boolean }): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for (let i = 0; i < keys.length; i += BATCH_GET_KEYS) {
    let pending: Record<string, unknown>[] = keys.slice(i, i + BATCH_GET_KEYS).map((key) => ({ pk: key.pk, sk: key.sk }));
    for (let round = 0; pending.length > 0; round++) {
      if (round > 0) await pause(round);
      const out = await db.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ConsistentRead: options.consistent } } }));
      items.push(...(out.Responses?.[tableName] ?? []));
      pending = out.UnprocessedKeys?.[tableName]?.Keys ?? [];
    }
  }
  return items;
}
