import { STATUS_CODES } from 'node:http';
import { cookies, header, queryParams, type HttpResult, type Reply } from '#shared/http/event';
import { wrap, type BaseRequest, type LambdaHandler } from '#shared/http/handler';
import { routeById, type RouteId } from '#shared/http/routes';
import { toHttpResult } from '#shared/http/serialize';
import { PageError } from '#shared/authentication/authorize/request';
import { errorPage } from '#shared/authentication/authorize/respond';
import { HiddenServerError, OAuthError, TooManyRequestsError } from '#shared/platform/errors';

/**
 * A route a browser navigates to (/authorize, the hosted screens, logout): its handler gets the
 * query and cookies, and any failure it does not answer itself is a product-looking HTML page, not
 * JSON: a refused rate limit (429, Retry-After), or a fault (500 with the request id to quote).
 */
export interface PageRequest extends BaseRequest {
  query: Record<string, string>;
  cookies: Record<string, string>;
  userAgent: string | undefined;
}

export function pageRoute(id: RouteId, fn: (req: PageRequest) => Promise<Reply>): LambdaHandler {
  return wrap(
    routeById(id),
    (base) =>
      fn({ ...base, query: queryParams(base.event), cookies: cookies(base.event), userAgent: header(base.event, 'user-agent') }).catch((error: unknown) => {
        // An expected refusal (a malformed form, a forged hint): a page, and not a fault in the log.
        if (error instanceof PageError) return errorPage(error.statusCode, error.title, error.description, error.code);
        throw error;
      }),
    pageForError,
  );
}

function pageForError(error: unknown, requestId: string): HttpResult {
  if (error instanceof TooManyRequestsError) {
    const reply = errorPage(429, 'Too many requests', 'Too many requests from this network. Wait a moment, then try again.', 'too_many_requests');
    return toHttpResult({ ...reply, headers: { ...reply.headers, 'retry-after': String(error.retryAfterSeconds) } });
  }
  if (error instanceof OAuthError) return toHttpResult(errorPage(error.statusCode, 'Something went wrong', error.description, error.error));
  const message = error instanceof HiddenServerError ? error.publicMessage : 'Something went wrong on our side.';
  return toHttpResult(errorPage(500, STATUS_CODES[500] ?? 'Error', `${message} Reference: ${requestId}`, 'server_error'));
}
