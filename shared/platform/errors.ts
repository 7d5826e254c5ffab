/**
 * The catalogue of errors the service can answer with. Code throws these; one serializer per API
 * style (shared/http/serialize.ts) turns them into Auth0's bodies. Anything else is a fault and
 * becomes a 500 with a fixed message.
 */

/** Management API errors: `{statusCode, error, message, errorCode}`. */
export class ManagementError extends Error {
  constructor(
    readonly statusCode: number,
    readonly errorCode: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class InvalidBodyError extends ManagementError {
  constructor(detail: string) {
    super(400, 'invalid_body', `Payload validation error: ${detail}`);
  }
}

export class InvalidQueryError extends ManagementError {
  constructor(detail: string) {
    super(400, 'invalid_query_string', `Query validation error: ${detail}`);
  }
}

export class InvalidUriError extends ManagementError {
  constructor(detail: string) {
    super(400, 'invalid_uri', `Path validation error: ${detail}`);
  }
}

/** A metadata object broke a limit; the message names the key and the limit. */
export class MetadataLimitError extends ManagementError {
  constructor(message: string) {
    super(400, 'invalid_body', message);
  }
}

export class ConnectionNotFoundError extends ManagementError {
  constructor() {
    super(400, 'inexistent_connection', 'The connection does not exist.');
  }
}

/** A PATCH named a connection the user has no identity in. */
export class NoIdentityInConnectionError extends ManagementError {
  constructor(connection: string) {
    super(400, 'invalid_body', `The user has no identity in connection ${connection}`);
  }
}

export class BadRequestError extends ManagementError {
  constructor(message: string, errorCode = 'invalid_body') {
    super(400, errorCode, message);
  }
}

export class UnauthorizedError extends ManagementError {
  constructor(
    message: string,
    errorCode: string,
    wwwAuthenticate: string,
    /** Auth0 repeats the reason as `attributes.error` for invalid and expired tokens. */
    readonly attributes?: { error: string },
  ) {
    super(401, errorCode, message, { 'www-authenticate': wwwAuthenticate });
  }
}

/** A bearer value that is not a JWT at all (Auth0: 400, not 401). */
export class BadAuthorizationHeaderError extends ManagementError {
  constructor() {
    super(400, 'invalid_authorization_header', 'Bad HTTP authentication header format');
  }
}

export class InvalidPagingError extends ManagementError {
  constructor() {
    super(
      400,
      'invalid_paging',
      'You can only page through the first 1000 records. See https://auth0.com/docs/users/search/v3/view-search-results-by-page#limitation',
    );
  }
}

export class InsufficientScopeError extends ManagementError {
  constructor(expected: readonly string[]) {
    super(403, 'insufficient_scope', `Insufficient scope, expected any of: ${expected.join(',')}`);
  }
}

export class ForbiddenError extends ManagementError {
  constructor(message: string, errorCode = 'insufficient_scope') {
    super(403, errorCode, message);
  }
}

export class UserNotFoundError extends ManagementError {
  constructor() {
    super(404, 'inexistent_user', 'The user does not exist.');
  }
}

export class RouteNotFoundError extends ManagementError {
  constructor() {
    super(404, 'not_found', 'Not Found');
  }
}

export class UserExistsError extends ManagementError {
  constructor() {
    super(409, 'auth0_idp_error', 'The user already exists.');
  }
}

export class VersionMismatchError extends ManagementError {
  constructor() {
    super(412, 'precondition_failed', 'The user has changed since the ETag given in If-Match.');
  }
}

/** Other writes kept changing the user while this one retried (no If-Match was given). */
export class ConcurrentUpdateError extends ManagementError {
  constructor() {
    super(409, 'concurrent_update', 'The user was changed by other requests while this one was applied; try again.');
  }
}

/** A username sent to a connection that does not use usernames (Auth0's words). */
export class UsernameNotAllowedError extends ManagementError {
  constructor() {
    super(400, 'invalid_body', 'Cannot set username for connection without requires_username');
  }
}

/** A list would examine more items than LIST_SCAN_BUDGET allows. */
export class ListBudgetExceededError extends ManagementError {
  constructor(budget: number) {
    super(
      503,
      'list_budget_exceeded',
      `Listing users reads the whole table, and this one holds more than ${budget} items (LIST_SCAN_BUDGET). Filter by connection, look users up by id or email, or use a users export.`,
    );
  }
}

/**
 * A search no index narrows would examine more items than LIST_SCAN_BUDGET allows. `advice` says
 * what would let an index answer it (the metadata paths to declare, the root fields to combine).
 */
export class SearchBudgetExceededError extends ManagementError {
  constructor(budget: number, fields: readonly string[], advice: string) {
    super(
      400,
      'query_too_expensive',
      `Query validation error: 'Searching ${fields.join(', ')} without an index examines every user, and this tenant holds more than ${budget} items (LIST_SCAN_BUDGET). ${advice}' on property q.`,
    );
  }
}

/** A plain list (no q) that would read more than one request may: counting or sorting every user. */
export class ListTooLargeError extends ManagementError {
  constructor(message: string) {
    super(503, 'list_budget_exceeded', message);
  }
}

/** An indexed search that would read more index entries, or fetch more users, than one request may. */
export class SearchTooBroadError extends ManagementError {
  constructor(detail: string) {
    super(400, 'query_too_expensive', `Query validation error: '${detail}' on property q.`);
  }
}

export class PayloadTooLargeError extends ManagementError {
  constructor(limit: number) {
    super(413, 'payload_too_large', `Payload content length greater than maximum allowed: ${limit}`);
  }
}

/** Authentication API errors: `{error, error_description}` (RFC 6749 §5.2, as Auth0 words them). */
export class OAuthError extends Error {
  constructor(
    readonly statusCode: number,
    readonly error: string,
    readonly description: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(description);
    this.name = 'OAuthError';
  }
}

/**
 * /dbconnections/signup errors, in Auth0's own shape: `{name, code, description, statusCode}`,
 * plus `policy` for a password that breaks the connection's policy. `description` may be an
 * object (PasswordStrengthError carries the policy's rules there).
 */
export class SignupError extends Error {
  constructor(
    readonly statusCode: number,
    readonly errorName: string,
    readonly code: string,
    readonly description: unknown,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(typeof description === 'string' ? description : code);
    this.name = 'SignupError';
  }
}

/**
 * A failure we expected and logged, whose details must not reach the caller (a rule's error text
 * can carry rules-config values or action secrets): answered as a 500 with `publicMessage` and the
 * request id, like any fault, but not logged again as unhandled.
 */
export class HiddenServerError extends Error {
  constructor(readonly publicMessage: string) {
    super(publicMessage);
    this.name = 'HiddenServerError';
  }
}

/**
 * A rate limit refused the request. Each API family answers it in its own shape (the serializer
 * picks by route): Management `too_many_requests`, Authentication `{error: 'too_many_requests'}`.
 */
export class TooManyRequestsError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`Rate limit reached; retry after ${retryAfterSeconds} second${retryAfterSeconds === 1 ? '' : 's'}.`);
    this.name = 'TooManyRequestsError';
  }
}
