import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { RouteNotFoundError } from '#shared/platform/errors';
import { MAX_BODY_BYTES, type HttpEvent, type HttpResult } from '#shared/http/event';
import type { LambdaHandler } from '#shared/http/handler';
import { routes, type RouteDef } from '#shared/http/routes';
import { serializeError } from '#shared/http/serialize';

/**
 * The local stand-in for API Gateway: serves every route of the route table by turning a Node
 * request into the same HTTP API event Lambda receives, and calling that route's handler.
 */
interface CompiledRoute {
  route: RouteDef;
  pattern: RegExp;
  params: string[];
  handler: LambdaHandler;
}

export async function loadRoutes(): Promise<CompiledRoute[]> {
  return Promise.all(
    routes.map(async (route) => {
      const params: string[] = [];
      const source = route.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_, name: string) => {
        params.push(name);
        return '([^/]+)';
      });
      // @vite-ignore: tests serve the same table in-process (vitest would otherwise rewrite this import).
      const module = (await import(/* @vite-ignore */ `../../functions/${route.handler}.ts`)) as { handler: LambdaHandler };
      return { route, pattern: new RegExp(`^${source}$`), params, handler: module.handler };
    }),
  );
}

export async function createLocalServer(): Promise<Server> {
  const compiled = await loadRoutes();
  return createServer((req, res) => {
    handle(compiled, req, res).catch((error: unknown) => {
      res.destroy(error instanceof Error ? error : undefined);
    });
  });
}

async function handle(compiled: CompiledRoute[], req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://local');
  const method = req.method ?? 'GET';
  const body = await readBody(req);
  for (const entry of compiled) {
    if (entry.route.method !== method) continue;
    const match = entry.pattern.exec(url.pathname);
    if (!match) continue;
    const pathParameters = Object.fromEntries(entry.params.map((name, i) => [name, match[i + 1]]));
    return send(res, await entry.handler(toEvent(req, url, body, pathParameters)));
  }
  send(res, serializeError('management', new RouteNotFoundError(), randomUUID()));
}

/** Reads at most one byte past the limit, so an oversized body reaches the handler's 413 check. */
async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    if (size > MAX_BODY_BYTES) continue;
    chunks.push(chunk);
    size += chunk.length;
  }
  return Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES + 1);
}

function toEvent(req: IncomingMessage, url: URL, body: Buffer, pathParameters: Record<string, string | undefined>): HttpEvent {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  // As API Gateway (payload 2.0): the Cookie header becomes `cookies`, one entry per cookie.
  const cookieHeader = headers.cookie;
  delete headers.cookie;
  const cookies = cookieHeader?.split(';').map((c) => c.trim()).filter(Boolean);
  return {
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(cookies?.length ? { cookies } : {}),
    pathParameters,
    body: body.length > 0 ? body.toString('base64') : undefined,
    isBase64Encoded: true,
    requestContext: {
      requestId: randomUUID(),
      http: { method: req.method ?? 'GET', path: url.pathname, sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: req.headers['user-agent'] },
    },
  };
}

function send(res: ServerResponse, result: HttpResult): void {
  if (result.cookies?.length) res.setHeader('set-cookie', result.cookies);
  res.writeHead(result.statusCode, result.headers);
  res.end(result.body);
}
