import { OAuthError, SignupError } from '#shared/platform/errors';
import { loadClient } from '#shared/tenant/clients';
import { anyClientAllowsOrigin, clientAllowsOrigin } from '#shared/tenant/cors-origins';
import { OriginNotAllowedError } from '#shared/authentication/errors';

/**
 * CORS for the endpoints a browser application calls (auth0-spa-js posts to /oauth/token with
 * its `Auth0-Client` header, so the browser preflights). The exact origin is echoed, never `*`.
 * Credentials are allowed only where asked (`{ credentials: true }`): auth0.js posts
 * /co/authenticate with `credentials: 'include'` so that our Set-Cookie binds the browser, and a
 * credentialed answer the browser may read needs `access-control-allow-credentials: true` on
 * the preflight AND the response. docs/authorization-code.md, docs/lock.md.
 */
export const CORS_ALLOWED_HEADERS = ['content-type', 'auth0-client', 'authorization'];
/** Chromium caps a preflight's cache at 2 hours. */
const PREFLIGHT_MAX_AGE_SECONDS = 7200;

export interface CorsOptions {
  /** The browser sends cookies and reads Set-Cookie (`fetch(..., {credentials: 'include'})`). */
  credentials?: boolean;
  /** The refusal of an origin the named application does not allow (default: /oauth/token's 403 access_denied). */
  refuse?: (origin: string) => Error;
}

const CREDENTIALS_HEADER = { 'access-control-allow-credentials': 'true' };

/**
 * The answer to `OPTIONS` from `origin`: it carries no client_id, so the origin passes if any
 * application allows it. Otherwise no allow headers at all (the browser then blocks the request).
 */
export async function preflightHeaders(
  origin: string | undefined,
  requestedHeaders: string | undefined,
  methods: string,
  options: CorsOptions = {},
): Promise<Record<string, string>> {
  const headers: Record<string, string> = { vary: 'Origin, Access-Control-Request-Headers' };
  if (origin === undefined || !isSerializedOrigin(origin) || !(await anyClientAllowsOrigin(origin))) return headers;
  const requested = (requestedHeaders ?? '').split(',').map((h) => h.trim().toLowerCase()).filter(Boolean);
  const allowed = requested.filter((h) => CORS_ALLOWED_HEADERS.includes(h));
  return {
    ...headers,
    'access-control-allow-origin': origin,
    ...(options.credentials ? CREDENTIALS_HEADER : {}),
    'access-control-allow-methods': methods,
    ...(allowed.length > 0 ? { 'access-control-allow-headers': allowed.join(', ') } : {}),
    'access-control-max-age': String(PREFLIGHT_MAX_AGE_SECONDS),
  };
}

/**
 * An Origin header as browsers serialise it (`https://host[:port]`, lower case, no path): only
 * such a value is ever echoed; anything else (a trailing `/`, upper case, a path) passes nowhere.
 */
function isSerializedOrigin(origin: string): boolean {
  try {
    return new URL(origin).origin === origin;
  } catch {
    return false;
  }
}

/** Our client ids are 32 characters; a longer one is never looked up. */
const MAX_CLIENT_ID_LENGTH = 128;

/**
 * The CORS headers for a refusal made before any client is known (a rate limit's 429, a body over
 * 1 MB): the origin is echoed if any application allows it, as `withCors` does for a request that
 * names no client, so the application can read the refusal.
 */
export async function refusalCorsHeaders(origin: string | undefined, options: CorsOptions = {}): Promise<Record<string, string>> {
  if (origin === undefined) return {};
  const allowed = isSerializedOrigin(origin) && (await anyClientAllowsOrigin(origin).catch(() => false));
  return { vary: 'Origin', ...(allowed ? { 'access-control-allow-origin': origin, ...(options.credentials ? CREDENTIALS_HEADER : {}) } : {}) };
}

/**
 * Runs a browser-callable request and returns the CORS headers for its answer; an error thrown
 * carries them too (an SPA must be able to read `{error, error_description}`). `work` calls
 * `admit(clientId)` as soon as it knows the client, before any other work: an origin that
 * application does not allow is refused there (403, nothing used or written). Before a client is
 * known, or for an unknown one, the origin passes if any application allows it.
 *
 * `{ credentials: true }` (POST /co/authenticate) adds `access-control-allow-credentials: true`
 * wherever the origin is echoed, errors included, so the browser hands the answer (and its
 * Set-Cookie) to the page:
 *   const { result, headers } = await withCors(header(event, 'origin'), async (admit) => {
 *     const body = parse(event); await admit(body.client_id); return authenticate(body);
 *   }, { credentials: true });
 *   return { body: result, headers: { 'cache-control': 'no-store', ...headers }, cookies: [...] };
 */
export async function withCors<T>(
  origin: string | undefined,
  work: (admit: (clientId: string | undefined) => Promise<void>) => Promise<T>,
  options: CorsOptions = {},
): Promise<{ result: T; headers: Record<string, string> }> {
  if (origin === undefined) return { result: await work(async () => {}), headers: {} };
  const headers: Record<string, string> = { vary: 'Origin' };
  let decided = false;
  const admit = async (clientId: string | undefined) => {
    const loaded = clientId && clientId.length <= MAX_CLIENT_ID_LENGTH ? await loadClient(clientId) : undefined;
    const allowed = isSerializedOrigin(origin) && (loaded ? clientAllowsOrigin(loaded.client, origin) : await anyClientAllowsOrigin(origin));
    decided = true;
    if (allowed) allow();
    else if (loaded) throw options.refuse?.(origin) ?? new OriginNotAllowedError(origin);
  };
  const allow = () => Object.assign(headers, { 'access-control-allow-origin': origin }, options.credentials ? CREDENTIALS_HEADER : {});
  try {
    return { result: await work(admit), headers };
  } catch (error) {
    if (!decided && isSerializedOrigin(origin) && (await anyClientAllowsOrigin(origin).catch(() => false))) allow();
    if (error instanceof OAuthError || error instanceof SignupError) Object.assign(error.headers, headers);
    throw error;
  }
}
