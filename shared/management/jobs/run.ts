import { findJob, saveJob } from '#shared/db/jobs-repo';
import { isTransient } from '#shared/db/items';
import { JobFailedError } from '#shared/management/jobs/errors';
import { FINISHED_JOB_TTL_SECONDS, isFinished, percentageDone, type JobRecord } from '#shared/management/jobs/model';
import { sleep, type JobSteps, type Step } from '#shared/management/jobs/steps';
import { log } from '#shared/platform/log';

/**
 * Runs a job from the cursor saved in its item, a step at a time, saving after each step. Every
 * save is conditional on the revision read, so when two runners meet (a retried Lambda event, a
 * continuation racing a retry) the one that saves second stops. Steps are idempotent, so work
 * redone after a crash writes the same items again.
 */
export interface RunLimits {
  /** Epoch ms: past it, the runner stops after the current step (progress is saved) and answers 'paused'. */
  stopAt?: number;
}

/** 'paused': more to do (the caller starts it again); 'finished': completed or failed; 'superseded': another runner has it. */
export type RunOutcome = 'finished' | 'paused' | 'superseded';

export async function runJobWith(steps: JobSteps, id: string, limits: RunLimits = {}): Promise<RunOutcome> {
  const found = await findJob(id);
  if (!found || isFinished(found)) return 'finished';
  let job: JobRecord = found;
  if (!(await waitUntil(Date.parse(job.not_before), limits))) return 'paused';
  try {
    for (;;) {
      const current = job;
      const step = await withRetries(() => stepOf(steps, current));
      if (step.kind === 'wait') {
        if (!(await waitUntil(Date.now() + step.ms, limits))) return 'paused';
        continue;
      }
      const next = saved(step.job, step.kind === 'done' ? 'completed' : 'processing');
      if (!(await saveJob(next, job.revision))) return 'superseded';
      job = next;
      if (step.kind === 'done') return 'finished';
      if (pastStop(limits)) return 'paused';
    }
  } catch (error) {
    await fail(job, error);
    return 'finished';
  }
}

const TRANSIENT_ATTEMPTS = 8;

/** A step that meets throttling or a conflict is tried again (steps are idempotent), backing off up to ~30 s. */
async function withRetries<T>(step: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      if (!isTransient(error) || attempt >= TRANSIENT_ATTEMPTS) throw error;
      log.warn('job step failed transiently; retrying', { attempt, error: (error as Error).name });
      await sleep(Math.min(30_000, 250 * 2 ** attempt));
    }
  }
}

/** The step of the job's own type (JobSteps pairs each type with the function for its record). */
function stepOf(steps: JobSteps, job: JobRecord): Promise<Step<JobRecord>> {
  const step = steps[job.type] as (job: JobRecord) => Promise<Step<JobRecord>>;
  return step(job);
}

function saved<J extends JobRecord>(job: J, status: J['status']): J {
  const now = new Date();
  const next: J = { ...job, status, updated_at: now.toISOString(), revision: job.revision + 1 };
  next.percentage_done = percentageDone(next);
  if (status === 'completed' || status === 'failed') next.ttl = Math.floor(now.getTime() / 1000) + FINISHED_JOB_TTL_SECONDS;
  return next;
}

/** Failures the job expected say why; anything else is logged, and the job shows only a reference. */
async function fail(job: JobRecord, error: unknown): Promise<void> {
  const expected = error instanceof JobFailedError;
  if (!expected) log.error('job failed', { jobId: job.id, type: job.type, error: error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : String(error) });
  const details = expected ? error.message : `An internal error occurred. Reference: ${job.id}`;
  await saveJob({ ...saved(job, 'failed'), status_details: details }, job.revision);
}

const pastStop = (limits: RunLimits) => limits.stopAt !== undefined && Date.now() >= limits.stopAt;

/** Sleeps until `at`; false (without sleeping) if that is past the stop time. */
async function waitUntil(at: number, limits: RunLimits): Promise<boolean> {
  if (limits.stopAt !== undefined && at > limits.stopAt) return false;
  const ms = at - Date.now();
  if (ms > 0) await sleep(ms);
  return true;
}
