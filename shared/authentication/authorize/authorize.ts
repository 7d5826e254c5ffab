import type { ClientRecord } from '#shared/db/clients-repo';
import type { ConnectionRecord } from '#shared/db/connections-repo';
import { putLoginTransaction } from '#shared/db/browser-sessions-repo';
import type { Reply } from '#shared/http/event';
import { isClientEnabled } from '#shared/tenant/clients';
import { connectionByName, DATABASE_STRATEGY, DEFAULT_CONNECTION } from '#shared/tenant/connections';
import { ConnectionNotFoundError } from '#shared/tenant/errors';
import { config } from '#shared/platform/config';
import { answerTarget, completeAuthorization } from '#shared/authentication/authorize/complete';
import { deviceCookie, DEVICE_COOKIE, digest, newSecret } from '#shared/authentication/authorize/cookies';
import { AuthorizeError, PageError, readAuthorizeRequest, type AuthorizeParams } from '#shared/authentication/authorize/request';
import { deliver, deliverError, errorPage } from '#shared/authentication/authorize/respond';
import { currentSession, noteSessionUse, type CurrentSession } from '#shared/authentication/authorize/sso';

/**
 * GET /authorize. A browser with a live SSO session for the application's connection is answered
 * at once (no page); `prompt=none` without one gets `login_required`; anyone else starts a login
 * transaction and is sent to the hosted screen (/u/login or, with `screen_hint=signup`, /u/signup).
 */
export interface BrowserRequest {
  query: Record<string, string>;
  cookies: Record<string, string>;
  ip: string;
  userAgent?: string;
}

/** A transaction lives an hour: long enough to fill a form, short enough not to linger. */
export const TRANSACTION_TTL_SECONDS = 3600;

export async function authorize(req: BrowserRequest): Promise<Reply> {
  try {
    const { params, client } = await readAuthorizeRequest(req.query);
    const session = params.prompt?.split(' ').includes('login') ? undefined : await currentSession(req.cookies);
    // Without `connection`, the session's own connection serves if this application may use it;
    // only without such a session does the default connection (and its refusal) apply.
    const own = session && params.connection === undefined ? await sessionConnection(session, params, client) : undefined;
    const connection = own ?? (await loginConnection(params, client));
    if (session && reusable(session, params, connection)) {
      const answer = await completeAuthorization({
        params, client, connection, partition: session.partition, authTime: session.session.auth_time,
        request: { ip: req.ip, ...(req.userAgent ? { userAgent: req.userAgent } : {}), body: {} },
      });
      await noteSessionUse(session);
      return deliver(answerTarget(params), answer);
    }
    if (params.prompt === 'none') throw new AuthorizeError(answerTarget(params), 'login_required', 'Login required');
    return await startTransaction(params, req.cookies[DEVICE_COOKIE]);
  } catch (error) {
    return answerFailure(error);
  }
}

export function answerFailure(error: unknown): Reply {
  if (error instanceof PageError) return errorPage(error.statusCode, error.title, error.description, error.code);
  if (error instanceof AuthorizeError) return deliverError(error.target, error.error, error.description);
  throw error;
}

/**
 * The connection the login uses: `connection` when given, else the tenant's default database
 * connection. It must exist, be a database connection and be enabled for the application.
 */
export async function loginConnection(params: AuthorizeParams, client: ClientRecord): Promise<ConnectionRecord> {
  const name = params.connection ?? DEFAULT_CONNECTION;
  const fail = (description: string) => new AuthorizeError(answerTarget(params), 'invalid_request', description);
  let connection: ConnectionRecord;
  try {
    connection = await connectionByName(name);
  } catch (error) {
    if (error instanceof ConnectionNotFoundError) throw fail(`the connection ${name} was not found`);
    throw error;
  }
  if (connection.strategy !== DATABASE_STRATEGY) throw fail(`the connection ${name} is not a database connection`);
  if (!isClientEnabled(connection, client.client_id)) throw fail('the connection was disabled');
  return connection;
}

/**
 * The connection of the browser's session, when it is a database connection enabled for this
 * application (else undefined: the default connection applies). As on Auth0, a
 * request that names no connection (Lock's first SSO probe, before auth0.js remembers one) is
 * answered from a session of any connection the application may use.
 */
async function sessionConnection(session: CurrentSession, params: AuthorizeParams, client: ClientRecord): Promise<ConnectionRecord | undefined> {
  return loginConnection({ ...params, connection: session.session.connection }, client).catch((error: unknown) => {
    if (error instanceof AuthorizeError) return undefined;
    throw error;
  });
}

/** SSO applies unless the request asks for a fresher login or another connection. */
function reusable(session: CurrentSession, params: AuthorizeParams, connection: ConnectionRecord): boolean {
  if (session.session.connection !== connection.name) return false;
  if (params.max_age !== undefined && Math.floor(Date.now() / 1000) - session.session.auth_time > params.max_age) return false;
  return true;
}

async function startTransaction(params: AuthorizeParams, existingDevice: string | undefined): Promise<Reply> {
  const id = newSecret();
  const device = deviceCookie(existingDevice);
  const now = Math.floor(Date.now() / 1000);
  await putLoginTransaction(digest(id), {
    request: { ...params },
    did_hash: digest(device.id),
    csrf: newSecret(),
    created_at: new Date(now * 1000).toISOString(),
    ttl: now + TRANSACTION_TTL_SECONDS,
  });
  const screen = params.screen_hint === 'signup' ? 'signup' : 'login';
  const location = new URL(`u/${screen}`, config.ISSUER);
  location.searchParams.set('state', id);
  return {
    status: 302,
    headers: { location: location.href, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' },
    ...(device.setCookie ? { cookies: [device.setCookie] } : {}),
  };
}
