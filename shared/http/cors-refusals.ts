import { PayloadTooLargeError, TooManyRequestsError } from '#shared/platform/errors';
import { refusalCorsHeaders, type CorsOptions } from '#shared/authentication/oauth/cors';
import { header } from '#shared/http/event';
import type { ErrorAnswer } from '#shared/http/handler';
import { routeById, type RouteId } from '#shared/http/routes';
import { serializeError } from '#shared/http/serialize';

/**
 * For the routes a browser application calls (Lock's /co/authenticate and signup, /oauth/token,
 * /oauth/revoke, /userinfo): the refusals the wrapper makes before the handler runs, a rate
 * limit's 429 and a body over 1 MB, carry the CORS headers an allowed origin gets, so the
 * application can read them (Lock then shows its own "too many requests" text instead of a
 * network error). Every other failure goes through the handler's own CORS (`withCors`).
 */
export function corsOnRefusals(id: RouteId, options: CorsOptions = {}): ErrorAnswer {
  const { api } = routeById(id);
  return async (error, requestId, event) => {
    if (!(error instanceof TooManyRequestsError || error instanceof PayloadTooLargeError)) return undefined;
    const result = serializeError(api, error, requestId);
    Object.assign(result.headers, await refusalCorsHeaders(header(event, 'origin'), options));
    return result;
  };
}
