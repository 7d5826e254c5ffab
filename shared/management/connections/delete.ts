import { findConnectionById, findConnectionEntry, markConnectionDeleted } from '#shared/db/connections-repo';
import { findJob } from '#shared/db/jobs-repo';
import { tenantChanged } from '#shared/platform/cache';
import { resumeJob, startJob } from '#shared/management/jobs/jobs';
import { isFinished, newConnectionDeleteJob } from '#shared/management/jobs/model';

/**
 * DELETE /api/v2/connections/{id}: Auth0 deletes the connection and its users, answering 202
 * `{deleted_at}`; a repeat while that runs answers the same; afterwards the connection is gone
 * (GET 404, DELETE 204).
 *
 * The first write (one transaction) marks the connection deleted on both its items, writes the
 * job and bumps the extensions generation: from then on no login (which reads the generation and,
 * after a change, its connection again, wherever it runs), no signup and no user creation (whose
 * transaction checks the mark) goes through it.
 * The job then deletes the users and finally the connection, so its name stays taken (409) until
 * no user of it is left.
 */
export type DeleteOutcome = { status: 202; deleted_at: string } | { status: 204 };

/** A job whose item has not moved for this long died with its runner (a Lambda runs 15 min at most). */
const STALE_JOB_MS = 16 * 60_000;
/** A job still `pending` this long after it was written was never launched (the launch failed). */
const UNLAUNCHED_JOB_MS = 60_000;

export async function deleteConnection(id: string): Promise<DeleteOutcome> {
  const live = await findConnectionById(id);
  if (!live) return pending(id);
  const now = new Date();
  const job = newConnectionDeleteJob(live, now);
  if (!(await markConnectionDeleted(live, now.toISOString(), job))) return pending(id);
  tenantChanged();
  await startJob(job, 'send the DELETE again to resume it.', true);
  return { status: 202, deleted_at: now.toISOString() };
}

/** A connection already being deleted answers as the first DELETE did, and its job is relaunched if it died. */
async function pending(id: string): Promise<DeleteOutcome> {
  const entry = await findConnectionEntry(id);
  if (!entry?.deleted_at) return { status: 204 };
  const job = entry.delete_job_id ? await findJob(entry.delete_job_id) : undefined;
  const idle = job ? Date.now() - Date.parse(job.updated_at) : 0;
  if (job && !isFinished(job) && (idle > STALE_JOB_MS || (job.status === 'pending' && idle > UNLAUNCHED_JOB_MS))) await resumeJob(job.id);
  return { status: 202, deleted_at: entry.deleted_at };
}
