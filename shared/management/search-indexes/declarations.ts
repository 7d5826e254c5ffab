import { config } from '#shared/platform/config';
import { ttlCache } from '#shared/platform/cache';
import { queryIndexDeclarations, type IndexDeclarations } from '#shared/db/search-indexes-repo';
import { rootIndexes, type SearchIndex } from '#shared/management/search-indexes/model';

/**
 * The indexes every user write keeps and search may read: the root fields plus the declared
 * metadata paths. Before a tenant's root item exists (a table from before root indexing), writers
 * still keep root entries, but search does not trust them.
 */
export function toSearchIndexes({ root, declared }: IndexDeclarations): SearchIndex[] {
  return [
    ...rootIndexes(root?.status ?? 'building'),
    ...declared.map((d): SearchIndex => ({
      path: d.path, kind: 'metadata', type: d.type, status: d.status, generation: d.generation, shards: d.shards, mixed: d.mixed,
      ...(d.writes_from ? { writesFrom: d.writes_from } : {}),
    })),
  ];
}

const loadFresh = async () => toSearchIndexes(await queryIndexDeclarations());

/**
 * Cached per warm Lambda for SEARCH_INDEX_CACHE_MS. A new declaration is not used by search, and
 * its backfill does not start, until that time has passed, so every writer keeps its entries by
 * then (see shared/management/users/index-backfill-job.ts). 0 turns the cache off (the integration tests run so).
 */
const cached = config.SEARCH_INDEX_CACHE_MS > 0 ? ttlCache(config.SEARCH_INDEX_CACHE_MS, 1, loadFresh) : undefined;

export async function loadSearchIndexes(): Promise<SearchIndex[]> {
  return cached ? ((await cached('indexes')) ?? []) : loadFresh();
}
