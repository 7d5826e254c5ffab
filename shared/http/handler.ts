import { randomUUID } from 'node:crypto';
import { config } from '#shared/platform/config';
import { withDbMetrics, type DbMetrics } from '#shared/db/metrics';
import { PayloadTooLargeError } from '#shared/platform/errors';
import { throughEdge } from '#shared/http/edge-origin';
import { MAX_BODY_BYTES, pathParams, rawBody, type HttpEvent, type HttpResult, type Reply } from '#shared/http/event';
import { limitsFor, type RequestLimits } from '#shared/http/rate-limit';
import { routeById, type RouteDef, type RouteId } from '#shared/http/routes';
import { isKnownError, serializeError, toHttpResult } from '#shared/http/serialize';
import { log } from '#shared/platform/log';

/**
 * The handler wrappers: every Lambda is `export const handler = <kind>Route(id, ..., fn)`. The
 * wrapper owns what every endpoint shares (body limits, parsing, error serialization, the access
 * log with DynamoDB cost), so handlers stay one call long. Management routes add token checks in
 * management-route.ts, which public routes do not bundle.
 */
export type LambdaHandler = (event: HttpEvent) => Promise<HttpResult>;

export interface BaseRequest {
  event: HttpEvent;
  requestId: string;
  params: Record<string, string>;
  headers: HttpEvent['headers'];
  sourceIp: string;
  /** The request's rate limits (undefined when off); routes that learn the client later admit it here. */
  limits: RequestLimits | undefined;
}

/** What every request reports when it completes (to the log, and to observers such as the benchmark). */
export interface RequestRecord {
  requestId: string;
  route: RouteId;
  status: number;
  ms: number;
  db: DbMetrics;
}

const observers = new Set<(record: RequestRecord) => void>();

/** Subscribes to completed requests; returns the unsubscribe function. */
export function observeRequests(listener: (record: RequestRecord) => void): () => void {
  observers.add(listener);
  return () => observers.delete(listener);
}

/** `answerError` may answer a failure its own way (the hosted pages answer with HTML); undefined: the route's API style. */
export type ErrorAnswer = (error: unknown, requestId: string, event: HttpEvent) => HttpResult | undefined | Promise<HttpResult | undefined>;

export function wrap(route: RouteDef, inner: (req: BaseRequest) => Promise<Reply>, answerError?: ErrorAnswer): LambdaHandler {
  return async (received) => {
    const requestId = received.requestContext.requestId || randomUUID();
    const started = performance.now();
    let limits: RequestLimits | undefined;
    const { result, metrics } = await withDbMetrics(async () => {
      try {
        const event = config.EDGE_ORIGIN_SECRET ? throughEdge(received, config.EDGE_ORIGIN_SECRET) : received;
        if (rawBody(event).length > MAX_BODY_BYTES) throw new PayloadTooLargeError(MAX_BODY_BYTES);
        limits = limitsFor(route, event);
        limits?.admitRequest();
        const reply = await inner({
          event,
          requestId,
          params: pathParams(event),
          headers: event.headers,
          sourceIp: event.requestContext.http.sourceIp,
          limits,
        });
        return toHttpResult(reply);
      } catch (error) {
        if (!isKnownError(error)) log.error('unhandled error', { requestId, route: route.id, error: describeFault(error) });
        return (await answerError?.(error, requestId, received)) ?? serializeError(route.api, error, requestId);
      }
    });
    if (limits) Object.assign(result.headers, limits.headers());
    const record: RequestRecord = {
      requestId,
      route: route.id as RouteId,
      status: result.statusCode,
      ms: Math.round((performance.now() - started) * 10) / 10,
      db: metrics,
    };
    log.info('request', { ...record });
    for (const observer of observers) observer(record);
    return result;
  };
}

function describeFault(error: unknown) {
  return error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : { value: String(error) };
}

/**
 * Authentication API and public routes: no bearer token; the handler reads the event itself.
 * Browser-callable routes pass `corsOnRefusals(...)` (shared/http/cors-refusals.ts) as `answerError`.
 */
export function openRoute(id: RouteId, fn: (req: BaseRequest) => Promise<Reply>, answerError?: ErrorAnswer): LambdaHandler {
  return wrap(routeById(id), fn, answerError);
}
