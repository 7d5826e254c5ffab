/**
 * A job cannot go on; `message` is shown as the job's status_details, so it names no secret. Not a
 * Management API answer (the job's status carries it), hence not in shared/management/errors.ts.
 */
export class JobFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JobFailedError';
  }
}
