import { findJob, saveJob } from '#shared/db/jobs-repo';
import { HiddenServerError } from '#shared/platform/errors';
import { JobNotFoundError } from '#shared/management/errors';
import { launchJob } from '#shared/management/jobs/launch';
import { FINISHED_JOB_TTL_SECONDS, isFinished, type JobRecord } from '#shared/management/jobs/model';
import { log } from '#shared/platform/log';

/** GET /api/v2/jobs/{id}. A job past its expiry is gone, even before DynamoDB deletes it. */
export async function getJob(id: string): Promise<JobRecord> {
  const job = await findJob(id);
  if (!job || (job.ttl !== undefined && job.ttl * 1000 < Date.now())) throw new JobNotFoundError();
  return job;
}

/**
 * Launches a job just written. If it cannot be launched, the request fails with a 500 that tells
 * the caller what to do, and the job says so instead of staying `pending` for ever, unless
 * `retryable`: then it stays pending, and resumeJob (the seed) launches it again.
 */
export async function startJob(job: JobRecord, remedy: string, retryable = false): Promise<void> {
  try {
    await launchJob(job.id);
  } catch (error) {
    log.error('job could not be launched', { jobId: job.id, error: error instanceof Error ? error.name : String(error) });
    if (!retryable) {
      const now = Date.now();
      const failed = { status: 'failed' as const, updated_at: new Date(now).toISOString(), ttl: Math.floor(now / 1000) + FINISHED_JOB_TTL_SECONDS };
      await saveJob({ ...job, ...failed, revision: job.revision + 1, status_details: 'The job could not be started.' }, job.revision);
    }
    throw new HiddenServerError(`The job ${job.id} could not be started; ${remedy}`);
  }
}

/** Launches a job again if it has not finished: the runner resumes from the job's cursor. */
export async function resumeJob(id: string): Promise<void> {
  const job = await findJob(id);
  if (job && !isFinished(job)) await launchJob(id);
}
