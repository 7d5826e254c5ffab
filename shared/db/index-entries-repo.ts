import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '#shared/db/client';
import type { IndexEntry } from '#shared/management/search-indexes/entries';
import type { KeyRange } from '#shared/management/search/plan';

/** One page of an index partition's entries in a sort-key range (strongly consistent: a write is seen at once). */
export interface EntryPage {
  entries: IndexEntry[];
  /** Where the next page starts; undefined when the range is read to its end. */
  next: Record<string, unknown> | undefined;
}

export async function queryEntries(
  pk: string,
  range: KeyRange,
  options: { start?: Record<string, unknown>; limit: number; forward?: boolean },
): Promise<EntryPage> {
  const values: Record<string, unknown> = { ':pk': pk };
  let condition = 'pk = :pk';
  if ('prefix' in range) {
    condition += ' AND begins_with(sk, :prefix)';
    values[':prefix'] = range.prefix;
  } else if ('from' in range) {
    condition += ' AND sk BETWEEN :from AND :to';
    Object.assign(values, { ':from': range.from, ':to': range.to });
  }
  const page = await db.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: condition,
      ExpressionAttributeValues: values,
      ConsistentRead: true,
      ExclusiveStartKey: options.start,
      Limit: options.limit,
      ScanIndexForward: options.forward ?? true,
    }),
  );
  return { entries: (page.Items ?? []) as IndexEntry[], next: page.LastEvaluatedKey };
}
