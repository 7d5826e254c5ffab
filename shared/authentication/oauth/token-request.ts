import { InvalidRequestError } from '#shared/authentication/errors';

/**
 * An /oauth/token request as the grants see it: parameters from a form or JSON body, and the
 * client's credentials from the body (client_secret_post) or the header (client_secret_basic).
 */
export interface TokenRequest {
  params: Record<string, string>;
  clientId: string | undefined;
  clientSecret: string | undefined;
  /** How the secret came, if one did: the Authorization header or the body. */
  authMethod: 'client_secret_basic' | 'client_secret_post' | undefined;
  /** The caller's address (brute-force protection, rules' context.request.ip). */
  ip: string;
  userAgent: string | undefined;
}

/** What the token Lambda hands over from its event: the body as text, three headers, the address. */
export interface TokenRequestInput {
  body: string;
  contentType: string | undefined;
  authorization: string | undefined;
  userAgent: string | undefined;
  ip: string;
}

export function readTokenRequest(input: TokenRequestInput): TokenRequest {
  const params = readParams(input.body, input.contentType);
  const basic = readBasic(input.authorization);
  if (basic && params.client_secret !== undefined) {
    throw new InvalidRequestError('Client authentication must use only one method (client_secret_basic or client_secret_post)');
  }
  if (basic && params.client_id !== undefined && params.client_id !== basic.id) {
    throw new InvalidRequestError('client_id in the body does not match the Authorization header');
  }
  return {
    params,
    clientId: basic?.id ?? params.client_id,
    clientSecret: basic?.secret ?? params.client_secret,
    authMethod: basic ? 'client_secret_basic' : params.client_secret !== undefined ? 'client_secret_post' : undefined,
    ip: input.ip,
    userAgent: input.userAgent,
  };
}

function readParams(text: string, contentType: string | undefined): Record<string, string> {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  const out: Record<string, string> = Object.create(null);
  if (type === 'application/x-www-form-urlencoded') {
    for (const [k, v] of new URLSearchParams(text)) {
      // RFC 6749 §3.2: a parameter appears once (two `code`s or `redirect_uri`s must not pick one silently).
      if (Object.hasOwn(out, k)) throw new InvalidRequestError(`Parameter '${k.slice(0, 64)}' must not be repeated`);
      out[k] = v;
    }
    return out;
  }
  if (type === 'application/json') {
    for (const [k, v] of Object.entries(jsonObjectBody(text))) {
      if (typeof v !== 'string') throw new InvalidRequestError(`Invalid value for parameter: ${k} (expected a string)`);
      out[k] = v;
    }
    return out;
  }
  throw new InvalidRequestError('Content-Type must be application/x-www-form-urlencoded or application/json');
}

/** A JSON body that must be an object, refused in the OAuth shape otherwise (/oauth/token, /co/authenticate). */
export function jsonObjectBody(text: string): Record<string, unknown> {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new InvalidRequestError('The request body is not valid JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new InvalidRequestError('The request body must be a JSON object');
  return body as Record<string, unknown>;
}

function readBasic(value: string | undefined): { id: string; secret: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(value ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw new InvalidRequestError('Malformed Basic authorization header');
  try {
    return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
  } catch {
    throw new InvalidRequestError('Malformed Basic authorization header');
  }
}
