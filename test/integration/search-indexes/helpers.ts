import { QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { expect } from 'vitest';
import { db, tableName } from '#shared/db/client';
import { indexEntryPartition } from '#shared/db/keys';
import { queryIndexDeclarations, type StoredIndex } from '#shared/db/search-indexes-repo';
import { call } from '#test/support/api';

/** Helpers for the search-index tests (not a test file: vitest collects *.test.ts only). */
export const INDEX_SCOPES = ['read:search_indexes', 'create:search_indexes', 'delete:search_indexes'];
export const JOB_SCOPES = ['read:users'];

/** Polls GET /api/v2/jobs/{id} until the job has ended. */
export async function jobWhenEnded(id: string, timeoutMs = 20_000): Promise<Record<string, any>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await call('jobs-get', { params: { id }, scopes: JOB_SCOPES });
    expect(res.status, res.text).toBe(200);
    if (res.body.status === 'completed' || res.body.status === 'failed') return res.body;
    if (Date.now() > until) throw new Error(`job ${id} still ${res.body.status} after ${timeoutMs} ms`);
    await new Promise((done) => setTimeout(done, 25));
  }
}

export async function declare(path: string, type = 'string'): Promise<Record<string, any>> {
  const res = await call('search-indexes-create', { scopes: INDEX_SCOPES, body: { path, type } });
  expect(res.status, res.text).toBe(201);
  return res.body;
}

/** The stored declaration (with its generation and shards, which the API keeps inside). */
export async function declaration(path: string): Promise<StoredIndex | undefined> {
  return (await queryIndexDeclarations()).declared.find((d) => d.path === path);
}

/** Every entry of one generation of an index, over all its shard partitions. */
export async function entriesOf(path: string, generation: string, shards: number): Promise<Record<string, any>[]> {
  const entries: Record<string, any>[] = [];
  for (let shard = 0; shard < shards; shard++) {
    const out = await db.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': indexEntryPartition(path, generation, shard) },
        ConsistentRead: true,
      }),
    );
    entries.push(...(out.Items ?? []));
  }
  return entries;
}

/** Job items of a type for a path (DELETE answers 204, so the cleanup job is found in the table). */
export async function jobsFor(type: string, path: string): Promise<Record<string, any>[]> {
  const out = await db.send(
    new ScanCommand({
      TableName: tableName,
      ConsistentRead: true,
      FilterExpression: '#type = :type AND #path = :path',
      ExpressionAttributeNames: { '#type': 'type', '#path': 'path' },
      ExpressionAttributeValues: { ':type': type, ':path': path },
    }),
  );
  return out.Items ?? [];
}
