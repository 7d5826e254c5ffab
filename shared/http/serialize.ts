import { STATUS_CODES } from 'node:http';
import { HiddenServerError, ManagementError, OAuthError, SignupError, TooManyRequestsError, UnauthorizedError } from '#shared/platform/errors';
import type { HttpResult, Reply } from '#shared/http/event';

/**
 * The only place error bodies are built. Known errors keep their status and words; anything else
 * is a fault: a 500 with a fixed message and the request id, the details go to the log only.
 */
/** `page` routes render their own errors (page-route.ts); what reaches here is answered as `public`. */
export type ErrorStyle = 'management' | 'oauth' | 'signup' | 'public' | 'page';

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

export function toHttpResult(reply: Reply): HttpResult {
  const json = reply.text === undefined && reply.body !== undefined;
  return {
    statusCode: reply.status ?? 200,
    headers: { ...(json ? JSON_HEADERS : {}), ...reply.headers },
    ...(reply.cookies?.length ? { cookies: reply.cookies } : {}),
    body: reply.text ?? (json ? JSON.stringify(reply.body) : ''),
  };
}

export function isKnownError(error: unknown): error is ManagementError | OAuthError | SignupError | HiddenServerError | TooManyRequestsError {
  return (
    error instanceof ManagementError ||
    error instanceof OAuthError ||
    error instanceof SignupError ||
    error instanceof HiddenServerError ||
    error instanceof TooManyRequestsError
  );
}

export function serializeError(style: ErrorStyle, error: unknown, requestId: string): HttpResult {
  if (error instanceof TooManyRequestsError) return serializeError(style, tooManyRequests(style, error), requestId);
  if (error instanceof OAuthError) {
    return toHttpResult({
      status: error.statusCode,
      headers: { 'cache-control': 'no-store', ...error.headers },
      body: { error: error.error, error_description: error.description },
    });
  }
  if (error instanceof SignupError) {
    // Auth0's order: name, message (PasswordStrengthError only), code, description, policy, statusCode.
    const { message, ...rest } = error.extra;
    return toHttpResult({
      status: error.statusCode,
      headers: error.headers,
      body: {
        name: error.errorName,
        ...(message !== undefined ? { message } : {}),
        code: error.code,
        description: error.description,
        ...rest,
        statusCode: error.statusCode,
      },
    });
  }
  if (error instanceof ManagementError) {
    return toHttpResult({ status: error.statusCode, headers: error.headers, body: managementBody(error) });
  }
  const message = `${error instanceof HiddenServerError ? error.publicMessage : 'An internal error occurred.'} Reference: ${requestId}`;
  if (style === 'signup') {
    return toHttpResult({ status: 500, body: { name: 'Error', code: 'server_error', description: message, statusCode: 500 } });
  }
  if (style === 'oauth') {
    return toHttpResult({ status: 500, body: { error: 'server_error', error_description: message } });
  }
  return toHttpResult({
    status: 500,
    body: { statusCode: 500, error: STATUS_CODES[500], message, errorCode: 'server_error' },
  });
}

function managementBody(error: ManagementError) {
  return {
    statusCode: error.statusCode,
    error: STATUS_CODES[error.statusCode] ?? 'Error',
    message: error.message,
    errorCode: error.errorCode,
    ...(error instanceof UnauthorizedError && error.attributes ? { attributes: error.attributes } : {}),
  };
}

/** A rate limit's refusal in the route's own shape (the limiter adds the headers). */
function tooManyRequests(style: ErrorStyle, error: TooManyRequestsError): Error {
  if (style === 'management') return new ManagementError(429, 'too_many_requests', error.message);
  if (style === 'signup') return new SignupError(429, 'TooManyRequestsError', 'too_many_requests', error.message);
  return new OAuthError(429, 'too_many_requests', error.message);
}
