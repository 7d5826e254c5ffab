/**
 * The slice of API Gateway's HTTP API (payload format 2.0) event and result that we use. The local
 * server and the tests build the same shape, so handlers see one kind of request everywhere.
 */
export interface HttpEvent {
  routeKey?: string;
  rawPath: string;
  rawQueryString: string;
  headers: Record<string, string | undefined>;
  /** Payload 2.0 moves the Cookie header here, one `name=value` per entry (cookies()). */
  cookies?: string[];
  queryStringParameters?: Record<string, string | undefined>;
  pathParameters?: Record<string, string | undefined>;
  body?: string;
  isBase64Encoded: boolean;
  requestContext: {
    requestId: string;
    http: { method: string; path: string; sourceIp: string; userAgent?: string };
  };
}

export interface HttpResult {
  statusCode: number;
  headers: Record<string, string>;
  /** Set-Cookie values (payload 2.0 sends each as its own header). */
  cookies?: string[];
  body: string;
}

/** What a handler returns; the wrapper turns it into an HttpResult. */
export interface Reply {
  status?: number;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as is (an HTML page): the caller sets its content-type. Wins over `body`. */
  text?: string;
  headers?: Record<string, string>;
  cookies?: string[];
}

export const MAX_BODY_BYTES = 1024 * 1024;

export function header(event: HttpEvent, name: string): string | undefined {
  return event.headers[name.toLowerCase()] ?? undefined;
}

export function rawBody(event: HttpEvent): Buffer {
  if (event.body === undefined) return Buffer.alloc(0);
  return Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
}

/** Query parameters as a plain object; a repeated parameter keeps its last value. */
export function queryParams(event: HttpEvent): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (const [k, v] of new URLSearchParams(event.rawQueryString)) out[k] = v;
  return out;
}

/**
 * Path parameters, percent-decoded. The local server and tests pass them encoded; if API Gateway
 * has decoded them already, a second decode changes nothing, because no stored id contains '%'
 * (user ids are checked for it at creation; generated ids are hex).
 */
export function pathParams(event: HttpEvent): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (const [k, v] of Object.entries(event.pathParameters ?? {})) {
    if (v === undefined) continue;
    try {
      out[k] = decodeURIComponent(v);
    } catch {
      out[k] = v;
    }
  }
  return out;
}

/**
 * The request's cookies by name. API Gateway (payload 2.0) passes them in `cookies`; a Cookie
 * header is read as well (other proxies). The first of a repeated name wins, as browsers send
 * the most specific path first. Values are not decoded: ours are base64url.
 */
export function cookies(event: HttpEvent): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  const pairs = [...(event.cookies ?? []), ...(header(event, 'cookie') ?? '').split(';')];
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const name = pair.slice(0, eq).trim();
    if (name && !(name in out)) out[name] = pair.slice(eq + 1).trim();
  }
  return out;
}
