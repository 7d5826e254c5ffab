/**
 * The base error classes, and the errors any API's adapter raises (validation, authentication,
 * scopes, unknown route, size and rate limits, hidden faults). Each feature group's catalogue
 * extends these (shared/management/errors.ts, shared/tenant/errors.ts, the Authentication API's);
 * one serializer per API style (shared/http/serialize.ts) turns them into Auth0's bodies.
 * Anything else is a fault and becomes a 500 with a fixed message.
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

export class InsufficientScopeError extends ManagementError {
  constructor(expected: readonly string[], all = false) {
    super(403, 'insufficient_scope', `Insufficient scope, expected ${all ? 'all' : 'any'} of: ${expected.join(',')}`);
  }
}

export class RouteNotFoundError extends ManagementError {
  constructor() {
    super(404, 'not_found', 'Not Found');
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

  /** Response headers (CORS: a browser must be able to read the refusal). */
  readonly headers: Record<string, string> = {};
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
