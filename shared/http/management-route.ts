import type * as z from 'zod';
import { verifyManagementToken } from '#shared/auth/access-token';
import { hasAnyScope, type Caller } from '#shared/auth/caller';
import { InsufficientScopeError } from '#shared/errors';
import { header, queryParams, type Reply } from '#shared/http/event';
import { wrap, type BaseRequest, type LambdaHandler } from '#shared/http/handler';
import { jsonBody } from '#shared/http/json-body';
import { routeById, type RouteId } from '#shared/http/routes';
import { parseBody, parseQuery } from '#shared/http/validation';

/**
 * A Management API route: a verified bearer token holding any of the route's scopes, then the
 * query and body parsed with the route's zod schemas, then the handler.
 */
export interface ManagementRequest<Q, B> extends BaseRequest {
  query: Q;
  body: B;
  caller: Caller;
}

export function managementRoute<QS extends z.ZodType = z.ZodUndefined, BS extends z.ZodType = z.ZodUndefined>(
  id: RouteId,
  schemas: { query?: QS; body?: BS },
  fn: (req: ManagementRequest<z.output<QS>, z.output<BS>>) => Promise<Reply>,
): LambdaHandler {
  const route = routeById(id);
  const scopes = route.scopes ?? [];
  return wrap(route, async (base) => {
    const caller = await verifyManagementToken(header(base.event, 'authorization'));
    if (!hasAnyScope(caller, scopes)) throw new InsufficientScopeError(scopes);
    const query = schemas.query ? parseQuery(schemas.query, queryParams(base.event)) : undefined;
    const body = schemas.body ? parseBody(schemas.body, jsonBody(base.event) ?? {}) : undefined;
    return fn({ ...base, caller, query: query as z.output<QS>, body: body as z.output<BS> });
  });
}

