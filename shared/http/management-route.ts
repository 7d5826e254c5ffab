import type * as z from 'zod';
import { verifyManagementToken } from '#shared/authentication/tokens/access-token';
import { hasAnyScope, type Caller } from '#shared/tenant/caller';
import { InsufficientScopeError } from '#shared/platform/errors';
import { header, queryParams, type Reply } from '#shared/http/event';
import { wrap, type BaseRequest, type LambdaHandler } from '#shared/http/handler';
import { jsonBody } from '#shared/http/json-body';
import { routeById, type RouteId } from '#shared/http/routes';
import { parseBody, parsePath, parseQuery } from '#shared/platform/validation';

/**
 * A Management API route: a verified bearer token holding any of the route's scopes, then the
 * query and body parsed with the route's zod schemas, then the handler.
 */
export interface ManagementRequest<P, Q, B> extends Omit<BaseRequest, 'params'> {
  params: P;
  query: Q;
  body: B;
  caller: Caller;
}

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export function managementRoute<
  PS extends z.ZodType | undefined = undefined,
  QS extends z.ZodType | undefined = undefined,
  BS extends z.ZodType | undefined = undefined,
>(
  id: RouteId,
  schemas: { params?: PS; query?: QS; body?: BS },
  fn: (req: ManagementRequest<Out<PS>, Out<QS>, Out<BS>>) => Promise<Reply>,
): LambdaHandler {
  const route = routeById(id);
  const scopes = route.scopes ?? [];
  const accepted = [...scopes, ...(route.alsoAccepts ?? [])];
  return wrap(route, async (base) => {
    const caller = await verifyManagementToken(header(base.event, 'authorization'));
    // Only a verified token names the client: an unverified azp would let anyone drain another's bucket.
    base.limits?.admitClient(caller.clientId ?? caller.subject);
    if (route.requiresAllScopes) {
      if (!scopes.every((s) => caller.scopes.has(s))) throw new InsufficientScopeError(scopes, true);
    } else if (!hasAnyScope(caller, accepted)) throw new InsufficientScopeError(scopes);
    const params = schemas.params ? parsePath(schemas.params, base.params) : undefined;
    const query = schemas.query ? parseQuery(schemas.query, queryParams(base.event)) : undefined;
    const body = schemas.body ? parseBody(schemas.body, jsonBody(base.event) ?? {}) : undefined;
    return fn({ ...base, caller, params: params as Out<PS>, query: query as Out<QS>, body: body as Out<BS> });
  });
}

