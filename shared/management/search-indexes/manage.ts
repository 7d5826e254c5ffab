import { config } from '#shared/platform/config';
import { hasUserProfiles } from '#shared/db/jobs-repo';
import { ROOT_INDEX_KEY, searchIndexKey } from '#shared/db/keys';
import {
  deleteIndexDeclaration, insertIndexDeclaration, queryIndexDeclarations, type StoredIndex, type StoredRootIndex,
} from '#shared/db/search-indexes-repo';
import { randomHex } from '#shared/platform/ids';
import { resumeJob, startJob } from '#shared/management/jobs/jobs';
import { newBackfillJob, newCleanupJob, settledAfter, writesEndedAfter } from '#shared/management/jobs/model';
import { BuiltinSearchIndexError, SearchIndexExistsError, SearchIndexNotFoundError, TooManySearchIndexesError } from '#shared/management/errors';
import { MAX_DECLARED_INDEXES, ROOT_GENERATION, ROOT_INDEXED_FIELDS } from '#shared/management/search-indexes/model';
import type { CreateSearchIndexBody } from '#shared/management/search-indexes/schemas';
import type { FieldKind } from '#shared/management/search/fields';

/**
 * /api/v2/search-indexes: declaring a metadata path writes the declaration and its backfill job
 * in one transaction, then launches the job; deleting removes the declaration (search stops
 * reading it at once) and launches a job that deletes its entries. The root fields are listed
 * too, as built-in indexes that cannot be deleted.
 */
export async function declareIndex(body: CreateSearchIndexBody): Promise<StoredIndex> {
  const { declared } = await queryIndexDeclarations();
  if (declared.some((d) => d.path === body.path)) throw new SearchIndexExistsError(body.path);
  // Read, then written: two declarations racing past the limit can both land (one over at most per racer).
  if (declared.length >= MAX_DECLARED_INDEXES) throw new TooManySearchIndexesError(MAX_DECLARED_INDEXES);
  const now = new Date();
  const generation = randomHex(4);
  // Writers start keeping entries once every writer knows the index; the backfill starts once
  // every write begun before that has ended (see shared/management/search-indexes/writes.ts).
  const writesFrom = settledAfter(now, config.SEARCH_INDEX_CACHE_MS);
  const job = newBackfillJob({ path: body.path, generation }, now, writesEndedAfter(new Date(writesFrom), config.SEARCH_INDEX_CACHE_MS));
  const index: StoredIndex = {
    path: body.path,
    type: body.type,
    status: 'building',
    generation,
    shards: config.SEARCH_INDEX_SHARDS,
    mixed: false,
    created_at: now.toISOString(),
    job_id: job.id,
    writes_from: writesFrom,
  };
  if (!(await insertIndexDeclaration(searchIndexKey(body.path), index, { ...job }))) throw new SearchIndexExistsError(body.path);
  await startJob(job, 'delete the index and declare it again.');
  return index;
}

export async function deleteIndex(path: string): Promise<void> {
  if (ROOT_INDEXED_FIELDS.has(path)) throw new BuiltinSearchIndexError(path);
  const index = (await queryIndexDeclarations()).declared.find((d) => d.path === path);
  if (!index) throw new SearchIndexNotFoundError();
  const now = new Date();
  const job = newCleanupJob(index, now, settledAfter(now, config.SEARCH_INDEX_CACHE_MS));
  // False: deleted (or deleted and declared again) by another request since the read.
  if (!(await deleteIndexDeclaration(path, index.generation, { ...job }))) throw new SearchIndexNotFoundError();
  await startJob(job, 'its entries stay in the table until they are deleted by hand.');
}

export async function listIndexes(): Promise<Record<string, unknown>[]> {
  const { root, declared } = await queryIndexDeclarations();
  return [...[...ROOT_INDEXED_FIELDS.keys()].map((path) => toWireBuiltin(path, root)), ...declared.map(toWireIndex)];
}

export async function getIndex(path: string): Promise<Record<string, unknown>> {
  const { root, declared } = await queryIndexDeclarations();
  if (ROOT_INDEXED_FIELDS.has(path)) return toWireBuiltin(path, root);
  const index = declared.find((d) => d.path === path);
  if (!index) throw new SearchIndexNotFoundError();
  return toWireIndex(index);
}

/** The generation and shard count stay inside: they say where entries live, which no client needs. */
export function toWireIndex(index: StoredIndex): Record<string, unknown> {
  return {
    path: index.path, type: index.type, builtin: false, status: index.status, mixed: index.mixed, created_at: index.created_at, job_id: index.job_id,
  };
}

const WIRE_TYPES: Record<FieldKind, string> = {
  text: 'string', 'text-ci': 'string', date: 'date', number: 'number', boolean: 'boolean', metadata: 'string',
};

/** A tenant from before root indexing has no root item yet: its root indexes are still building. */
function toWireBuiltin(path: string, root: StoredRootIndex | undefined): Record<string, unknown> {
  const kind = ROOT_INDEXED_FIELDS.get(path)!;
  return {
    path, type: WIRE_TYPES[kind], builtin: true, status: root?.status ?? 'building', ...(root?.job_id ? { job_id: root.job_id } : {}),
  };
}

/**
 * Seeding: makes sure the root item exists, and relaunches the jobs of indexes still building (a
 * local server stopped mid-job resumes it from its cursor; a runner already at work keeps it, as
 * only one runner's saves apply). A table without users has nothing to backfill, so its root
 * indexes are ready at once; otherwise a job gives the existing users their root entries. The
 * root item is written only if missing.
 */
export async function ensureSearchIndexes(): Promise<void> {
  const { root, declared } = await queryIndexDeclarations();
  const building = declared.filter((d) => d.status === 'building').map((d) => d.job_id);
  if (root?.status === 'building' && root.job_id) building.push(root.job_id);
  for (const id of building) await resumeJob(id);
  if (!root) await createRootIndex();
}

async function createRootIndex(): Promise<void> {
  const now = new Date();
  if (!(await hasUserProfiles())) {
    await insertIndexDeclaration(ROOT_INDEX_KEY, { status: 'ready', created_at: now.toISOString() }, undefined);
    return;
  }
  const job = newBackfillJob({ generation: ROOT_GENERATION }, now, settledAfter(now, config.SEARCH_INDEX_CACHE_MS));
  const root: StoredRootIndex = { status: 'building', created_at: now.toISOString(), job_id: job.id };
  if (await insertIndexDeclaration(ROOT_INDEX_KEY, root, { ...job })) await startJob(job, 'run the seed again to retry.', true);
}
