import { deleteItems, findJob, queryPartitionKeys } from '#shared/db/jobs-repo';
import { indexEntryPartition } from '#shared/db/keys';
import { isFinished, type CleanupJob } from '#shared/management/jobs/model';
import type { Step } from '#shared/management/jobs/steps';

/**
 * Deletes a deleted index's entries: every shard partition of its generation, a page at a time.
 * It starts once writers have forgotten the index (the job's not_before) and its backfill has
 * stopped writing (the backfill ends at its next page when it finds the declaration gone), so
 * nothing writes that generation's entries after the cleanup has passed.
 */
const PAGE_KEYS = 500;
const BACKFILL_POLL_MS = 2_000;
/** A backfill whose job item has not moved for this long is dead (a Lambda runs 15 min at most). */
const BACKFILL_STALE_MS = 16 * 60_000;

export async function cleanupStep(job: CleanupJob): Promise<Step<CleanupJob>> {
  const { shard, start } = job.cursor;
  if (shard === 0 && start === undefined && (await backfillRunning(job.backfill_job_id))) return { kind: 'wait', ms: BACKFILL_POLL_MS };
  if (shard >= job.shards) return { kind: 'done', job };

  const page = await queryPartitionKeys(indexEntryPartition(job.path, job.generation, shard), start, PAGE_KEYS);
  await deleteItems(page.keys);
  const next: CleanupJob = {
    ...job,
    deleted_entries: job.deleted_entries + page.keys.length,
    cursor: page.next ? { shard, start: page.next } : { shard: shard + 1 },
  };
  return next.cursor.shard >= job.shards ? { kind: 'done', job: next } : { kind: 'progress', job: next };
}

async function backfillRunning(id: string): Promise<boolean> {
  const backfill = await findJob(id);
  if (!backfill || isFinished(backfill)) return false;
  return Date.now() - Date.parse(backfill.updated_at) < BACKFILL_STALE_MS;
}
