import { ManagementError } from '#shared/platform/errors';

/** GET /api/v2/jobs/{id} of an unknown or expired job (Auth0's wording as third-party mocks record it; UNCONFIRMED). */
export class JobNotFoundError extends ManagementError {
  constructor() {
    super(404, 'inexistent_job', 'The job does not exist.');
  }
}

/** A job cannot go on; `message` is shown as the job's status_details, so it names no secret. */
export class JobFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JobFailedError';
  }
}
