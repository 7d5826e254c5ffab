import { randomUUID } from 'node:crypto';
import type { HttpEvent } from '#shared/http/event';
import type { LambdaHandler } from '#shared/http/handler';
import { routeById, type RouteId } from '#shared/http/routes';
import { managementToken } from '#test/support/tokens';

/**
 * Calls a route's Lambda handler in-process with the event API Gateway would send, found through
 * the route table (so a route missing from the table cannot be tested into existence).
 */
export interface CallOptions {
  params?: Record<string, string>;
  query?: Record<string, string>;
  /** JSON-encoded unless `rawBody` is given. */
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  /** Mint a management token with these scopes (ignored when `token` or an authorization header is set). */
  scopes?: string[];
  token?: string;
  /** The caller's IP as API Gateway reports it (default 203.0.113.7). */
  sourceIp?: string;
  /** Request cookies, `name=value` each (API Gateway's payload 2.0 `cookies`). */
  cookies?: string[];
}

export interface CallResult<T = any> {
  status: number;
  headers: Record<string, string>;
  body: T;
  text: string;
  /** Set-Cookie values of the answer. */
  cookies: string[];
}

const handlers = new Map<string, LambdaHandler>();

async function handlerFor(id: RouteId): Promise<LambdaHandler> {
  const route = routeById(id);
  let handler = handlers.get(route.handler);
  if (!handler) {
    const file = new URL(`../../functions/${route.handler}.ts`, import.meta.url).href;
    handler = ((await import(/* @vite-ignore */ file)) as { handler: LambdaHandler }).handler;
    handlers.set(route.handler, handler);
  }
  return handler;
}

export async function call<T = any>(id: RouteId, options: CallOptions = {}): Promise<CallResult<T>> {
  const route = routeById(id);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(options.headers ?? {})) headers[k.toLowerCase()] = v;
  if (!headers.authorization && route.api === 'management') {
    const token = options.token ?? (options.scopes ? await managementToken({ scopes: options.scopes }) : undefined);
    if (token) headers.authorization = `Bearer ${token}`;
  }
  let body = options.rawBody;
  if (body === undefined && options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const pathParameters = Object.fromEntries(Object.entries(options.params ?? {}).map(([k, v]) => [k, encodeURIComponent(v)]));
  const rawPath = route.path.replace(/\{(\w+)\}/g, (_, name: string) => pathParameters[name] ?? '');
  const event: HttpEvent = {
    routeKey: `${route.method} ${route.path}`,
    rawPath,
    rawQueryString: new URLSearchParams(options.query ?? {}).toString(),
    headers,
    ...(options.cookies ? { cookies: options.cookies } : {}),
    pathParameters,
    body,
    isBase64Encoded: false,
    requestContext: { requestId: randomUUID(), http: { method: route.method, path: rawPath, sourceIp: options.sourceIp ?? '203.0.113.7' } },
  };
  const result = await (await handlerFor(id))(event);
  return {
    status: result.statusCode,
    headers: result.headers,
    text: result.body,
    // Hosted pages answer HTML, Lock's client settings JavaScript: only JSON answers are parsed.
    body: result.body && !/^(text\/html|application\/javascript)/.test(result.headers['content-type'] ?? '') ? JSON.parse(result.body) : undefined,
    cookies: result.cookies ?? [],
  };
}

/** The DynamoDB commands one call made, via the wrapper's request observer. */
export { observeRequests } from '#shared/http/handler';
