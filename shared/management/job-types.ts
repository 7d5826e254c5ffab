import { runJobWith, type RunLimits, type RunOutcome } from '#shared/management/jobs/run';
import type { JobSteps } from '#shared/management/jobs/steps';
import { backfillStep } from '#shared/management/users/index-backfill-job';
import { cleanupStep } from '#shared/management/search-indexes/cleanup-job';
import { connectionDeleteStep } from '#shared/management/connections/delete-job';

/**
 * Every job type and where its steps live. The job machinery (shared/management/jobs) runs any of
 * them and knows none: a new job type adds its record to jobs/model.ts, its steps to its own area,
 * and one line here. Only the jobs Lambda and the in-process launcher (npm start, tests) import
 * this module, so an area that starts jobs does not depend on every job type's code.
 */
export const JOB_STEPS: JobSteps = {
  search_index_backfill: backfillStep,
  search_index_cleanup: cleanupStep,
  connection_delete: connectionDeleteStep,
};

export const runJob = (id: string, limits: RunLimits = {}): Promise<RunOutcome> => runJobWith(JOB_STEPS, id, limits);
