import { OAuthError } from '#shared/platform/errors';
import { header, rawBody, type HttpEvent } from '#shared/http/event';

/**
 * An /oauth/token request as the grants see it: parameters from a form or JSON body, and the
 * client's credentials from the body (client_secret_post) or the header (client_secret_basic).
 */
export interface TokenRequest {
  params: Record<string, string>;
  clientId: string | undefined;
  clientSecret: string | undefined;
  /** The caller's address (brute-force protection, rules' context.request.ip). */
  ip: string;
  userAgent: string | undefined;
}

export const invalidRequest = (description: string) => new OAuthError(400, 'invalid_request', description);

export function readTokenRequest(event: HttpEvent): TokenRequest {
  const params = readParams(event);
  const basic = readBasic(header(event, 'authorization'));
  if (basic && params.client_secret !== undefined) {
    throw invalidRequest('Client authentication must use only one method (client_secret_basic or client_secret_post)');
  }
  if (basic && params.client_id !== undefined && params.client_id !== basic.id) {
    throw invalidRequest('client_id in the body does not match the Authorization header');
  }
  return {
    params,
    clientId: basic?.id ?? params.client_id,
    clientSecret: basic?.secret ?? params.client_secret,
    ip: event.requestContext.http.sourceIp,
    userAgent: header(event, 'user-agent'),
  };
}

function readParams(event: HttpEvent): Record<string, string> {
  const text = rawBody(event).toString('utf8');
  const type = (header(event, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  const out: Record<string, string> = Object.create(null);
  if (type === 'application/x-www-form-urlencoded') {
    for (const [k, v] of new URLSearchParams(text)) out[k] = v;
    return out;
  }
  if (type === 'application/json') {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw invalidRequest('The request body is not valid JSON');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalidRequest('The request body must be a JSON object');
    for (const [k, v] of Object.entries(body)) {
      if (typeof v !== 'string') throw invalidRequest(`Invalid value for parameter: ${k} (expected a string)`);
      out[k] = v;
    }
    return out;
  }
  throw invalidRequest('Content-Type must be application/x-www-form-urlencoded or application/json');
}

function readBasic(value: string | undefined): { id: string; secret: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(value ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw invalidRequest('Malformed Basic authorization header');
  try {
    return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
  } catch {
    throw invalidRequest('Malformed Basic authorization header');
  }
}
