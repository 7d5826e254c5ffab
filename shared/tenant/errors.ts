import { ManagementError } from '#shared/platform/errors';

/** Errors of the tenant's settings, answered by Management routes and mapped by the Authentication API. */

export class ConnectionNotFoundError extends ManagementError {
  constructor() {
    super(400, 'inexistent_connection', 'The connection does not exist.');
  }
}
