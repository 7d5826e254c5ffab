import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { config } from '#shared/platform/config';
import { log } from '#shared/platform/log';

/**
 * Starts a job without waiting for it: an asynchronous invocation of the jobs Lambda when
 * JOBS_FUNCTION_NAME is set (AWS), else a run in this process (`npm start`, the tests), which
 * logs a failure instead of throwing it. The job item holds everything the runner needs, so the
 * payload is its id only.
 */
let client: LambdaClient | undefined;

export interface JobPayload {
  job_id: string;
}

export async function launchJob(id: string): Promise<void> {
  const functionName = config.JOBS_FUNCTION_NAME;
  if (functionName) {
    client ??= new LambdaClient({});
    const payload: JobPayload = { job_id: id };
    await client.send(
      new InvokeCommand({ FunctionName: functionName, InvocationType: 'Event', Payload: new TextEncoder().encode(JSON.stringify(payload)) }),
    );
    return;
  }
  // A Lambda is frozen once it answers, so a job started in-process there would never end; Lambda
  // bundles define this constant, and esbuild drops the in-process runner from them.
  if (process.env.BUNDLED_FOR_LAMBDA === 'true') {
    throw new Error('JOBS_FUNCTION_NAME must be set where jobs are launched in Lambda');
  } else {
    // Loaded lazily: job-types imports every job type's steps (and through them the areas that start jobs).
    const { runJob } = await import('#shared/management/job-types');
    void runJob(id).catch((error: unknown) => {
      log.error('job runner failed', { jobId: id, error: error instanceof Error ? { name: error.name, message: error.message } : String(error) });
    });
  }
}
