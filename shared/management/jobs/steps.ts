import type { JobRecord } from '#shared/management/jobs/model';

/** What one step of a job did: moved on (saved by the runner), ended, or has to wait for something. */
export type Step<J extends JobRecord> =
  | { kind: 'progress'; job: J }
  | { kind: 'done'; job: J }
  | { kind: 'wait'; ms: number };

/**
 * How to run one step of each job type. The job machinery (this folder) knows no job type's work:
 * each type's steps live in its own area and are listed in shared/management/job-types.ts.
 */
export type JobSteps = { [T in JobRecord['type']]: (job: Extract<JobRecord, { type: T }>) => Promise<Step<JobRecord>> };

export const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** Runs `fn` over the items with at most `limit` in flight. */
export async function forEachLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
