// A namespace import lets esbuild drop what is unused (zod's locales alone are 264 KB).
import * as z from 'zod';
import { launchJob } from '#shared/management/jobs/launch';
import { runJob } from '#shared/management/job-types';
import type { RunOutcome } from '#shared/management/jobs/run';

/**
 * The jobs Lambda (not an HTTP route): invoked asynchronously with `{job_id}` by the routes that
 * start jobs, and by itself. It runs the job until a minute before its deadline (progress is saved
 * after every step), then invokes itself again, and the next run resumes from the job's cursor.
 * A thrown error makes Lambda retry the event, which resumes the same way.
 */
const Payload = z.object({ job_id: z.string().min(1).max(128) });
const MARGIN_MS = 60_000;

interface LambdaContext {
  getRemainingTimeInMillis(): number;
}

export async function handler(event: unknown, context: LambdaContext): Promise<{ job_id: string; outcome: RunOutcome }> {
  const { job_id } = Payload.parse(event);
  const outcome = await runJob(job_id, { stopAt: Date.now() + context.getRemainingTimeInMillis() - MARGIN_MS });
  if (outcome === 'paused') await launchJob(job_id);
  return { job_id, outcome };
}
